// Money at the edges real life brings, through a real MCP client on a spawned server: server errors after the order
// was committed, a price raised while the catalog is cached, a client that hangs up or a process stopped or killed
// mid-order, a ledger that cannot be written. In every case: no order is placed without being counted, and nothing
// that may have been placed is reported as not placed. Checked against what the sandbox really holds.
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY,
  LINK,
  leaks,
  readLedger,
  removeDir,
  type Spawned,
  STEAM_LIKES,
  spawnServer,
  startTestSandbox,
  tempDir,
  textOf,
} from './helpers.js';
import { type ControlledServer, registerOrderArrives, startControlledServer } from './process.js';

let sandbox: Sandbox;
const spawned: Spawned[] = [];
const controlled: ControlledServer[] = [];
const dirs: string[] = [];
let linkCount = 0;

function freshLink(): string {
  linkCount += 1;
  return `${LINK}&edge=${linkCount}`;
}

function committed(): number {
  return sandbox.orders(CANARY).length;
}

function stateDir(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}

async function server(args: string[], dir = stateDir()): Promise<Spawned> {
  const started = await spawnServer({ sandbox, args, stateDir: dir });
  spawned.push(started);
  return started;
}

async function controlledServer(dir: string, args: string[] = []): Promise<ControlledServer> {
  const started = await startControlledServer({ sandbox, stateDir: dir, args });
  controlled.push(started);
  return started;
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
});

afterEach(() => sandbox.faults.clear());

afterAll(async () => {
  for (const started of spawned) {
    for (const answer of started.seen) expect(leaks(answer)).toBe(false);
    expect(leaks(started.stderr())).toBe(false);
    await started.close();
  }
  for (const started of controlled) {
    started.kill();
    for (const answer of started.seen) expect(leaks(answer)).toBe(false);
    expect(leaks(started.stderr())).toBe(false);
  }
  for (const dir of dirs) removeDir(dir);
  await sandbox?.stop();
});

describe('a server error after the order was committed', () => {
  it.each([500, 502, 503, 504] as const)(
    'HTTP %i: "may have been placed", recorded as unknown, counted against the budget, never retried',
    async (status) => {
      const dir = stateDir();
      const orders = await server(['--daily-budget-usd', '1.5'], dir);
      const quote = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 50 });
      const before = committed();
      const requests = sandbox.requests('RegisterOrder');
      sandbox.faults.inject({ kind: 'status', status, afterCommit: true }, { operation: 'RegisterOrder' });

      const placed = await orders.call('register_order', { quote_id: quote.structuredContent?.quote_id });

      expect(placed.isError).toBe(true);
      expect(textOf(placed)).toContain('the order may have been placed');
      expect(textOf(placed)).toContain(`answered HTTP ${status}`);
      expect(textOf(placed)).not.toMatch(/not placed|try again later/);
      expect(committed()).toBe(before + 1); // it was placed
      expect(sandbox.requests('RegisterOrder')).toBe(requests + 1); // sent once
      expect((await orders.ledger()).at(-1)).toMatchObject({ status: 'unknown', priceCents: 60, orderId: null });
      const next = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
      expect(textOf(next)).toContain('daily budget reached: 0.60 USD of 1.50 USD');
    },
  );
});

describe('a price raised while the catalog is cached', () => {
  function setRate(rate: number): () => void {
    const original = sandbox.catalog();
    sandbox.setCatalog(original.map((s) => (s.service === STEAM_LIKES ? { ...s, rate } : s)));
    return () => sandbox.setCatalog(original);
  }

  it('is seen at order time: an order whose price rose above the quote is refused with both prices', async () => {
    const orders = await server(['--catalog-ttl', '3600']);
    const quote = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 50 });
    expect(quote.structuredContent?.price).toBe(0.6);
    const before = committed();
    const restore = setRate(0.12); // 10x, within the cache's life
    try {
      const placed = await orders.call('register_order', { quote_id: quote.structuredContent?.quote_id });
      expect(placed.isError).toBe(true);
      expect(textOf(placed)).toContain('the price rose since the quote: it was 0.60 USD, it is now 6.00 USD');
      expect(textOf(placed)).toContain('Nothing was placed');
      expect(committed()).toBe(before);
    } finally {
      restore();
    }
  });

  it('charged above the price checked: the ledger keeps the charge and the budget counts the higher', async () => {
    const orders = await server(['--daily-budget-usd', '2.5']);
    const quote = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 50 });
    // The rate rises after the server's final check, while the request is on its way: the API charges the new rate.
    sandbox.faults.inject({ kind: 'latency', ms: 1_000 }, { operation: 'RegisterOrder' });
    const requests = sandbox.requests('RegisterOrder');
    const placing = orders.call('register_order', { quote_id: quote.structuredContent?.quote_id });
    await registerOrderArrives(sandbox, requests + 1);
    const restore = setRate(0.036);
    let placed: Awaited<typeof placing>;
    try {
      placed = await placing;
    } finally {
      restore();
    }
    expect(placed.isError).toBeFalsy();
    const orderId = placed.structuredContent?.order_id as number;
    const status = await orders.call('get_order_status', { order_id: orderId });
    expect(status.structuredContent?.charge).toBe(1.8);
    expect((await orders.ledger()).at(-1)).toMatchObject({ orderId, priceCents: 60, chargedCents: 180 });
    const next = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
    expect(textOf(next)).toContain('daily budget reached: 1.80 USD of 2.50 USD');
  });
});

describe('the client hangs up, or the process is stopped, while an order is in flight', () => {
  async function orderInFlight(dir: string) {
    const running = await controlledServer(dir);
    const quote = await running.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 50 });
    expect(quote.isError).toBeFalsy();
    sandbox.faults.inject({ kind: 'latency', ms: 1_500 }, { operation: 'RegisterOrder' });
    const requests = sandbox.requests('RegisterOrder');
    const before = committed();
    void running.call('register_order', { quote_id: quote.structuredContent?.quote_id }).catch(() => undefined);
    await registerOrderArrives(sandbox, requests + 1); // the order is on its way: the sandbox holds it for 1.5 s
    return { running, before };
  }

  it.each([
    ['stdin is closed', (child: ControlledServer) => child.child.stdin?.end()],
    ['SIGTERM', (child: ControlledServer) => child.child.kill('SIGTERM')],
    ['SIGINT', (child: ControlledServer) => child.child.kill('SIGINT')],
  ] as const)('%s: the server waits for the order and records it before it exits', async (_how, stop) => {
    const dir = stateDir();
    const { running, before } = await orderInFlight(dir);
    stop(running);
    expect(await running.exited).toBe(0);
    expect(committed()).toBe(before + 1);
    const rows = await readLedger(`${dir}/ledger.sqlite`, CANARY, running.seen);
    expect(rows.at(-1)).toMatchObject({ status: 'placed', priceCents: 60 });
    expect(rows.at(-1)?.orderId).toBe(sandbox.orders(CANARY).at(-1)?.orderId);
    expect(running.stderr()).toContain('waiting for 1 order(s) in flight to be recorded');
  });

  it('SIGKILL: the row written before sending stays "sending"; the next start makes it "unknown" and counts it', async () => {
    const dir = stateDir();
    const { running, before } = await orderInFlight(dir);
    running.child.kill('SIGKILL');
    expect(await running.exited).toBe('SIGKILL');
    expect((await readLedger(`${dir}/ledger.sqlite`, CANARY, running.seen)).at(-1)).toMatchObject({
      status: 'sending',
      priceCents: 60,
    });
    // The sandbox still takes the order once its latency is over: it exists, and must be counted.
    while (committed() < before + 1) await new Promise((resolve) => setTimeout(resolve, 20));

    const restarted = await controlledServer(dir, ['--daily-budget-usd', '1']);
    const quote = await restarted.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 50 });
    expect(textOf(quote)).toContain('daily budget reached: 0.60 USD of 1.00 USD');
    expect(restarted.stderr()).toContain('1 order(s) were being sent when a server process ended');
    expect((await readLedger(`${dir}/ledger.sqlite`, CANARY, restarted.seen)).at(-1)).toMatchObject({
      status: 'unknown',
      priceCents: 60,
    });
    restarted.child.stdin?.end();
    expect(await restarted.exited).toBe(0);
  });
});

describe('a ledger that cannot be written', () => {
  it('on a full disk (the file may not grow): nothing is sent, and the answer says why', async () => {
    const dir = stateDir();
    const first = await server(['--allow-unquoted-orders'], dir);
    expect(
      (await first.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 })).isError,
    ).toBeFalsy();
    await first.close();
    // A file size limit of 2 blocks: the ledger's next page cannot be written, as on a full disk.
    const full = await startControlledServer({
      sandbox,
      stateDir: dir,
      args: ['--allow-unquoted-orders'],
      shellPrefix: 'ulimit -f 2',
    });
    controlled.push(full);
    const before = committed();
    const requests = sandbox.requests('RegisterOrder');
    const order = await full.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(order.isError).toBe(true);
    expect(textOf(order)).toMatch(/^nothing was placed: the order ledger .*ledger\.sqlite /);
    expect(committed()).toBe(before);
    expect(sandbox.requests('RegisterOrder')).toBe(requests);
  });
});
