// Streamable HTTP: a spawned server on a free port, real MCP clients with their own keys, and raw requests
// for what a client library would never send (a foreign Host or Origin, a key in the URL, a borrowed session).
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { spawnInGroup } from '@cappi-reseller/test-processes';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  CANARY,
  LINK,
  leaks,
  removeDir,
  STEAM_LIKES,
  startTestSandbox,
  type ToolAnswer,
  tempDir,
  textOf,
} from './helpers.js';

const OTHER_KEY = 'second-user-key-Qm4Vx8Lp2Rt6';

interface HttpServer {
  url: string;
  stderr(): string;
  stop(): Promise<void>;
}

const servers: HttpServer[] = [];
let sandbox: Sandbox;
let stateDir: string;

async function startHttpServer(args: string[] = [], env: Record<string, string> = {}): Promise<HttpServer> {
  const child: ChildProcess = spawnInGroup(process.execPath, [BIN, '--http', '--port', '0', ...args], {
    env: { PATH: process.env.PATH, CAPPI_BASE_URL: sandbox.url, CAPPI_STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const server = {
    url,
    stderr: () => stderr,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      expect(stdout).toBe(''); // nothing but protocol on stdout, and over HTTP not even that
    },
  };
  servers.push(server);
  return server;
}

async function connect(
  url: string,
  headers: Record<string, string>,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'cappi-http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  onprogress?: (p: Progress) => void,
) {
  return (await client.callTool({ name, arguments: args }, undefined, onprogress ? { onprogress } : {})) as ToolAnswer;
}

/** A raw POST of an initialize request, with whatever headers a test wants. */
function rawInitialize(
  url: string,
  headers: Record<string, string>,
  path = '/mcp',
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
  });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  sandbox = await startTestSandbox([{ key: OTHER_KEY, balance: 42 }]);
  stateDir = tempDir();
});

afterAll(async () => {
  for (const server of servers) {
    expect(leaks(server.stderr())).toBe(false);
    expect(leaks(server.stderr(), OTHER_KEY)).toBe(false);
    await server.stop();
  }
  await sandbox?.stop();
  removeDir(stateDir);
});

describe('Streamable HTTP with a key per session', () => {
  let server: HttpServer;
  beforeAll(async () => {
    server = await startHttpServer(); // no CAPPI_API_KEY: each session brings its own
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
    const inUrl = await rawInitialize(server.url, {}, `/mcp?key=${encodeURIComponent(CANARY)}`);
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

  it('answers 404 outside /mcp', async () => {
    expect((await rawInitialize(server.url, { 'X-Cappi-Api-Key': CANARY }, '/other')).status).toBe(404);
  });
});

describe('Streamable HTTP with a bearer token', () => {
  it('requires the token on every request', async () => {
    const server = await startHttpServer([], { CAPPI_MCP_TOKEN: 'token-for-tests-123', CAPPI_API_KEY: CANARY });
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
