// Everything one process shares between its sessions: the upstream (real API or embedded sandbox), the
// ledger, the quote signer and the order lock; and, per API key, a client with its catalog cache.
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CatalogCache, createCatalogCache, createResellerClient, type ResellerClient } from '@cappi-reseller/core';
import type { Config } from './config.js';
import { type Account, createSerializer, type ServerContext } from './context.js';
import { accountOf, openLedger } from './ledger.js';
import type { Logger } from './log.js';
import { createQuoteSigner } from './quote-token.js';

export interface Runtime {
  /** The key configured (CAPPI_API_KEY) or the sandbox's; undefined when sessions must bring their own. */
  defaultKey: string | undefined;
  baseUrl: string | undefined;
  sandboxUrl: string | undefined;
  contextFor(apiKey: string): ServerContext;
  /**
   * The session that got contextFor(apiKey) has ended. When no session of that key is left, its client, catalog
   * cache and secret are forgotten (the configured key's are kept): a server for many people, each with their own
   * key, does not keep every key and catalog it has ever seen.
   */
  release(apiKey: string): void;
  close(): Promise<void>;
}

/** How long the server waits for one answer of the API (the API check uses the same limit). */
export const UPSTREAM_TIMEOUT_MS = 10_000;

// Timings for the embedded sandbox: orders progress quickly, so a newcomer sees one finish.
const SANDBOX_ORDER_TIMING = { pendingMs: 1_000, deliveryMs: 8_000 };

/**
 * The sandbox is an optional dependency, loaded only in sandbox mode: a server for a real account neither starts
 * nor installs an HTTP server and its catalog (`npm install --omit=optional` leaves it out).
 */
export async function loadSandbox(): Promise<typeof import('@cappi-reseller/sandbox')> {
  try {
    return await import('@cappi-reseller/sandbox');
  } catch (error) {
    const missing =
      (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' &&
      String((error as { message?: unknown }).message).includes('@cappi-reseller/sandbox');
    if (!missing) throw error;
    throw new Error(
      '--sandbox needs the package @cappi-reseller/sandbox (an optional dependency), which is not installed here: ' +
        'install it next to this server (npm install @cappi-reseller/sandbox), or run `npx -y @cappi-reseller/mcp-server --sandbox`',
    );
  }
}

export async function createRuntime(config: Config, log: Logger): Promise<Runtime> {
  let defaultKey = config.apiKey;
  let baseUrl = config.baseUrl;
  let stopSandbox: (() => Promise<void>) | undefined;
  let sandboxUrl: string | undefined;
  if (config.sandbox) {
    const { startSandbox } = await loadSandbox();
    const sandbox = await startSandbox({ port: 0, orderTiming: SANDBOX_ORDER_TIMING });
    defaultKey = sandbox.key;
    baseUrl = sandbox.url;
    sandboxUrl = sandbox.url;
    stopSandbox = () => sandbox.stop();
  }
  if (defaultKey !== undefined) log.addSecret(defaultKey);

  const ledger = openLedger(config.ledgerPath, {
    onLockLost: (reason) => log.info(`the order ledger's lock was lost: ${reason}`),
  });
  const quotes = createQuoteSigner(config.quoteSecret);
  // One order at a time: in this process (a queue), then across processes sharing the ledger (its lock).
  const queue = createSerializer();
  const serialize = <T>(task: () => Promise<T>): Promise<T> => queue(() => ledger.exclusive(task));
  const accounts = new Map<string, Account>();
  /** Open sessions per account id. */
  const sessions = new Map<string, number>();

  function accountFor(apiKey: string): Account {
    const id = accountOf(apiKey);
    let account = accounts.get(id);
    if (account === undefined) {
      // Created on first use: building a client touches the global fetch, and loading Node's fetch
      // (undici) would add tens of milliseconds to every start, before any tool is called.
      let client: ResellerClient | undefined;
      let catalog: CatalogCache | undefined;
      const clientFor = (): ResellerClient => {
        client ??= createResellerClient({
          apiKey,
          ...(baseUrl === undefined ? {} : { baseUrl }),
          // A tool call must answer well within the client's 60 s: shorter attempts, fewer and shorter waits.
          timeoutMs: UPSTREAM_TIMEOUT_MS,
          retries: config.retries,
          maxRetryAfterMs: 5_000,
          onRetry: (info) =>
            log.info(
              `retrying ${info.operation} (attempt ${info.attempt}) in ${info.delayMs} ms: ${info.error.message}`,
            ),
        });
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
      };
      accounts.set(id, account);
    }
    return account;
  }

  return {
    defaultKey,
    baseUrl,
    sandboxUrl,
    contextFor(apiKey) {
      log.addSecret(apiKey);
      const account = accountFor(apiKey);
      sessions.set(account.id, (sessions.get(account.id) ?? 0) + 1);
      return {
        account,
        policy: config.policy,
        ledger,
        quotes,
        log,
        serialize,
        sandbox: config.sandbox,
        secrets: () => log.secrets(),
        now: Date.now,
        pollIntervalMs: 1_000,
        maxPollIntervalMs: 5_000,
      };
    },
    release(apiKey) {
      const id = accountOf(apiKey);
      const open = (sessions.get(id) ?? 0) - 1;
      if (open > 0) {
        sessions.set(id, open);
        return;
      }
      sessions.delete(id);
      if (apiKey === defaultKey) return;
      accounts.delete(id);
      log.removeSecret(apiKey);
    },
    async close() {
      await stopSandbox?.();
      if (config.ledgerIsTemporary) rmSync(dirname(config.ledgerPath), { recursive: true, force: true });
    },
  };
}
