// The daily budget across processes: several processes, each placing orders through the money kernel on one ledger,
// against one sandbox that answers RegisterOrder slowly (so orders overlap), with a budget that has room for fewer
// orders than they attempt. Exactly as many are placed as the budget allows, none twice, never above the budget.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLedgerRow, type SpendingPolicy } from '@cappi-reseller/core';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { createPostgresDatabase } from '@cappi-reseller/test-services';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../src/index.js';
import { killAll, startPlacer, waitForLine } from './processes.js';
import { ACCOUNT, CANARY_KEY, cheapService, GENEROUS_POLICY, orderFor, startLedgerSandbox } from './support.js';

const root = mkdtempSync(join(tmpdir(), 'cappi-ledger-race-'));
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startLedgerSandbox();
});
afterEach(() => {
  killAll();
  sandbox.faults.clear();
});
afterAll(async () => {
  killAll();
  rmSync(root, { recursive: true, force: true });
  await sandbox.stop();
});

interface Race {
  location: string;
  processes: number;
  ordersEach: number;
  /** How many orders the budget has room for. */
  room: number;
  /** A working folder per process (a server's state folder). */
  folders?: string[];
}

async function race({ location, processes, ordersEach, room, folders }: Race): Promise<void> {
  const service = cheapService(sandbox);
  const price = orderFor(service).priceCents;
  const budgetCents = room * price + Math.floor(price / 2);
  const policy: SpendingPolicy = { ...GENEROUS_POLICY, dailyBudgetUsd: budgetCents / 100 };
  // Slow enough that every process reserves while others are still sending.
  sandbox.faults.setRate(1, [{ kind: 'latency', ms: 200 }], { operation: 'RegisterOrder' });
  const ordersBefore = new Set(sandbox.orders(CANARY_KEY).map((order) => order.orderId));
  const sentBefore = sandbox.requests('RegisterOrder');

  const placers = Array.from({ length: processes }, (_, index) =>
    startPlacer(
      location,
      sandbox.url,
      { policy, waitForGo: true, orders: Array.from({ length: ordersEach }, () => orderFor(service)) },
      folders?.[index] === undefined ? {} : { cwd: folders[index] },
    ),
  );
  await Promise.all(placers.map((placer) => waitForLine(placer, 'ready')));
  for (const placer of placers) placer.child.stdin?.end('go\n');
  const finished = await Promise.all(placers.map((placer) => placer.done));

  for (const { code, stderr } of finished) expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const results = finished.flatMap(({ lines }) =>
    lines
      .filter((line) => line !== 'ready')
      .map((line) => JSON.parse(line) as { kind: string; orderId?: number; message?: string }),
  );
  expect(results).toHaveLength(processes * ordersEach);
  const placed = results.filter((result) => result.kind === 'placed');
  const refused = results.filter((result) => result.kind === 'refused_by_policy');
  expect(placed).toHaveLength(room);
  expect(refused).toHaveLength(processes * ordersEach - room);
  for (const refusal of refused) expect(refusal.message).toMatch(/^daily budget reached/);

  // What the sandbox holds: exactly those orders, each once, sent once.
  const created = sandbox.orders(CANARY_KEY).filter((order) => !ordersBefore.has(order.orderId));
  expect(created.map((order) => order.orderId).sort()).toEqual(placed.map((result) => result.orderId).sort());
  expect(new Set(created.map((order) => order.link)).size).toBe(room);
  expect(sandbox.requests('RegisterOrder') - sentBefore).toBe(room);

  // What the ledger holds: the same orders, the spend within the budget, nothing left sending.
  const ledger = await openLedger(location);
  try {
    const rows = (await ledger.rowsSince(ACCOUNT, Date.now() - 3_600_000)).map((row) => parseLedgerRow(row, location));
    const placedRows = rows.filter((row) => row.status === 'placed');
    expect(placedRows.map((row) => row.orderId).sort()).toEqual(created.map((order) => order.orderId).sort());
    expect(placedRows.reduce((sum, row) => sum + row.priceCents, 0)).toBeLessThanOrEqual(budgetCents);
    expect(rows.filter((row) => row.status !== 'placed')).toEqual([]);
  } finally {
    await ledger.close();
  }
}

describe('the daily budget across processes sharing one ledger', () => {
  it('holds with 4 processes on one SQLite file', async () => {
    const folder = join(root, 'sqlite');
    mkdirSync(folder);
    await race({ location: join(folder, 'ledger.db'), processes: 4, ordersEach: 4, room: 6 });
  });

  it('holds with 4 processes on one PostgreSQL database', async () => {
    const database = await createPostgresDatabase('cappi_ledger_race');
    try {
      await race({ location: database.url, processes: 4, ordersEach: 4, room: 6 });
    } finally {
      await database.drop();
    }
  });

  it('holds with 2 processes with state folders of their own, pointed at one PostgreSQL database', async () => {
    const database = await createPostgresDatabase('cappi_ledger_race');
    const folders = ['server-a', 'server-b'].map((name) => join(root, name));
    for (const folder of folders) mkdirSync(folder);
    try {
      await race({ location: database.url, processes: 2, ordersEach: 5, room: 4, folders });
    } finally {
      await database.drop();
    }
  });
});
