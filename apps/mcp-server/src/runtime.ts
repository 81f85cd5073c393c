// Everything one process shares between its sessions: the upstream (real API or embedded sandbox), the order
// ledger, the quote signer and the orders in flight; and, per API key, a client with its catalog cache and core's
// money kernel (the order guard).
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  accountFingerprint,
  type CatalogCache,
  createCatalogCache,
  createOrderGuard,
  createQuoteSigner,
  createResellerClient,
  formatCents,
  type OrderGuard,
  type OrderLedgerStore,
  type ResellerClient,
  type recoverInterrupted,
  redact,
} from '@cappi-reseller/core';
import type { Config } from './config.js';
import type { Account, ServerContext } from './context.js';
import { deferredClient, type EmbeddedSandbox, embeddedSandbox } from './embedded-sandbox.js';
import { createInFlightOrders, type InFlightOrders } from './in-flight.js';
import { openServerLedger } from './ledger.js';
import type { Logger } from './log.js';

export interface Runtime {
  /** The key configured (CAPPI_API_KEY) or the sandbox's; undefined when sessions must bring their own. */
  defaultKey: string | undefined;
  baseUrl: string | undefined;
  /** The embedded sandbox (--sandbox), started by the first call that needs the API. */
  sandbox: EmbeddedSandbox | undefined;
  ledger: OrderLedgerStore;
  inFlight: InFlightOrders;
  contextFor(apiKey: string): Promise<ServerContext>;
  /**
   * The session that got contextFor(apiKey) has ended. When no session of that key is left, its client and catalog
   * cache are forgotten (the configured key's are kept): a server for many people, each with their own
   * key, does not keep every key and catalog it has ever seen.
   */
  release(apiKey: string): void;
  /** Stops taking orders, waits (bounded) for the orders in flight to be recorded, then closes everything. */
  close(): Promise<void>;
}

/** How long the server waits for one answer of the API (the API check uses the same limit). */
export const UPSTREAM_TIMEOUT_MS = 10_000;

export async function createRuntime(config: Config, log: Logger): Promise<Runtime> {
  const baseUrl = config.baseUrl;
  // Not started here: initialize and tools/list need no API, and AI clients spawn the server for every chat.
  const sandbox = config.sandbox ? embeddedSandbox(log) : undefined;
  const defaultKey = sandbox?.key ?? config.apiKey;
  if (defaultKey !== undefined) log.addSecret(defaultKey);

  const { store: ledger, owner } = openServerLedger(config.ledger, log, (interrupted) =>
    recoverAtStart(interrupted, log),
  );
  const quotes = createQuoteSigner(config.quoteSecret);
  const inFlight = createInFlightOrders();
  const accounts = new Map<string, Account>();
  /** Open sessions per account id, and the id of each key in use. */
  const sessions = new Map<string, number>();
  const idOfKey = new Map<string, string>();

  /** `accountLog` scrubs the account's own key (and the process's): its lines and ledger texts never hold it. */
  function accountFor(apiKey: string, id: string, accountLog: Logger): Account {
    let account = accounts.get(id);
    if (account !== undefined) return account;
    const scrub = (text: string) => redact(text, accountLog.secrets());
    // Created on first use: building a client touches the global fetch, and loading Node's fetch (undici) would add
    // tens of milliseconds to every start, before any tool is called.
    let client: ResellerClient | undefined;
    let catalog: CatalogCache | undefined;
    let guard: OrderGuard | undefined;
    const makeClient = (upstream: string | undefined): ResellerClient =>
      createResellerClient({
        apiKey,
        ...(upstream === undefined ? {} : { baseUrl: upstream }),
        // A tool call must answer well within the client's 60 s: shorter attempts, fewer and shorter waits.
        timeoutMs: UPSTREAM_TIMEOUT_MS,
        retries: config.retries,
        maxRetryAfterMs: 5_000,
        onRetry: (info) =>
          accountLog.info(
            `retrying ${info.operation} (attempt ${info.attempt}) in ${info.delayMs} ms: ${info.error.message}`,
          ),
      });
    const clientFor = (): ResellerClient => {
      client ??=
        sandbox === undefined ? makeClient(baseUrl) : deferredClient(async () => makeClient(await sandbox.url()));
      return client;
    };
    account = {
      id,
      get client() {
        return clientFor();
      },
      get catalog() {
        catalog ??= createCatalogCache(clientFor(), { ttlMs: config.catalogTtlMs });
        return catalog;
      },
      get guard() {
        guard ??= createOrderGuard({
          ledger,
          policy: config.policy,
          account: id,
          owner,
          attemptOrder: (order) => clientFor().attemptOrder(order),
          sandbox: config.sandbox,
          scrub,
        });
        return guard;
      },
    };
    accounts.set(id, account);
    return account;
  }

  return {
    defaultKey,
    baseUrl,
    sandbox,
    ledger,
    inFlight,
    async contextFor(apiKey) {
      // A key a session brought is a secret of the sessions of that key only (their answers, their log lines): it
      // never changes what another session sees. The configured key is the process's, scrubbed everywhere.
      const sessionLog = apiKey === defaultKey ? log : log.withSecrets([apiKey]);
      const id = idOfKey.get(apiKey) ?? (await accountFingerprint(apiKey));
      idOfKey.set(apiKey, id);
      const account = accountFor(apiKey, id, sessionLog);
      sessions.set(id, (sessions.get(id) ?? 0) + 1);
      return {
        account,
        policy: config.policy,
        ledger,
        quotes,
        log: sessionLog,
        inFlight,
        sandbox: config.sandbox,
        secrets: () => sessionLog.secrets(),
        now: Date.now,
        pollIntervalMs: 1_000,
        maxPollIntervalMs: 5_000,
      };
    },
    release(apiKey) {
      const id = idOfKey.get(apiKey);
      if (id === undefined) return;
      const open = (sessions.get(id) ?? 0) - 1;
      if (open > 0) {
        sessions.set(id, open);
        return;
      }
      sessions.delete(id);
      if (apiKey === defaultKey) return;
      accounts.delete(id);
      idOfKey.delete(apiKey);
    },
    async close() {
      const pending = inFlight.size;
      if (pending > 0) log.info(`waiting for ${pending} order(s) in flight to be recorded before stopping`);
      if (!(await inFlight.drain())) {
        log.info(
          'stopping with an order still in flight: its ledger row stays "sending" and becomes "unknown" at the next start',
        );
      }
      await ledger.close().catch(() => undefined);
      await sandbox?.stop();
      if (config.ledger.temporary) rmSync(dirname(config.ledger.location), { recursive: true, force: true });
    },
  };
}

/**
 * Says which orders a crashed or killed process left unrecorded: they count as possibly placed. Once at start, and
 * in replica mode after each sweep that found some (stateless-http.ts).
 */
export function recoverAtStart(interrupted: Awaited<ReturnType<typeof recoverInterrupted>>, log: Logger): void {
  if (interrupted.length === 0) return;
  const list = interrupted
    .map(
      (row) =>
        `${row.quantity} × service ${row.serviceId} (${formatCents(row.priceCents)}, ${new Date(row.createdAt).toISOString()})`,
    )
    .join('; ');
  log.info(
    `${interrupted.length} order(s) were being sent when a server process ended: they may have been placed, are now recorded as "unknown" and count against the daily budget: ${list}. Check the balance and recent orders.`,
  );
}
