// Streamable HTTP at /mcp. Before the SDK's transport sees a request: the Host and Origin checks
// (DNS rebinding), the bearer token, and the upstream key, taken per session from a header (never the URL)
// and pinned to that session.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { API_KEY_SHAPE, apiKeyProblem, redact } from '@cappi-reseller/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { HttpOptions } from './config.js';
import { createEventStore } from './event-store.js';
import { createHealthCheck, HEALTH_PATH } from './health.js';
import type { Logger } from './log.js';
import { scrubOutgoing } from './outgoing.js';
import type { Runtime } from './runtime.js';
import { createServer } from './server.js';
import { createSessionTable } from './sessions.js';
import { createStatelessHandler } from './stateless-http.js';

/** The header a session brings its upstream API key in (Node lower-cases incoming header names). */
export const API_KEY_HEADER = 'X-Cappi-Api-Key';
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/** How long a client whose stream dropped waits before it reconnects with Last-Event-ID (the SSE `retry` field). */
const STREAM_RETRY_MS = 1_000;
/** The SDK's own ceiling on a request body. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

interface Session {
  /** Set once the session's server and transport exist; a session being initialized is never evicted (active). */
  transport?: StreamableHTTPServerTransport;
  server?: McpServer;
  /** Hash of the key the session was opened with: every later request must bring the same one. */
  keyHash: string | undefined;
  initialized: boolean;
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

/** readBody's answer when it has already refused the request. */
const NO_BODY = Symbol('no body');

/** The client's address as the socket sees it (a proxy in front makes every client one address). */
function clientAddress(req: IncomingMessage): string {
  return (req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

/** The bytes of a request body, or why they were not all read: too slow, or too many. */
/**
 * How long an idle connection is kept open for the client's next request. Node's default (5 s) races with clients:
 * one that reuses a connection just as the server closes it gets ECONNRESET, and a POST (a tool call) is not
 * retried. Seen on a busy machine with 100 sessions: 138 of 5,000 calls failed that way, none with this value.
 * Clients close idle connections sooner (undici, Node's fetch: after 4 s) and proxies' idle timeouts are usually
 * 60 s, so the client or the proxy closes first, not the server.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

function readWithin(
  req: IncomingMessage,
  deadlineMs: number,
  maxBytes: number,
): Promise<Buffer | 'timeout' | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: Buffer | 'timeout' | 'too-large') => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (typeof outcome === 'string') req.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) finish('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => finish('timeout'), deadlineMs);
    req.on('data', onData).once('end', onEnd).once('error', onError);
  });
}

export async function serveHttp(runtime: Runtime, options: HttpOptions, log: Logger): Promise<HttpHandle> {
  const wildcard = options.host === '0.0.0.0' || options.host === '::';
  const allowedHosts = new Set(
    [...LOOPBACK_NAMES, ...(wildcard ? [] : [options.host.includes(':') ? `[${options.host}]` : options.host])]
      .concat(options.allowedHosts)
      .map((name) => name.toLowerCase()),
  );
  const allowedOrigins = new Set(options.allowedOrigins.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  const { limits } = options;
  const sessions = createSessionTable<Session>(limits, (session) => {
    void session.server?.close().catch(() => undefined);
  });
  const health = createHealthCheck(runtime.ledger, log);
  const replicas = options.stateless
    ? createStatelessHandler(runtime, { recoverySweepMs: options.recoverySweepMs, apiKeyHeader: API_KEY_HEADER }, log)
    : undefined;

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
    if (url.pathname === HEALTH_PATH) return health.answer(req, res); // before the checks: see health.ts
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
    const keyHash = headerKey === undefined ? undefined : hash(headerKey).toString('hex');
    if (replicas !== undefined) return replicas.handle(req, res, headerKey);
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (session?.transport === undefined || !session.initialized) {
        return reject(res, 404, 'unknown or expired session: initialize a new one');
      }
      if (session.keyHash !== undefined && session.keyHash !== keyHash) {
        return reject(res, 403, `this session belongs to another API key: send the same ${API_KEY_HEADER} header`);
      }
      // In a request until its answer is over (a tool call's stream included); a stream the client keeps open
      // for the server's own messages (GET) leaves the session idle: only requests in progress protect it.
      const done = sessions.enter(sessionId);
      if (req.method === 'GET') done();
      else res.once('close', done);
      const body = req.method === 'POST' ? await readBody(req, res) : undefined;
      if (body === NO_BODY) return;
      return session.transport.handleRequest(req, res, body);
    }

    if (req.method !== 'POST') return reject(res, 400, 'no session: start one with an initialize request (POST)');
    const apiKey = headerKey ?? runtime.defaultKey;
    if (apiKey === undefined) {
      return reject(res, 401, `no API key: send your Cappi Reseller API key in the ${API_KEY_HEADER} header`);
    }
    const body = await readBody(req, res);
    if (body === NO_BODY) return;
    const admission = sessions.admit(clientAddress(req), keyHash);
    if (!admission.admitted) {
      return reject(
        res,
        503,
        `too many open sessions (${admission.limit}), every one of them in the middle of a request: try again in ${admission.retryAfterSeconds} s`,
        { 'retry-after': String(admission.retryAfterSeconds) },
      );
    }
    // Taken at once (no await since admit), so simultaneous initializes cannot all pass the same limit.
    const id = randomUUID();
    const session: Session = { keyHash, initialized: false };
    sessions.add(id, session, clientAddress(req), keyHash);
    const done = sessions.enter(id);
    let context: Awaited<ReturnType<Runtime['contextFor']>>;
    try {
      context = await runtime.contextFor(apiKey);
    } catch (error) {
      sessions.remove(id);
      throw error;
    }
    const server = createServer(context);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      runtime.release(apiKey);
    };
    const transport = scrubOutgoing(
      new StreamableHTTPServerTransport({
        sessionIdGenerator: () => id,
        // Resumable streams (event-store.ts): a dropped stream resumes with the answer it was waiting for.
        eventStore: createEventStore(),
        retryInterval: STREAM_RETRY_MS,
        onsessioninitialized: () => {
          session.initialized = true;
        },
      }),
      context,
    );
    Object.assign(session, { server, transport });
    // Every way a session ends (DELETE, eviction, idle sweep, shutdown) closes its transport.
    transport.onclose = () => {
      sessions.remove(id);
      release();
    };
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } finally {
      done();
      // Anything but a successful initialize leaves no session behind.
      if (!session.initialized) {
        sessions.remove(id);
        await server.close();
        release();
      }
    }
  }

  /**
   * The JSON body of a POST, read within the body deadline and size limit; NO_BODY when it was refused (the answer
   * is sent). A client that trickles its body is cut off at the deadline, whatever Node's own timeouts allow.
   */
  async function readBody(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
    const outcome = await readWithin(req, limits.bodyTimeoutMs, MAX_BODY_BYTES);
    if (outcome === 'timeout' || outcome === 'too-large') {
      const [status, message] =
        outcome === 'timeout'
          ? [408, `the request body did not arrive within ${limits.bodyTimeoutMs / 1000} s`]
          : [413, `the request body is larger than ${MAX_BODY_BYTES} bytes`];
      res.once('finish', () => req.socket.destroy());
      reject(res, status, message, { connection: 'close' });
      return NO_BODY;
    }
    try {
      return JSON.parse(outcome.toString('utf8')) as unknown;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: Invalid JSON' }, id: null }),
      );
      return NO_BODY;
    }
  }

  const httpServer = createHttpServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
      // Node checks those timeouts this often (30 s by default, which would let a slow client hold on far longer).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        // This request's key may belong to no session (so to no registered secret): scrub it here too.
        const key = header(req, API_KEY_HEADER.toLowerCase())?.trim();
        log.info(`HTTP request failed: ${redact((error as Error).message, key ? [key] : [])}`);
        if (!res.headersSent) reject(res, 500, 'internal error');
        else res.end();
      });
    },
  );
  httpServer.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port, options.host, () => resolve());
  });
  const sweeper = setInterval(() => sessions.sweep(), Math.min(60_000, limits.idleMs / 2));
  sweeper.unref();
  const address = httpServer.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}/mcp`;

  return {
    url,
    async close() {
      clearInterval(sweeper);
      await replicas?.close();
      await Promise.all(sessions.values().map((session) => session.server?.close().catch(() => undefined)));
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
