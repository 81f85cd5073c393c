// What a tool handler needs: the account it acts for, the operator's policy, the shared ledger and the
// quote signer. One context per MCP session; over HTTP several sessions (and keys) share one process.
import type { CatalogCache, ResellerClient } from '@cappi-reseller/core';
import type { AnswerContext } from './answer.js';
import type { SpendingPolicy } from './config.js';
import type { Ledger } from './ledger.js';
import type { Logger } from './log.js';
import type { QuoteSigner } from './quote-token.js';

export interface Account {
  client: ResellerClient;
  catalog: CatalogCache;
  /** Fingerprint of the key (see accountOf), for the ledger and budgets. */
  id: string;
}

export interface ServerContext extends AnswerContext {
  account: Account;
  policy: SpendingPolicy;
  ledger: Ledger;
  quotes: QuoteSigner;
  log: Logger;
  /** Runs order placements one at a time (check budget, send, record), across every session and every process on the ledger. */
  serialize<T>(task: () => Promise<T>): Promise<T>;
  now(): number;
  /** First and longest pause between polls while waiting for an order. */
  pollIntervalMs: number;
  maxPollIntervalMs: number;
}

/** A mutex as a promise chain: each task starts when the previous one has settled. */
export function createSerializer(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}
