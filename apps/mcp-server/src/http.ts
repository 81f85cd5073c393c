// Streamable HTTP at /mcp. Before the SDK's transport sees a request: the Host and Origin checks
// (DNS rebinding), the bearer token, and the upstream key, taken per session from a header (never the URL)
// and pinned to that session.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { API_KEY_SHAPE, apiKeyProblem, redact } from '@cappi-reseller/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { HttpOptions } from './config.js';
import type { Logger } from './log.js';
import { scrubOutgoing } from './outgoing.js';
import type { Runtime } from './runtime.js';
import { createServer } from './server.js';

/** The header a session brings its upstream API key in (Node lower-cases incoming header names). */
export const API_KEY_HEADER = 'X-Cappi-Api-Key';
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const MAX_SESSIONS = 1_000;
/** A session not heard from for this long is closed: clients that vanish without DELETE leave nothing behind. */
const SESSION_IDLE_MS = 30 * 60_000;

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  /** Hash of the key the session was opened with: every later request must bring the same one. */
  keyHash: string | undefined;
  lastSeen: number;
}

export interface HttpHandle {
  url: string;
  close(): Promise<void>;
}

function reject(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

function hash(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(hash(given), hash(expected));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function hostnameOf(hostHeader: string): string | undefined {
  try {
    return new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

export async function serveHttp(runtime: Runtime, options: HttpOptions, log: Logger): Promise<HttpHandle> {
  const wildcard = options.host === '0.0.0.0' || options.host === '::';
  const allowedHosts = new Set(
    [...LOOPBACK_NAMES, ...(wildcard ? [] : [options.host.includes(':') ? `[${options.host}]` : options.host])]
      .concat(options.allowedHosts)
      .map((name) => name.toLowerCase()),
  );
  const allowedOrigins = new Set(options.allowedOrigins.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  const sessions = new Map<string, Session>();

  function originAllowed(origin: string | undefined): boolean {
    if (origin === undefined) return true; // not a browser
    const normalized = origin.toLowerCase();
    if (allowedOrigins.has(normalized)) return true;
    try {
      // A page served from this machine (e.g. the MCP Inspector) may connect; a page from elsewhere may not.
      return LOOPBACK_NAMES.includes(new URL(normalized).hostname);
    } catch {
      return false;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const hostname = hostnameOf(header(req, 'host') ?? '');
    if (hostname === undefined || !allowedHosts.has(hostname)) {
      return reject(
        res,
        403,
        `Host not allowed: add it with --allowed-hosts if this server is meant to be reached by that name`,
      );
    }
    if (!originAllowed(header(req, 'origin'))) {
      return reject(res, 403, 'Origin not allowed: add it with --allowed-origins');
    }
    if (url.pathname !== '/mcp') return reject(res, 404, 'not found: the MCP endpoint is /mcp');
    if (options.token !== undefined) {
      const auth = header(req, 'authorization') ?? '';
      const match = /^Bearer (.+)$/i.exec(auth);
      if (match?.[1] === undefined || !sameSecret(match[1], options.token)) {
        return reject(res, 401, 'a bearer token is required (Authorization: Bearer <CAPPI_MCP_TOKEN>)', {
          'www-authenticate': 'Bearer',
        });
      }
    }
    if ([...url.searchParams.keys()].some((name) => /key|token/i.test(name))) {
      return reject(res, 400, `never put a key in the URL: send the API key in the ${API_KEY_HEADER} header`);
    }

    // Registered as a secret by runtime.contextFor when a session starts with it, and forgotten when the last
    // session of that key ends; a request that opens no session and matches none is refused without a log line.
    const headerKey = header(req, API_KEY_HEADER.toLowerCase())?.trim() || undefined;
    // Refused at the door: a "key" such as `type` would be scrubbed from its session's every answer.
    const keyProblem = headerKey === undefined ? undefined : apiKeyProblem(headerKey);
    if (keyProblem !== undefined) {
      return reject(
        res,
        400,
        `${keyProblem}: the ${API_KEY_HEADER} header takes a Cappi Reseller API key, ${API_KEY_SHAPE}`,
      );
    }
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (session === undefined) return reject(res, 404, 'unknown or expired session: initialize a new one');
      const keyHash = headerKey === undefined ? undefined : hash(headerKey).toString('hex');
      if (session.keyHash !== undefined && session.keyHash !== keyHash) {
        return reject(res, 403, `this session belongs to another API key: send the same ${API_KEY_HEADER} header`);
      }
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res);
    }

    if (req.method !== 'POST') return reject(res, 400, 'no session: start one with an initialize request (POST)');
    const apiKey = headerKey ?? runtime.defaultKey;
    if (apiKey === undefined) {
      return reject(res, 401, `no API key: send your Cappi Reseller API key in the ${API_KEY_HEADER} header`);
    }
    if (sessions.size >= MAX_SESSIONS) return reject(res, 503, 'too many open sessions; try again later');

    const context = await runtime.contextFor(apiKey);
    const server = createServer(context);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      runtime.release(apiKey);
    };
    const transport = scrubOutgoing(
      new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => {
          sessions.set(id, {
            transport,
            server,
            keyHash: headerKey === undefined ? undefined : hash(headerKey).toString('hex'),
            lastSeen: Date.now(),
          });
        },
      }),
      context,
    );
    // Every way a session ends (DELETE, idle sweep, shutdown) closes its transport.
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
      release();
    };
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res);
    } finally {
      // Anything but a successful initialize leaves no session behind.
      if (transport.sessionId === undefined || !sessions.has(transport.sessionId)) {
        await server.close();
        release();
      }
    }
  }

  const httpServer = createHttpServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // This request's key may belong to no session (so to no registered secret): scrub it here too.
      const key = header(req, API_KEY_HEADER.toLowerCase())?.trim();
      log.info(`HTTP request failed: ${redact((error as Error).message, key ? [key] : [])}`);
      if (!res.headersSent) reject(res, 500, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const sweeper = setInterval(() => {
    const cutoff = Date.now() - SESSION_IDLE_MS;
    for (const [id, session] of sessions) {
      if (session.lastSeen < cutoff) {
        sessions.delete(id);
        void session.server.close().catch(() => undefined);
      }
    }
  }, 60_000);
  sweeper.unref();
  const address = httpServer.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}/mcp`;

  return {
    url,
    async close() {
      clearInterval(sweeper);
      await Promise.all([...sessions.values()].map((session) => session.server.close().catch(() => undefined)));
      sessions.clear();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
