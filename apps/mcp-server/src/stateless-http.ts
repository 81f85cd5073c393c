// Replica mode (--stateless) of the Streamable HTTP server: no session is kept between requests, so any of several
// replicas behind a round-robin load balancer can serve any request. Each POST gets a fresh MCP server and
// transport, built for the key in that request's header (or the configured one), and answers as an SSE stream
// within the request: progress notifications of a long call reach the client on it. What is shared lives in
// PostgreSQL (the ledger, with its per-account lock, so one daily budget holds across replicas) or in the
// configuration (CAPPI_QUOTE_SECRET, so a quote made by one replica is accepted by another).
// The request checks (Host, Origin, bearer token, no key in the URL) are http.ts's, done before this is called.
// Why elicitation is not used here, and how a dead replica's orders are found: contributing/decisions/replica-mode.md.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { recoverInterrupted } from '@cappi-reseller/core';
import { isOwnerGone } from '@cappi-reseller/ledger/owner';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from './log.js';
import { scrubOutgoing } from './outgoing.js';
import { type Runtime, recoverAtStart } from './runtime.js';
import { createServer } from './server.js';

/** Requests served at once by one replica; more are refused (503), so a flood cannot exhaust its memory. */
export const MAX_REQUESTS_IN_FLIGHT = 1_000;
/**
 * How long a key's client and catalog cache are kept after its last request: without sessions, every request would
 * otherwise start with an empty cache and read the whole catalog again.
 */
export const ACCOUNT_LINGER_MS = 60_000;

export interface StatelessOptions {
  /** How often rows left 'sending' by a replica that died are looked for, ms. */
  recoverySweepMs: number;
  /** The header a request brings its API key in. */
  apiKeyHeader: string;
}

export interface StatelessHandler {
  /** Serves one request; `headerKey` is the key from the request's header, if any. */
  handle(req: IncomingMessage, res: ServerResponse, headerKey: string | undefined): Promise<void>;
  close(): Promise<void>;
}

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

export function createStatelessHandler(runtime: Runtime, options: StatelessOptions, log: Logger): StatelessHandler {
  const open = new Set<McpServer>();
  /** Releases of keys whose requests ended, waiting ACCOUNT_LINGER_MS. */
  const lingering = new Map<NodeJS.Timeout, string>();
  const releaseLater = (apiKey: string) => {
    const timer = setTimeout(() => {
      lingering.delete(timer);
      runtime.release(apiKey);
    }, ACCOUNT_LINGER_MS);
    timer.unref();
    lingering.set(timer, apiKey);
  };
  const sweep = startRecoverySweep(runtime, options.recoverySweepMs, log);

  return {
    async handle(req, res, headerKey) {
      if (req.method !== 'POST') {
        // No session means no stream to resume or open (GET) and nothing to end (DELETE); the SDK's client reads
        // 405 on its GET as "no stream offered" and goes on.
        return refuse(res, 405, 'this server keeps no sessions (replica mode): send requests with POST', {
          allow: 'POST',
        });
      }
      const apiKey = headerKey ?? runtime.defaultKey;
      if (apiKey === undefined) {
        return refuse(res, 401, `no API key: send your Cappi Reseller API key in the ${options.apiKeyHeader} header`);
      }
      if (open.size >= MAX_REQUESTS_IN_FLIGHT) return refuse(res, 503, 'too many requests at once; try again later');

      const context = await runtime.contextFor(apiKey);
      const server = createServer(context);
      open.add(server);
      // The one scrub of everything sent (outgoing.ts), with this request's key among the secrets.
      const transport = scrubOutgoing(new StreamableHTTPServerTransport({ sessionIdGenerator: undefined }), context);
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        open.delete(server);
        // An order this request started is recorded by the guard whatever happens to the connection (inFlight).
        void server.close().catch(() => undefined);
        releaseLater(apiKey);
      };
      // The answer is an SSE stream that ends when the request's last message is sent, or the client goes away.
      res.once('close', end);
      try {
        await server.connect(transport);
        await transport.handleRequest(req, res);
      } catch (error) {
        end();
        throw error;
      }
    },
    async close() {
      clearInterval(sweep);
      for (const [timer, apiKey] of lingering) {
        clearTimeout(timer);
        runtime.release(apiKey);
      }
      lingering.clear();
      await Promise.all([...open].map((server) => server.close().catch(() => undefined)));
      open.clear();
    },
  };
}

/**
 * Every `intervalMs`, rows left 'sending' by a replica that is gone become 'unknown' (core's recoverInterrupted,
 * the check each start also makes). Gone: a dead process on this machine at once; a row of another machine once it
 * is older than any send can take (isOwnerGone). Until then the row already counts against the budget.
 */
function startRecoverySweep(runtime: Runtime, intervalMs: number, log: Logger): NodeJS.Timeout {
  let running = false;
  let lastError: string | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    recoverInterrupted(runtime.ledger, (row) => isOwnerGone(row, Date.now()))
      .then((recovered) => {
        lastError = undefined;
        recoverAtStart(recovered, log);
      })
      .catch((error: unknown) => {
        // The ledger's own message (it names the ledger without its password); said once, not every interval.
        const message = (error as Error).message;
        if (message !== lastError) log.info(`looking for interrupted orders: ${message}`);
        lastError = message;
      })
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return timer;
}
