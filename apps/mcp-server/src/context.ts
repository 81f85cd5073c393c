// What a tool handler needs: the account it acts for, the operator's policy, the shared ledger, the quote signer
// and the orders in flight. One context per MCP session; over HTTP several sessions (and keys) share one process.
import type { CatalogCache, OrderGuard, OrderLedgerStore, QuoteSigner, ResellerClient } from '@cappi-reseller/core';
import type { AnswerContext } from './answer.js';
import type { ServerPolicy } from './config.js';
import type { InFlightOrders } from './in-flight.js';
import type { Logger } from './log.js';

export interface Account {
  client: ResellerClient;
  catalog: CatalogCache;
  /** Fingerprint of the key (accountFingerprint), for the ledger, budgets and quotes. */
  id: string;
  /** Core's money kernel for this account: the policy's checks and the ledger, around every order. */
  guard: OrderGuard;
}

export interface ServerContext extends AnswerContext {
  account: Account;
  policy: ServerPolicy;
  ledger: OrderLedgerStore;
  quotes: QuoteSigner;
  log: Logger;
  /** Orders being placed by this process: shutdown waits for them to be recorded. */
  inFlight: InFlightOrders;
  now(): number;
  /** First and longest pause between polls while waiting for an order. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
}
