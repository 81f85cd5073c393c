// Streamable HTTP: a spawned server on a free port, real MCP clients with their own keys, and raw requests
// for what a client library would never send (a foreign Host or Origin, a key in the URL, a borrowed session).

import { Agent } from 'node:http';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { spawnInGroup } from '@cappi-reseller/test-processes';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CANARY, LINK, leaks, removeDir, STEAM_LIKES, startTestSandbox, tempDir, textOf } from './helpers.js';
import {
  call,
  connect,
  type HttpServer,
  type HttpServerOptions,
  rawInitialize,
  startHttpServer,
  stopAll,
} from './http-helpers.js';

const OTHER_KEY = 'second-user-key-Qm4Vx8Lp2Rt6';

const servers: HttpServer[] = [];
let sandbox: Sandbox;
let stateDir: string;

/** A server on the sandbox, with this file's state directory; its stdout and stderr are checked in afterAll. */
async function startServer(options: Pick<HttpServerOptions, 'args' | 'env'> = {}): Promise<HttpServer> {
  const server = await startHttpServer({ sandboxUrl: sandbox.url, stateDir, ...options });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  sandbox = await startTestSandbox([{ key: OTHER_KEY, balance: 42 }]);
  stateDir = tempDir();
});

afterAll(async () => {
  try {
    for (const server of servers) {
      expect(leaks(server.stderr())).toBe(false);
      expect(leaks(server.stderr(), OTHER_KEY)).toBe(false);
      await server.stop();
      expect(server.stdout()).toBe(''); // nothing but protocol on stdout, and over HTTP not even that
    }
  } finally {
    await stopAll();
    await sandbox?.stop();
    removeDir(stateDir);
  }
});

describe('Streamable HTTP with a key per session', () => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await startServer(); // no CAPPI_API_KEY: each session brings its own
  });

  it('serves several users, each with the key of their session', async () => {
    const first = await connect(server.url, { 'X-Cappi-Api-Key': CANARY });
    const second = await connect(server.url, { 'X-Cappi-Api-Key': OTHER_KEY });
    try {
      const a = await call(first.client, 'get_balance');
      const b = await call(second.client, 'get_balance');
      expect(a.structuredContent?.balance).toBe(sandbox.balanceOf(CANARY));
      expect(b.structuredContent?.balance).toBe(42);
      for (const answer of [a, b])
        expect(leaks(JSON.stringify(answer)) || leaks(JSON.stringify(answer), OTHER_KEY)).toBe(false);
    } finally {
      await first.client.close();
      await second.client.close();
    }
  });

  it('quotes, places and follows an order with progress notifications', async () => {
    const { client } = await connect(server.url, { 'X-Cappi-Api-Key': CANARY });
    try {
      const quote = await call(client, 'quote_order', {
        service_id: STEAM_LIKES,
        link: `${LINK}&http=1`,
        quantity: 30,
      });
      const placed = await call(client, 'register_order', { quote_id: quote.structuredContent?.quote_id });
      expect(placed.isError).toBeFalsy();
      const orderId = placed.structuredContent?.order_id as number;
      expect(sandbox.orders(CANARY).filter((order) => order.orderId === orderId)).toHaveLength(1);
      const progress: Progress[] = [];
      const status = await call(client, 'get_order_status', { order_id: orderId, wait_seconds: 20 }, (p) =>
        progress.push(p),
      );
      expect(status.structuredContent?.final).toBe(true);
      expect(progress.length).toBeGreaterThanOrEqual(1);
    } finally {
      await client.close();
    }
  });

  it("binds a quote to the key it was made with: a quote of one session places nothing in another key's session", async () => {
    const first = await connect(server.url, { 'X-Cappi-Api-Key': CANARY });
    const second = await connect(server.url, { 'X-Cappi-Api-Key': OTHER_KEY });
    try {
      const quote = await call(first.client, 'quote_order', {
        service_id: STEAM_LIKES,
        link: `${LINK}&http=other-key`,
        quantity: 20,
      });
      expect(quote.isError).toBeFalsy();
      const before = { canary: sandbox.orders(CANARY).length, other: sandbox.orders(OTHER_KEY).length };
      const requests = sandbox.requests('RegisterOrder');
      const stolen = await call(second.client, 'register_order', { quote_id: quote.structuredContent?.quote_id });
      expect(stolen.isError).toBe(true);
      expect(textOf(stolen)).toContain('this quote was made for another API key; nothing was placed');
      expect(sandbox.requests('RegisterOrder')).toBe(requests);
      expect(sandbox.orders(OTHER_KEY).length).toBe(before.other);
      expect(sandbox.orders(CANARY).length).toBe(before.canary);
    } finally {
      await first.client.close();
      await second.client.close();
    }
  });

  it('refuses a session without a key, and a key in the URL', async () => {
    const none = await rawInitialize(server.url, {});
    expect(none.status).toBe(401);
    expect(none.body).toContain('X-Cappi-Api-Key');
    const inUrl = await rawInitialize(server.url, {}, { path: `/mcp?key=${encodeURIComponent(CANARY)}` });
    expect(inUrl.status).toBe(400);
    expect(inUrl.body).toContain('never put a key in the URL');
    expect(leaks(inUrl.body)).toBe(false);
  });

  it('pins a session to its key: another key cannot use it', async () => {
    const { client, transport } = await connect(server.url, { 'X-Cappi-Api-Key': CANARY });
    try {
      const sessionId = transport.sessionId ?? '';
      expect(sessionId).not.toBe('');
      const borrowed = await rawInitialize(server.url, { 'X-Cappi-Api-Key': OTHER_KEY, 'mcp-session-id': sessionId });
      expect(borrowed.status).toBe(403);
      const keyless = await rawInitialize(server.url, { 'mcp-session-id': sessionId });
      expect(keyless.status).toBe(403);
    } finally {
      await client.close();
    }
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, and allows local ones', async () => {
    const port = new URL(server.url).port;
    const key = { 'X-Cappi-Api-Key': CANARY };
    expect((await rawInitialize(server.url, { ...key, host: `evil.example:${port}` })).status).toBe(403);
    expect((await rawInitialize(server.url, { ...key, origin: 'https://evil.example' })).status).toBe(403);
    expect((await rawInitialize(server.url, { ...key, host: `localhost:${port}` })).status).toBe(200);
    expect((await rawInitialize(server.url, { ...key, origin: 'http://localhost:6274' })).status).toBe(200);
  });

  it('keeps an idle connection past 5 s, so that the client closes it first (no ECONNRESET race)', async () => {
    // With Node's default keep-alive (5 s), 138 of 5,000 tool calls of the 100-session load proof failed with
    // ECONNRESET on a busy machine: a client reused a connection just as the server closed it
    // (e2e/mcp-proof/src/http-load.test.ts). The server keeps it 65 s; a busy machine can only delay a close, so the
    // connection being there after 6 s is not luck.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const key = { 'X-Cappi-Api-Key': CANARY };
      const first = await rawInitialize(server.url, key, { agent });
      expect(first).toMatchObject({ status: 200, reusedSocket: false });
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const second = await rawInitialize(server.url, key, { agent });
      expect(second).toMatchObject({ status: 200, reusedSocket: true });
    } finally {
      agent.destroy();
    }
  });

  it('answers 404 outside /mcp', async () => {
    expect((await rawInitialize(server.url, { 'X-Cappi-Api-Key': CANARY }, { path: '/other' })).status).toBe(404);
  });
});

describe('Streamable HTTP with a bearer token', () => {
  it('requires the token on every request', async () => {
    const server = await startServer({ env: { CAPPI_MCP_TOKEN: 'token-for-tests-123', CAPPI_API_KEY: CANARY } });
    const without = await rawInitialize(server.url, {});
    expect(without.status).toBe(401);
    const wrong = await rawInitialize(server.url, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const { client } = await connect(server.url, { authorization: 'Bearer token-for-tests-123' });
    try {
      // The operator's key serves sessions that bring none.
      const balance = await call(client, 'get_balance');
      expect(balance.structuredContent?.balance).toBe(sandbox.balanceOf(CANARY));
      expect(textOf(balance)).toContain('Balance:');
    } finally {
      await client.close();
    }
    expect(leaks(server.stderr(), 'token-for-tests-123')).toBe(false);
  });

  it('will not listen beyond loopback without one', async () => {
    const child = spawnInGroup(process.execPath, [BIN, '--http', '--host', '0.0.0.0', '--port', '0'], {
      env: { PATH: process.env.PATH, CAPPI_API_KEY: CANARY, CAPPI_STATE_DIR: stateDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('refusing to listen on 0.0.0.0 without a bearer token: set CAPPI_MCP_TOKEN');
  });
});
