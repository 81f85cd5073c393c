import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OrderLedgerStore, parseLedgerRow, snapshotOf } from '@cappi-reseller/core';
import { createPostgresDatabase, type TestDatabase } from '@cappi-reseller/test-services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, GENEROUS_POLICY } from '../test/support.js';
import { IMPORTED_OWNER, importJsonLinesLedger, openPostgresLedger, openSqliteLedger } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'cappi-ledger-import-'));
let database: TestDatabase;
let counter = 0;
beforeAll(async () => {
  database = await createPostgresDatabase('cappi_ledger_import');
});
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await database?.drop();
});

const now = Date.now();
// An order of today: the start of now's UTC day, so that it is today's whatever the time the test runs (a minute
// before now was yesterday's during the first minute after midnight UTC: fresh run 3 of 2026-12-01 failed so, its ledger suite ran at midnight).
const today = new Date(now - (now % 86_400_000)).toISOString();
const lastYear = '2025-03-04T05:06:07.000Z';
const entry = (fields: Record<string, unknown>) =>
  JSON.stringify({
    time: today,
    account: ACCOUNT,
    outcome: 'placed',
    orderId: 501,
    serviceId: 12,
    serviceName: 'Steam Likes',
    link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=1',
    quantity: 100,
    charge: 2.35,
    currency: 'USD',
    ...fields,
  });

/** An old ledger as earlier servers wrote it, damage included. */
const OLD_LEDGER = [
  entry({}),
  entry({ time: lastYear, orderId: 502, charge: 0.1 }),
  entry({ outcome: 'unknown', orderId: null, charge: 1.05, sandbox: true }),
  '{"time":"2026-01-01T00:00:00.000Z","account":"abc","outc', // a write cut short
  entry({ charge: undefined }),
  'null',
  entry({ charge: 'abc' }),
  '',
  entry({ outcome: 'placed', orderId: null }),
  entry({ quantity: -3 }),
  entry({ account: 'another-account', orderId: 503 }),
].join('\n');

const stores: [string, () => Promise<OrderLedgerStore>][] = [
  ['SQLite', async () => openSqliteLedger(join(root, `ledger-${++counter}.db`))],
  ['PostgreSQL', async () => openPostgresLedger(database.url)],
];

describe.each(stores)('importing the JSON-lines ledger into %s', (_name, open) => {
  it('imports every entry once, reports each damaged line with its number and why, and leaves the file as it was', async () => {
    const folder = join(root, `old-${++counter}`);
    mkdirSync(folder);
    const path = join(folder, 'orders.jsonl');
    writeFileSync(path, OLD_LEDGER);
    const store = await open();
    try {
      const result = await importJsonLinesLedger(store, path);
      expect(result).toEqual({
        source: `jsonl:${path}`,
        status: 'imported',
        imported: 4,
        damaged: [
          { line: 4, reason: 'not JSON (a write cut short?)' },
          { line: 5, reason: 'charge is missing, expected a number of USD >= 0' },
          { line: 6, reason: 'not an object but null' },
          { line: 7, reason: 'charge is a string, expected a number of USD >= 0' },
          { line: 9, reason: 'orderId is null, expected the id of the placed order' },
          { line: 10, reason: 'quantity is -3, expected a whole number >= 1' },
        ],
      });
      expect(readFileSync(path, 'utf8')).toBe(OLD_LEDGER);
      const rows = (await store.rowsSince(ACCOUNT, 0)).map((row) => parseLedgerRow(row, store.location));
      expect(
        rows.map(({ createdAt, status, orderId, priceCents, sandbox, owner }) => ({
          createdAt,
          status,
          orderId,
          priceCents,
          sandbox,
          owner,
        })),
      ).toEqual([
        {
          createdAt: Date.parse(lastYear),
          status: 'placed',
          orderId: 502,
          priceCents: 10,
          sandbox: false,
          owner: IMPORTED_OWNER,
        },
        {
          createdAt: Date.parse(today),
          status: 'placed',
          orderId: 501,
          priceCents: 235,
          sandbox: false,
          owner: IMPORTED_OWNER,
        },
        {
          createdAt: Date.parse(today),
          status: 'unknown',
          orderId: null,
          priceCents: 105,
          sandbox: true,
          owner: IMPORTED_OWNER,
        },
      ]);
      expect(rows[1]).toMatchObject({
        serviceId: 12,
        serviceName: 'Steam Likes',
        link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=1',
        quantity: 100,
        currency: 'USD',
      });
      expect(rows[2]?.detail).toContain('it may have been placed');
      // the imported orders keep counting against today's budget
      expect(snapshotOf(rows, undefined, GENEROUS_POLICY, now).spentTodayCents).toBe(235 + 105);
      expect(await store.rowsSince('another-account', 0)).toHaveLength(1);

      // again, from this process or another: nothing is read or written twice
      expect(await importJsonLinesLedger(store, path)).toEqual({
        source: `jsonl:${path}`,
        status: 'already_imported',
        imported: 0,
        damaged: [],
      });
      expect(await store.rowsSince(ACCOUNT, 0)).toHaveLength(3);
    } finally {
      await store.close();
    }
  });

  it('finds nothing to import where there is no file, and names a file it cannot read', async () => {
    const store = await open();
    try {
      const missing = join(root, 'nowhere', 'orders.jsonl');
      expect(await importJsonLinesLedger(store, missing)).toMatchObject({ status: 'no_file', imported: 0 });
      expect(await store.wasImported(`jsonl:${missing}`)).toBe(false);
      await expect(importJsonLinesLedger(store, root)).rejects.toThrow(
        `the old order ledger ${root} cannot be read (EISDIR: illegal operation on a directory, read); make it readable, or move it away if its orders need not count`,
      );
    } finally {
      await store.close();
    }
  });

  it('scrubs imported text when told to', async () => {
    const path = join(root, `secret-${++counter}.jsonl`);
    writeFileSync(path, `${entry({ serviceName: 'Likes for KEY-0123456789', orderId: 777 })}\n`);
    const store = await open();
    try {
      await importJsonLinesLedger(store, path, { scrub: (text) => text.replaceAll('KEY-0123456789', '***') });
      const row = parseLedgerRow(await store.rowOfOrder(ACCOUNT, 777), store.location);
      expect(row.serviceName).toBe('Likes for ***');
    } finally {
      await store.close();
    }
  });
});
