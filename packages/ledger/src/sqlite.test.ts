import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeLedgerContract, type HarnessLedger, newRow } from '../test/contract.js';
import { killAll, startPlacer, unprivilegedUid } from '../test/processes.js';
import { ACCOUNT, cheapService, GENEROUS_POLICY, guardFor, orderFor, startLedgerSandbox } from '../test/support.js';
import { openSqliteLedger } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'cappi-ledger-sqlite-'));
// Other users (the unprivileged child of the permission tests) must reach the folders below.
chmodSync(root, 0o755);
let counter = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => killAll());

function freshPath(): string {
  counter++;
  return join(root, `case-${counter}`, 'state', 'ledger.db');
}

function rawInsert(path: string, columns: Record<string, string>, bypass: readonly string[]): number {
  const db = new DatabaseSync(path);
  try {
    if (bypass.includes('checks')) db.exec('PRAGMA ignore_check_constraints = ON');
    const values: Record<string, string> = {
      account: `'${ACCOUNT}'`,
      created_at: String(Date.now()),
      status: "'placed'",
      service_id: '7',
      service_name: "'Steam Likes'",
      link: "'https://steamcommunity.com/sharedfiles/filedetails/?id=9'",
      quantity: '100',
      price_cents: '250',
      charged_cents: 'NULL',
      currency: "'USD'",
      order_id: '123',
      detail: 'NULL',
      owner: "'raw'",
      sandbox: '1',
      ...columns,
    };
    const row = db
      .prepare(
        `INSERT INTO ledger_rows (${Object.keys(values).join(', ')}) VALUES (${Object.values(values).join(', ')}) RETURNING id`,
      )
      .get();
    return Number(row?.id);
  } finally {
    db.close();
  }
}

describeLedgerContract({
  name: 'SQLite',
  async fresh(): Promise<HarnessLedger> {
    const path = freshPath();
    return {
      store: openSqliteLedger(path),
      reopen: async () => openSqliteLedger(path),
      insertRaw: async (columns, bypass) => rawInsert(path, columns, bypass),
      async dump() {
        let text = '';
        for (const suffix of ['', '-wal', '-shm']) {
          try {
            text += readFileSync(`${path}${suffix}`).toString('latin1');
          } catch {
            // no such file: nothing to scan
          }
        }
        return text;
      },
    };
  },
  // STRICT columns refuse text in a number column and NOT NULL cannot be switched off: the damage SQLite lets
  // through is what its CHECK constraints would refuse (with ignore_check_constraints) and integers too large for
  // JavaScript to hold exactly.
  damageCases: [
    { name: 'a negative price', columns: { price_cents: '-500' }, bypass: ['checks'], field: 'priceCents' },
    { name: 'a status the ledger never writes', columns: { status: "'bogus'" }, bypass: ['checks'], field: 'status' },
    {
      name: 'a placed row without an order id',
      columns: { order_id: 'NULL' },
      bypass: ['checks'],
      field: 'orderId',
    },
    { name: 'a negative charge', columns: { charged_cents: '-1' }, bypass: ['checks'], field: 'chargedCents' },
    { name: 'a sandbox flag of 7', columns: { sandbox: '7' }, bypass: ['checks'], field: 'sandbox' },
    {
      name: 'a price too large to be exact in JavaScript',
      columns: { price_cents: '9007199254740993' },
      bypass: [],
      field: 'priceCents',
    },
    { name: 'a quantity of 0', columns: { quantity: '0' }, bypass: ['checks'], field: 'quantity' },
  ],
});

describe('the SQLite file', () => {
  it('is created with the first write only: folder 0700, database and its WAL files 0600', async () => {
    const path = freshPath();
    const store = openSqliteLedger(path);
    expect(await store.rowsSince(ACCOUNT, 0)).toEqual([]);
    expect(() => statSync(join(path, '..'))).toThrow(/ENOENT/);
    await store.reserve(newRow(), 0, () => undefined);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('is in WAL mode with STRICT tables, a schema version, and an index behind every query', async () => {
    const path = freshPath();
    const store = openSqliteLedger(path);
    await store.reserve(newRow(), 0, () => undefined);
    await store.close();
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
      expect(db.prepare("SELECT strict FROM pragma_table_list WHERE name = 'ledger_rows'").get()).toEqual({
        strict: 1,
      });
      expect(db.prepare('SELECT max(version) AS version FROM ledger_schema').get()).toEqual({ version: 1 });
      const plan = (sql: string) =>
        db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all()
          .map((step) => String(step.detail))
          .join('; ');
      expect(plan(`SELECT * FROM ledger_rows WHERE account = 'a' AND created_at >= 1 ORDER BY created_at, id`)).toMatch(
        /USING INDEX ledger_rows_account_time/,
      );
      expect(plan(`SELECT * FROM ledger_rows WHERE account = 'a' ORDER BY created_at DESC, id DESC LIMIT 5`)).toMatch(
        /USING INDEX ledger_rows_account_time/,
      );
      expect(plan(`SELECT * FROM ledger_rows WHERE account = 'a' AND order_id = 5`)).toMatch(/USING INDEX/);
      expect(plan(`SELECT * FROM ledger_rows WHERE status = 'sending' ORDER BY id`)).toMatch(
        /USING (COVERING )?INDEX ledger_rows_sending/,
      );
    } finally {
      db.close();
    }
  });

  it('reads as empty only when the file does not exist: a path it cannot look at is an error', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(join(path, '..', 'not-a-folder'), '');
    const behindAFile = join(path, '..', 'not-a-folder', 'ledger.db');
    await expect(openSqliteLedger(behindAFile).rowsSince(ACCOUNT, 0)).rejects.toThrow(
      `the order ledger ${behindAFile} cannot be read: ENOTDIR`,
    );
  });

  it('refuses a file written by a newer version, saying so', async () => {
    const path = freshPath();
    const store = openSqliteLedger(path);
    await store.reserve(newRow(), 0, () => undefined);
    await store.close();
    const db = new DatabaseSync(path);
    db.exec('INSERT INTO ledger_schema (version, applied_at) VALUES (99, 1)');
    db.close();
    await expect(openSqliteLedger(path).rowsSince(ACCOUNT, 0)).rejects.toThrow(
      `the order ledger ${path} was written by a newer version of @cappi-reseller/ledger (schema 99`,
    );
  });

  it('waits for another process holding the write lock without blocking the event loop, up to busyWaitMs', async () => {
    const path = freshPath();
    const store = openSqliteLedger(path, { busyWaitMs: 60_000 });
    await store.reserve(newRow(), 0, () => undefined);
    const holder = new DatabaseSync(path, { timeout: 0 });
    holder.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    const reserving = store.reserve(newRow(), 0, () => undefined);
    // The event loop keeps turning while the reservation waits: timers fire.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ticksWhileWaiting = ticks;
    holder.exec('COMMIT');
    holder.close();
    expect(await reserving).toEqual({ id: expect.any(Number) });
    clearInterval(ticker);
    expect(ticksWhileWaiting).toBeGreaterThan(5);

    const impatient = openSqliteLedger(path, { busyWaitMs: 50 });
    const blocker = new DatabaseSync(path, { timeout: 0 });
    blocker.exec('BEGIN IMMEDIATE');
    try {
      await expect(impatient.reserve(newRow(), 0, () => undefined)).rejects.toThrow(
        `the order ledger ${path} is busy: database is locked`,
      );
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect(await store.rowsSince(ACCOUNT, 0)).toHaveLength(2);
    await store.close();
    await impatient.close();
  });
});

describe('an unwritable SQLite ledger: nothing is sent', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startLedgerSandbox();
  });
  afterAll(() => sandbox.stop());

  /** Places one order from a process of its own (another user, a file size limit) and returns its answer. */
  async function placeFromChild(path: string, options: { uid?: number; shellPrefix?: string } = {}) {
    const sentBefore = sandbox.requests('RegisterOrder');
    const { done } = startPlacer(
      path,
      sandbox.url,
      { policy: GENEROUS_POLICY, orders: [orderFor(cheapService(sandbox))] },
      options,
    );
    const { lines, stderr, code } = await done;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(sandbox.requests('RegisterOrder')).toBe(sentBefore);
    return JSON.parse(lines[0] ?? 'null') as { kind: string; message: string };
  }

  async function ledgerWithOneOrder(): Promise<string> {
    const path = freshPath();
    const store = openSqliteLedger(path);
    expect((await guardFor(store, sandbox).place(orderFor(cheapService(sandbox)))).kind).toBe('placed');
    await store.close();
    return path;
  }

  it('in a read-only folder', async () => {
    const path = freshPath();
    const folder = join(path, '..', '..');
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o555);
    const result = await placeFromChild(path, { uid: unprivilegedUid() });
    expect(result.kind).toBe('ledger_unavailable');
    expect(result.message).toContain(`the order ledger ${path} cannot be created: EACCES`);
    expect(result.message).toContain('make its folder writable or choose another ledger location');
  });

  it('in a read-only file', async () => {
    const path = await ledgerWithOneOrder();
    // The child may enter the folders and make the -shm file SQLite reads through; the database file is read-only.
    chmodSync(join(path, '..', '..'), 0o755);
    chmodSync(join(path, '..'), 0o777);
    chmodSync(path, 0o444);
    const result = await placeFromChild(path, { uid: unprivilegedUid() });
    expect(result.kind).toBe('ledger_unavailable');
    expect(result.message).toContain(path);
    expect(result.message).toMatch(/read-only/);
  });

  it('on a disk that is full (the file may not grow: a file size limit)', async () => {
    const path = await ledgerWithOneOrder();
    // ulimit -f counts 512- or 1024-byte blocks: either way the WAL's first page does not fit.
    const result = await placeFromChild(path, { shellPrefix: 'ulimit -f 2' });
    expect(result.kind).toBe('ledger_unavailable');
    expect(result.message).toContain(path);
    expect(result.message).toMatch(/disk I\/O error|full/);
  });

  it('in a file that is not a database', async () => {
    const path = freshPath();
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'these are not the pages of a SQLite database, '.repeat(200));
    const sentBefore = sandbox.requests('RegisterOrder');
    const result = await guardFor(openSqliteLedger(path), sandbox).place(orderFor(cheapService(sandbox)));
    expect(result.kind).toBe('ledger_unavailable');
    expect((result as { message: string }).message).toContain(
      `the order ledger ${path} cannot be used: file is not a database`,
    );
    expect(sandbox.requests('RegisterOrder')).toBe(sentBefore);
  });
});
