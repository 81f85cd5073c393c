// Replica mode (--stateless) and /healthz: spawned servers on one PostgreSQL ledger, real MCP clients over Streamable
// HTTP, raw requests for what a client library would never send. The three-replica proof with a killed replica is
// e2e/mcp-proof/src/replicas.test.ts.
import { hostname } from 'node:os';
import { accountFingerprint, type LedgerRow, parseLedgerRow } from '@cappi-reseller/core';
import { openLedger } from '@cappi-reseller/ledger';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { createPostgresDatabase, type TestDatabase } from '@cappi-reseller/test-services';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';
import { CANARY, LINK, leaks, removeDir, STEAM_LIKES, startTestSandbox, tempDir, textOf } from './helpers.js';
import { call, type HttpServer, startHttpServer, stopAll } from './http-helpers.js';

const OTHER_KEY = 'replica-user-key-Zt7Wq3Lm9Kp2';
const QUOTE_SECRET = 'replica-test-quote-secret-4f9a';
const TOKEN = 'replica-test-token-8c1d';

let sandbox: Sandbox;
let database: TestDatabase;
let stateDir: string;

beforeAll(async () => {
  sandbox = await startTestSandbox([{ key: OTHER_KEY, balance: 7 }]);
  database = await createPostgresDatabase('cappi_replicas');
  stateDir = tempDir();
});

afterAll(async () => {
  await stopAll();
  await sandbox?.stop();
  await database?.drop();
  removeDir(stateDir);
});

/** A server on the sandbox, with this file's state directory, `args` and `env`. */
function startServer(args: string[], env: Record<string, string> = {}): Promise<HttpServer> {
  return startHttpServer({ sandboxUrl: sandbox.url, stateDir, args, env });
}

function replicaArgs(): string[] {
  return ['--stateless', '--ledger', database.url, '--allow-unquoted-orders'];
}

async function connect(url: string, headers: Record<string, string>) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'cappi-replica-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

async function rowsOf(key: string): Promise<LedgerRow[]> {
  const store = await openLedger(database.url);
  try {
    const account = await accountFingerprint(key);
    return (await store.rowsSince(account, 0)).map((row) => parseLedgerRow(row, store.location));
  } finally {
    await store.close();
  }
}

describe('replica mode configuration', () => {
  const env = { CAPPI_API_KEY: 'k', CAPPI_QUOTE_SECRET: 'secret' };
  const pg = ['--ledger', 'postgres://u@db.example/ledger'];

  it('is a mode of the HTTP server, on a PostgreSQL ledger, with a shared quote secret', () => {
    const config = parseConfig(['--http', '--stateless', ...pg], env);
    expect(config.http).toMatchObject({ stateless: true, recoverySweepMs: 60_000 });
    expect(parseConfig(['--http', ...pg], { ...env, CAPPI_MCP_STATELESS: '1' }).http?.stateless).toBe(true);
    expect(parseConfig(['--http'], env).http?.stateless).toBe(false);
    const sweep = parseConfig(['--http', '--stateless', ...pg], { ...env, CAPPI_MCP_RECOVERY_SWEEP_SECONDS: '5' });
    expect(sweep.http?.recoverySweepMs).toBe(5_000);
  });

  it('refuses, saying why, what replicas cannot share or cannot do', () => {
    const refusal = (argv: string[], given: Record<string, string> = env) => {
      try {
        parseConfig(argv, given);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal(['--stateless', ...pg])).toBe('--stateless is a mode of the HTTP server: add --http');
    expect(refusal(['--http', '--stateless'])).toMatch(
      /^--stateless needs the order ledger in PostgreSQL \(--ledger postgres:\/\/user@host\/db, or CAPPI_LEDGER_URL\): replicas on several machines cannot share a SQLite file/,
    );
    expect(refusal(['--http', '--stateless', '--ledger', '/tmp/ledger.sqlite'])).toMatch(/needs the order ledger in/);
    expect(refusal(['--http', '--stateless', ...pg], { CAPPI_API_KEY: 'k' })).toMatch(
      /^--stateless needs CAPPI_QUOTE_SECRET, the same on every replica/,
    );
    expect(refusal(['--http', '--stateless', '--require-confirmation', ...pg])).toMatch(
      /^--require-confirmation cannot be used with --stateless: confirmation asks the person through MCP elicitation/,
    );
    expect(refusal(['--http', ...pg], { ...env, CAPPI_MCP_RECOVERY_SWEEP_SECONDS: '0' })).toMatch(
      /CAPPI_MCP_RECOVERY_SWEEP_SECONDS must be a number >= 1/,
    );
  });
});

describe('/healthz', () => {
  it('answers ok with nothing else, without the token, in session mode (SQLite ledger)', async () => {
    const server = await startServer([], { CAPPI_API_KEY: CANARY, CAPPI_MCP_TOKEN: TOKEN });
    const answer = await fetch(`${server.base}/healthz`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ status: 'ok' });
    const post = await fetch(`${server.base}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    // The token still guards /mcp.
    expect((await fetch(server.url, { method: 'POST', body: '{}' })).status).toBe(401);
    await server.stop();
    expect(leaks(server.output())).toBe(false);
  });

  it('answers 503, and nothing else, once the PostgreSQL ledger is unreachable', async () => {
    const own = await createPostgresDatabase('cappi_health');
    try {
      const server = await startServer(['--stateless', '--ledger', own.url], {
        CAPPI_QUOTE_SECRET: QUOTE_SECRET,
      });
      expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
      await own.drop();
      const down = await fetch(`${server.base}/healthz`);
      expect(down.status).toBe(503);
      const body = await down.text();
      // Up or down, nothing else: not the database, not the reason.
      expect(JSON.parse(body)).toEqual({ status: 'down' });
      expect(body).not.toContain(own.name);
      await server.stop();
      expect(server.output()).toMatch(/health: down, the order ledger postgres:\/\/\S+ cannot be reached/);
    } finally {
      await own.drop();
    }
  });
});

describe('replica mode (--stateless)', () => {
  let first: HttpServer;
  let second: HttpServer;

  beforeAll(async () => {
    const env = { CAPPI_QUOTE_SECRET: QUOTE_SECRET, CAPPI_MCP_RECOVERY_SWEEP_SECONDS: '1' };
    [first, second] = await Promise.all([startServer(replicaArgs(), env), startServer(replicaArgs(), env)]);
  });

  it('keeps no session: no session id, and GET or DELETE are refused with 405', async () => {
    const init = await fetch(first.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-cappi-api-key': CANARY,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      }),
    });
    expect(init.status).toBe(200);
    expect(init.headers.get('mcp-session-id')).toBeNull();
    expect(init.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(await init.text()).toContain('"serverInfo"');
    for (const method of ['GET', 'DELETE']) {
      const answer = await fetch(first.url, { method, headers: { 'x-cappi-api-key': CANARY } });
      expect(answer.status).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
    }
    const keyless = await fetch(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}',
    });
    expect(keyless.status).toBe(401);
    expect(await keyless.text()).toContain('X-Cappi-Api-Key');
  });

  it('serves a client whose requests alternate between replicas: a quote from one is placed by the other', async () => {
    // One client talks to the first replica, then (same client state, new URL) to the second: what a round-robin
    // load balancer does. Nothing of the first is needed by the second but the shared ledger and quote secret.
    const a = await connect(first.url, { 'X-Cappi-Api-Key': CANARY });
    const b = await connect(second.url, { 'X-Cappi-Api-Key': CANARY });
    try {
      const order = { service_id: STEAM_LIKES, link: `${LINK}1`, quantity: 50 };
      const quote = await call(a.client, 'quote_order', order);
      expect(quote.isError, textOf(quote)).toBeFalsy();
      const placed = await call(b.client, 'register_order', { quote_id: quote.structuredContent?.quote_id });
      expect(placed.isError, textOf(placed)).toBeFalsy();
      const orderId = placed.structuredContent?.order_id as number;
      expect(sandbox.orders(CANARY).map((held) => held.orderId)).toContain(orderId);
      // The identical order, sent to the other replica, is refused as a duplicate: the ledger is shared.
      const again = await call(a.client, 'register_order', order);
      expect(again.isError).toBe(true);
      expect(textOf(again)).toMatch(/identical order/);

      // Progress notifications reach the client on the request's own SSE stream.
      const progress: Progress[] = [];
      const status = await call(b.client, 'get_order_status', { order_id: orderId, wait_seconds: 30 }, (p) =>
        progress.push(p),
      );
      expect(status.isError, textOf(status)).toBeFalsy();
      expect(status.structuredContent?.final).toBe(true);
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(textOf(status)).not.toContain(CANARY);
    } finally {
      await a.client.close();
      await b.client.close();
    }
  });

  it('takes the key of each request from its header: two people on one replica see their own accounts', async () => {
    const mine = await connect(first.url, { 'X-Cappi-Api-Key': CANARY });
    const theirs = await connect(first.url, { 'X-Cappi-Api-Key': OTHER_KEY });
    try {
      const [a, b] = await Promise.all([call(mine.client, 'get_balance'), call(theirs.client, 'get_balance')]);
      expect(b.structuredContent?.balance).toBe(7);
      expect(a.structuredContent?.balance).not.toBe(7);
    } finally {
      await mine.client.close();
      await theirs.client.close();
    }
  });

  it("keeps a key's catalog between its requests, though no session holds it", async () => {
    const person = await connect(second.url, { 'X-Cappi-Api-Key': OTHER_KEY });
    try {
      const before = sandbox.requests('ServicesList');
      for (const quantity of [20, 30, 40]) {
        const quote = await call(person.client, 'quote_order', { service_id: STEAM_LIKES, link: LINK, quantity });
        expect(quote.isError, textOf(quote)).toBeFalsy();
      }
      expect(sandbox.requests('ServicesList') - before).toBe(1);
    } finally {
      await person.client.close();
    }
  });

  it('records as unknown, within a sweep, an order left sending by a replica that is gone', async () => {
    const store = await openLedger(database.url);
    const account = await accountFingerprint(OTHER_KEY);
    const now = Date.now();
    let id: number;
    try {
      const row = {
        account,
        createdAt: now - 3_600_000,
        serviceId: STEAM_LIKES,
        serviceName: 'Steam likes',
        link: `${LINK}gone`,
        quantity: 10,
        priceCents: 12,
        currency: 'USD',
        sandbox: false,
        owner: `host=${hostname()}-elsewhere/x/1;pid=1;start=1;run=00`,
      };
      const reserved = await store.reserve(row, 0, () => undefined);
      if (!('id' in reserved)) throw new Error('not reserved');
      id = reserved.id;
    } finally {
      await store.close();
    }
    // The replicas sweep every second; the deadline only catches a hang (within the test's own limit).
    const deadline = Date.now() + 60_000;
    let status: string | undefined;
    while (Date.now() < deadline) {
      status = (await rowsOf(OTHER_KEY)).find((row) => row.id === id)?.status;
      if (status !== 'sending') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).toBe('unknown');
    const said = `${first.output()}${second.output()}`;
    expect(said).toMatch(/1 order\(s\) were being sent when a server process ended/);
  }, 90_000);

  it('keeps the keys out of every output and every row', async () => {
    await first.stop();
    await second.stop();
    const everything = `${first.output()}${second.output()}${JSON.stringify([...(await rowsOf(CANARY)), ...(await rowsOf(OTHER_KEY))])}`;
    expect(leaks(everything)).toBe(false);
    expect(leaks(everything, OTHER_KEY)).toBe(false);
  });
});
