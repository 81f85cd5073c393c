// Proof of replica mode (--stateless): three replicas of the HTTP server on three ports share one PostgreSQL ledger
// and one sandbox, behind a round-robin load balancer with no stickiness (each request goes to the next replica;
// one client's initialize, quote and order land on different replicas). Many concurrent orders meet a daily budget
// with room for fewer: exactly as many are placed as it allows, none twice. One replica is killed (SIGKILL) while an
// order of its is at the API (a gate in front of the sandbox holds that request, so the kill lands there every
// time): the order is counted (its 'sending' row becomes 'unknown' through the survivors' sweep), the others go on.
// The canary key is absent from every replica's output and from every row of the database.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accountFingerprint, INTERRUPTED_DETAIL, type LedgerRow, parseLedgerRow } from '@cappi-reseller/core';
import { openPostgresLedger } from '@cappi-reseller/ledger';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { createPostgresDatabase, type TestDatabase } from '@cappi-reseller/test-services';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyForms, makeHeaderCanaryKey, spawnHttp, textOf } from '../lib/harness.mjs';
import { report } from './figures.js';

const REPLICAS = 3;
const ORDERS = Number(process.env.REPLICA_ORDERS ?? 60);
/** The vendor's example service: 0.012 USD per unit, so 100 units cost 1.20 USD. */
const SERVICE = 199825;
const QUANTITY = 100;
const PRICE_CENTS = 120;
/** Room for this many orders (the held one included): 20 × 1.20 = 24.00 USD fits in 24.60, a 21st does not. */
const ALLOWED = 20;
const BUDGET_USD = (ALLOWED * PRICE_CENTS + PRICE_CENTS / 2) / 100;
const HELD_LINK = 'https://example.com/replicas/held';
const QUOTE_SECRET = 'replicas-proof-quote-secret-2b7e';
const canary = makeHeaderCanaryKey();

type Replica = Awaited<ReturnType<typeof spawnHttp>>;

interface Gate {
  url: string;
  /** Resolves when a RegisterOrder for HELD_LINK arrived (and is being held). */
  held: Promise<void>;
  /** Sends the held request on to the sandbox; resolves with the sandbox's status. */
  release(): Promise<number>;
  close(): Promise<void>;
}

/**
 * A pass-through to the sandbox in front of one replica, which holds the RegisterOrder of HELD_LINK until released:
 * the request has left the replica (its ledger row is 'sending') and the sandbox has not seen it yet.
 */
async function startGate(target: string): Promise<Gate> {
  const upstream = new URL(target);
  let arrived: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  let heldRequest: { req: IncomingMessage; body: Buffer; res: ServerResponse } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://gate');
      if (url.pathname.endsWith('/RegisterOrder') && url.searchParams.get('link') === HELD_LINK) {
        heldRequest = { req, body, res };
        arrived();
        return;
      }
      forward(req, body, res).catch(() => res.destroy());
    });
  });
  function forward(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<number> {
    return new Promise((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
          agent: false,
        },
        (answer) => {
          // The replica may be gone (the held request): its answer then goes nowhere, as the real API's would.
          if (!res.destroyed) res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.on('data', (chunk: Buffer) => {
            if (!res.destroyed) res.write(chunk);
          });
          answer.on('end', () => {
            if (!res.destroyed) res.end();
            resolve(answer.statusCode ?? 0);
          });
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/$/, '')}`,
    held,
    release() {
      if (heldRequest === undefined) throw new Error('nothing is held');
      const { req, body, res } = heldRequest;
      return forward(req, body, res);
    },
    close: () => closeServer(server),
  };
}

interface Balancer {
  url: string;
  /** Requests each replica answered. */
  served: number[];
  close(): Promise<void>;
}

/**
 * A round-robin load balancer with no stickiness: each request goes to the next replica. A replica that refuses the
 * connection (it is dead) is skipped, as a load balancer's failover does; nothing reached it, so this is safe for
 * any request.
 */
async function startBalancer(replicas: readonly Replica[]): Promise<Balancer> {
  const ports = replicas.map((replica) => Number(new URL(replica.url).port));
  const served = ports.map(() => 0);
  let next = 0;
  /** Sends to replica `first`, or to the ones after it when a replica refuses the connection. */
  function attempt(req: IncomingMessage, body: Buffer, res: ServerResponse, first: number, tries: number): void {
    const index = (first + tries - 1) % ports.length;
    const out = request(
      // A fresh connection per request (no keep-alive pool): a refused connection then surely means a dead replica.
      { host: '127.0.0.1', port: ports[index], method: req.method, path: req.url, headers: req.headers, agent: false },
      (answer) => {
        served[index] = (served[index] ?? 0) + 1;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
      },
    );
    out.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && tries < ports.length) return attempt(req, body, res, first, tries + 1);
      // The replica died while serving: the client sees its connection cut, as behind a real load balancer.
      res.destroy();
    });
    out.end(body);
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const first = next % ports.length;
      next += 1;
      attempt(req, Buffer.concat(chunks), res, first, 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, served, close: () => closeServer(server) };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One person's client, through the load balancer. */
async function connect(url: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { 'X-Cappi-Api-Key': canary.key } },
  });
  const client = new Client({ name: 'replicas-proof', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

type Outcome = { kind: 'placed'; orderId: number } | { kind: 'budget' } | { kind: 'other'; text: string };

/** Quote, then order: two tool calls, each on whichever replica the balancer picks. */
async function order(client: Client, link: string): Promise<Outcome> {
  const args = { service_id: SERVICE, link, quantity: QUANTITY };
  const quote = (await client.callTool({ name: 'quote_order', arguments: args })) as CallToolResult;
  if (quote.isError) return /budget/i.test(textOf(quote)) ? { kind: 'budget' } : { kind: 'other', text: textOf(quote) };
  const quoteId = (quote.structuredContent as { quote_id?: string } | undefined)?.quote_id;
  const placed = (await client.callTool({
    name: 'register_order',
    arguments: { quote_id: quoteId },
  })) as CallToolResult;
  if (!placed.isError) return { kind: 'placed', orderId: (placed.structuredContent as { order_id: number }).order_id };
  return /budget/i.test(textOf(placed)) ? { kind: 'budget' } : { kind: 'other', text: textOf(placed) };
}

let sandbox: Sandbox;
let database: TestDatabase;
const gates: Gate[] = [];
const replicas: Replica[] = [];
let balancer: Balancer | undefined;

beforeAll(async () => {
  // Fails (never skips) when PostgreSQL is absent: createPostgresDatabase says what to start.
  database = await createPostgresDatabase('cappi_replicas');
  sandbox = await startSandbox({
    keys: [{ key: canary.key, balance: 10_000 }],
    orderTiming: { pendingMs: 200, deliveryMs: 1_000 },
    validateResponses: true,
  });
  for (let i = 0; i < REPLICAS; i += 1) gates.push(await startGate(sandbox.url));
  const args = [
    '--stateless',
    '--ledger',
    database.url,
    '--daily-budget-usd',
    String(BUDGET_USD),
    '--max-order-usd',
    '10',
  ];
  const env = { CAPPI_QUOTE_SECRET: QUOTE_SECRET, CAPPI_MCP_RECOVERY_SWEEP_SECONDS: '1' };
  // Started one after the other: three servers starting at once on a busy 2-core machine prove nothing more.
  for (const gate of gates) replicas.push(await spawnHttp({ baseUrl: gate.url, args, env }));
  balancer = await startBalancer(replicas);
}, 120_000);

afterAll(async () => {
  for (const replica of replicas) await replica.stop();
  await balancer?.close();
  for (const gate of gates) await gate.close();
  await sandbox?.stop();
  await database?.drop();
});

async function ledgerRows(): Promise<{ rows: LedgerRow[]; dump: string }> {
  const store = await openPostgresLedger(database.url);
  try {
    const account = await accountFingerprint(canary.key);
    const rows = (await store.rowsSince(account, 0)).map((row) => parseLedgerRow(row, store.location));
    // Every row of every table of the database, as text, for the canary scan.
    const tables = await store.pool.query<{ name: string }>(
      "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    const dumps: string[] = [];
    for (const { name } of tables.rows) {
      const all = await store.pool.query(`SELECT row_to_json(t)::text AS row FROM ${name} t`);
      dumps.push(name, ...all.rows.map((row: { row: string }) => row.row));
    }
    return { rows, dump: dumps.join('\n') };
  } finally {
    await store.close();
  }
}

describe('three replicas behind a round-robin load balancer, one PostgreSQL ledger', () => {
  it(`places exactly what the budget allows of ${ORDERS + 1} concurrent orders, none twice, and counts the order of a replica killed mid-order`, async () => {
    if (balancer === undefined) throw new Error('no load balancer');
    const lb = balancer;

    // 1. An order whose request the gate holds at the API's door; its replica is then killed.
    const heldClient = await connect(lb.url);
    const heldOrder = order(heldClient, HELD_LINK).then(
      (outcome) => outcome,
      (error: Error) => ({ kind: 'other', text: error.message }) as Outcome,
    );
    const killedIndex = await Promise.race(gates.map((gate, index) => gate.held.then(() => index)));
    const killed = replicas[killedIndex] as Replica;
    process.kill(killed.pid, 'SIGKILL');
    expect(await killed.exited).toMatchObject({ signal: 'SIGKILL' });
    // Its answer stream was cut without a resumption point: the client hears nothing more, so it gives up (closes).
    await heldClient.close();
    expect((await heldOrder).kind).toBe('other');

    // 2. The others go on: many people at once, through the same balancer, while that order is still at the door.
    const outcomes = await Promise.all(
      Array.from({ length: ORDERS }, async (_, i) => {
        const client = await connect(lb.url);
        try {
          return await order(client, `https://example.com/replicas/${i}`);
        } finally {
          await client.close();
        }
      }),
    );

    // 3. The held request reaches the API after all: the order exists, though its replica never saw the answer.
    expect(await (gates[killedIndex] as Gate).release()).toBe(200);

    // 4. A surviving replica's sweep (every second here) records the dead replica's row as unknown.
    const deadline = Date.now() + 60_000; // only a hang-catcher
    let heldRow: LedgerRow | undefined;
    while (Date.now() < deadline) {
      heldRow = (await ledgerRows()).rows.find((row) => row.link === HELD_LINK);
      if (heldRow?.status !== 'sending') break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(heldRow).toMatchObject({ status: 'unknown', detail: INTERRUPTED_DETAIL });

    const { rows, dump } = await ledgerRows();
    const placedAnswers = outcomes.filter((outcome) => outcome.kind === 'placed');
    const budgetRefusals = outcomes.filter((outcome) => outcome.kind === 'budget');
    const others = outcomes.filter((outcome) => outcome.kind === 'other');
    expect(others).toEqual([]);
    // Exactly what the budget allows, the killed replica's order counted among them.
    expect(placedAnswers.length).toBe(ALLOWED - 1);
    expect(budgetRefusals.length).toBe(ORDERS - (ALLOWED - 1));
    const counted = rows.filter((row) => row.status === 'placed' || row.status === 'unknown');
    expect(counted.length).toBe(ALLOWED);
    expect(rows.filter((row) => row.status === 'sending')).toEqual([]);
    expect(rows.filter((row) => row.status === 'unknown').map((row) => row.link)).toEqual([HELD_LINK]);

    // None twice: the sandbox holds each link once, each one a counted row, and received one RegisterOrder each.
    const held = sandbox.orders(canary.key);
    const links = held.map((placed) => placed.link);
    expect(new Set(links).size).toBe(links.length);
    expect(held.length).toBe(ALLOWED);
    expect(sandbox.requests('RegisterOrder')).toBe(ALLOWED);
    expect(new Set(links)).toEqual(new Set(counted.map((row) => row.link)));
    const placedIds = new Set(placedAnswers.map((outcome) => (outcome as { orderId: number }).orderId));
    for (const row of rows.filter((r) => r.status === 'placed'))
      expect(placedIds.has(row.orderId as number)).toBe(true);

    // Spread round-robin: every replica served requests (the killed one until it died).
    for (const count of lb.served) expect(count).toBeGreaterThan(0);

    // The canary key: in no replica's output, in no row of the database.
    for (const replica of replicas) await replica.stop();
    const outputs = replicas.map((replica) => `${replica.stdout()}\n${replica.stderr()}`).join('\n');
    expect(outputs).toMatch(/replica mode \(--stateless\)/);
    expect(outputs).toMatch(/1 order\(s\) were being sent when a server process ended/);
    expect(dump).toContain(HELD_LINK); // the dump did read the rows
    for (const form of keyForms(canary.key, canary.token)) {
      expect(outputs.includes(form), 'key in a replica output').toBe(false);
      expect(dump.includes(form), 'key in the database').toBe(false);
    }

    report('replicas', {
      command: 'pnpm --filter @cappi-reseller/mcp-proof exec vitest run src/replicas.test.ts',
      replicas: REPLICAS,
      ordersAttempted: ORDERS + 1,
      placed: held.length,
      placedAnswered: placedAnswers.length,
      refusedByBudget: budgetRefusals.length,
      countedAfterKill: rows.filter((row) => row.status === 'unknown').length,
      budgetUsd: BUDGET_USD,
      priceUsd: PRICE_CENTS / 100,
      requestsPerReplica: lb.served,
      killedReplica: killedIndex,
    });
  });
});
