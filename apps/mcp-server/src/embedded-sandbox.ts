// The embedded sandbox of `--sandbox`, started on first use. Loading it (an HTTP framework, the contract, a generated
// catalog of 2,400 services) and listening took most of a sandbox start (issue 9: 10-13x a bare `node -e 0`), while
// an AI client that spawns the server for every chat only needs initialize and tools/list at first. So the server
// answers those at once and the sandbox starts when the first tool call needs the API. Its key is fixed here, so the
// session's account, secrets and ledger are set up before the sandbox exists.
import {
  ConnectionError,
  type ReadOptions,
  type RequestOptions,
  type ResellerClient,
  ResellerPromise,
} from '@cappi-reseller/core';
import type { Logger } from './log.js';

/** The key of the simulated account; nothing secret (it spends simulated money), scrubbed like any key anyway. */
export const EMBEDDED_SANDBOX_KEY = 'sbx_embedded_mcp_sandbox_key';

// Orders progress quickly, so a newcomer sees one finish.
const ORDER_TIMING = { pendingMs: 1_000, deliveryMs: 8_000 };

export interface EmbeddedSandbox {
  key: string;
  /** Starts the sandbox if it is not started yet; resolves with its base URL. */
  url(): Promise<string>;
  /** Stops it, if it was started. */
  stop(): Promise<void>;
}

const MISSING_SANDBOX =
  '--sandbox needs the package @cappi-reseller/sandbox (an optional dependency), which is not installed here: ' +
  'install it next to this server (npm install @cappi-reseller/sandbox), or run `npx -y @cappi-reseller/mcp-server --sandbox`';

/**
 * The sandbox is an optional dependency, loaded only in sandbox mode: a server for a real account neither starts
 * nor installs an HTTP server and its catalog (`npm install --omit=optional` leaves it out).
 */
export async function loadSandbox(): Promise<typeof import('@cappi-reseller/sandbox')> {
  try {
    return await import('@cappi-reseller/sandbox');
  } catch (error) {
    if (!isMissingSandbox(error)) throw error;
    throw new Error(MISSING_SANDBOX);
  }
}

/** Fails at start, not at the first tool call, when the package is absent: resolving it loads nothing. */
export function assertSandboxInstalled(): void {
  try {
    import.meta.resolve('@cappi-reseller/sandbox');
  } catch (error) {
    if (!isMissingSandbox(error)) throw error;
    throw new Error(MISSING_SANDBOX);
  }
}

function isMissingSandbox(error: unknown): boolean {
  return (
    (error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' &&
    String((error as { message?: unknown }).message).includes('@cappi-reseller/sandbox')
  );
}

export function embeddedSandbox(log: Logger): EmbeddedSandbox {
  assertSandboxInstalled();
  let starting: Promise<{ url: string; stop(): Promise<void> }> | undefined;
  const start = () => {
    starting ??= (async () => {
      const { startSandbox } = await loadSandbox();
      const sandbox = await startSandbox({
        port: 0,
        keys: [{ key: EMBEDDED_SANDBOX_KEY, balance: 100 }],
        orderTiming: ORDER_TIMING,
      });
      log.info(`embedded sandbox at ${sandbox.url}`);
      return sandbox;
    })();
    // A failed start is not kept: the next call tries again (and says why again).
    starting.catch(() => {
      starting = undefined;
    });
    return starting;
  };
  return {
    key: EMBEDDED_SANDBOX_KEY,
    url: async () => (await start()).url,
    async stop() {
      const sandbox = await starting?.catch(() => undefined);
      await sandbox?.stop();
    },
  };
}

/**
 * A client for an upstream whose base URL is known only later (the embedded sandbox): each call waits for the real
 * client, made once by `create`, and goes through it; errors and outcomes are the real client's.
 */
export function deferredClient(create: () => Promise<ResellerClient>): ResellerClient {
  let made: Promise<ResellerClient> | undefined;
  let baseUrl = '';
  const real = () => {
    made ??= create().then((client) => {
      baseUrl = client.baseUrl;
      return client;
    });
    made.catch(() => {
      made = undefined;
    });
    return made;
  };
  const operation = <A extends unknown[], R>(call: (client: ResellerClient, ...args: A) => ResellerPromise<R>) => {
    return (...args: A): ResellerPromise<R> =>
      new ResellerPromise(real().then((client) => call(client, ...args).withResponse()));
  };
  return {
    get baseUrl() {
      return baseUrl;
    },
    getBalance: operation((client, options?: ReadOptions) => client.getBalance(options)),
    listServices: operation((client, options?: ReadOptions) => client.listServices(options)),
    getOrderStatus: operation((client, orderId: number, options?: ReadOptions) =>
      client.getOrderStatus(orderId, options),
    ),
    registerOrder: operation(
      (client, order: Parameters<ResellerClient['registerOrder']>[0], options?: RequestOptions) =>
        client.registerOrder(order, options),
    ),
    // An outcome, never a throw (the order kernel records it): no sandbox, nothing sent.
    async attemptOrder(order, options) {
      let client: ResellerClient;
      try {
        client = await real();
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const cause = new ConnectionError(`the embedded sandbox could not start (${reason}); nothing was sent`, {
          operation: 'RegisterOrder',
        });
        return { kind: 'not_placed', error: cause };
      }
      return client.attemptOrder(order, options);
    },
  };
}
