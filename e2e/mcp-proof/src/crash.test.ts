// Crash proof of the write-ahead ledger: a server is killed (SIGKILL) at random points of many orders, restarted on
// the same ledger, killed again... Afterwards every order the sandbox holds is in the ledger as placed or unknown
// (never missing, never "not placed"), no row is left "sending", and the day's spend counts every one of them.
import { accountFingerprint, createOrderGuard, type LedgerRow } from '@cappi-reseller/core';
import { openLedger } from '@cappi-reseller/ledger';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger } from '../../../apps/mcp-server/test/helpers.js';
import { type ControlledServer, startControlledServer } from '../../../apps/mcp-server/test/process.js';
import { makeCanaryKey, removeDir, tempDir } from '../lib/harness.mjs';
import { report } from './figures.js';

const ATTEMPTS = Number(process.env.CRASH_ATTEMPTS ?? 200);
const SEED = Number(process.env.CRASH_SEED ?? 20261201);
const { key: KEY, token: TOKEN } = makeCanaryKey();

/** A small seeded generator (mulberry32): the same seed kills at the same points. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let sandbox: Sandbox;
let stateDir: string;
const servers: ControlledServer[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    keys: [{ key: KEY, balance: 10_000 }],
    orderTiming: { pendingMs: 200, deliveryMs: 1_000 },
    validateResponses: true,
  });
  stateDir = tempDir();
});

afterAll(async () => {
  for (const server of servers) server.kill();
  await sandbox?.stop();
  removeDir(stateDir);
});

describe('a server killed at random points of many orders', () => {
  it(`loses no order and counts every one (${ATTEMPTS} attempts)`, async () => {
    const next = random(SEED);
    const service = sandbox.catalog().find((s) => s.service === 199825);
    if (service === undefined) throw new Error('the seeded catalog has no service 199825');
    // Half the orders take a while at the API, so kills land before, during and after the request.
    sandbox.faults.setRate(0.5, [{ kind: 'latency', ms: 150 }], { operation: 'RegisterOrder' });
    const args = ['--allow-unquoted-orders', '--daily-budget-usd', '100000', '--max-order-usd', '1000'];
    let attempted = 0;
    let kills = 0;
    while (attempted < ATTEMPTS) {
      const server = await startControlledServer({ sandbox, stateDir, args, env: { CAPPI_API_KEY: KEY } });
      servers.push(server);
      const ordersThisLife = Math.min(ATTEMPTS - attempted, 1 + Math.floor(next() * 6));
      for (let i = 0; i < ordersThisLife; i += 1) {
        attempted += 1;
        const placing = server
          .call('register_order', {
            service_id: service.service,
            link: `https://example.com/crash/${attempted}`,
            quantity: 10,
          })
          .catch(() => undefined);
        if (i === ordersThisLife - 1) {
          // The last order of this life: killed somewhere between just after the call and well after the answer.
          await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 250)));
          server.child.kill('SIGKILL');
          kills += 1;
        } else {
          await placing;
        }
      }
      await server.exited;
    }
    sandbox.faults.clear();

    // One more start recovers what the last kill left; then a clean stop.
    const last = await startControlledServer({ sandbox, stateDir, args, env: { CAPPI_API_KEY: KEY } });
    servers.push(last);
    await last.call('get_balance');
    last.child.stdin?.end();
    expect(await last.exited).toBe(0);
    // Orders whose request was on its way when the process died still land (after the latency fault).
    await new Promise((resolve) => setTimeout(resolve, 500));

    const seen: string[] = [];
    const rows = await readLedger(`${stateDir}/ledger.sqlite`, KEY, seen);
    const held = sandbox.orders(KEY);
    const rowByLink = new Map<string, LedgerRow>(rows.map((row) => [row.link, row]));
    const heldLinks = new Set(held.map((order) => order.link));

    expect(rows.filter((row) => row.status === 'sending')).toEqual([]);
    for (const order of held) {
      const row = rowByLink.get(order.link);
      expect(row?.status, `order ${order.orderId} (${order.link})`).toMatch(/^(placed|unknown)$/);
      if (row?.status === 'placed') expect(row.orderId).toBe(order.orderId);
    }
    const placed = rows.filter((row) => row.status === 'placed');
    for (const row of placed) expect(heldLinks.has(row.link), `placed row ${row.id}`).toBe(true);
    const unknown = rows.filter((row) => row.status === 'unknown');
    const unknownHeld = unknown.filter((row) => heldLinks.has(row.link));
    expect(held.length).toBe(placed.length + unknownHeld.length);
    // Refused or not placed rows never belong to an order that exists.
    for (const row of rows.filter((r) => r.status === 'refused' || r.status === 'not_placed')) {
      expect(heldLinks.has(row.link), `row ${row.id} (${row.status})`).toBe(false);
    }

    // The day's spend, as the guard computes it, counts every order that exists (and every one that may).
    const store = await openLedger(`${stateDir}/ledger.sqlite`);
    try {
      const guard = createOrderGuard({
        ledger: store,
        policy: {
          maxOrderUsd: 1000,
          dailyBudgetUsd: 100_000,
          allowServices: [],
          allowCategories: [],
          duplicateWindowMs: 0,
        },
        account: await accountFingerprint(KEY),
        owner: 'crash-proof',
        attemptOrder: () => Promise.reject(new Error('not used')),
      });
      const { spentTodayCents } = await guard.snapshot();
      const chargedCents = held.reduce((sum, order) => sum + Math.round(order.charge * 100), 0);
      expect(spentTodayCents).toBeGreaterThanOrEqual(chargedCents);
      expect(spentTodayCents).toBe(
        [...placed, ...unknown].reduce((sum, row) => sum + Math.max(row.priceCents, row.chargedCents ?? 0), 0),
      );
      report('crash', {
        seed: SEED,
        attempted,
        kills,
        sandboxOrders: held.length,
        placedRows: placed.length,
        unknownRows: unknown.length,
        unknownRowsWithOrder: unknownHeld.length,
        spentTodayUsd: spentTodayCents / 100,
        chargedBySandboxUsd: chargedCents / 100,
      });
    } finally {
      await store.close();
    }
    for (const text of [...seen, ...servers.map((server) => server.stderr())]) expect(text).not.toContain(TOKEN);
  }, 600_000);
});
