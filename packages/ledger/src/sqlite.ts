// The embedded ledger: one SQLite file through Node's built-in node:sqlite (no native build). WAL mode, so readers
// never wait for the writer; every write is one transaction, and a reservation takes the write lock first
// (BEGIN IMMEDIATE), so processes sharing the file place one reservation at a time: SQLite's own locking replaces
// the lock file of the JSON-lines ledger.
//
// node:sqlite is synchronous: SQLite's busy timeout would block the event loop while another process holds the
// write lock. So the busy timeout is 0 and a busy database is waited for here, with timers (see
// contributing/decisions/ledger-sqlite-busy-wait.md).
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImportedLedgerRow, LedgerSettlement, NewLedgerRow, OrderLedgerStore } from '@cappi-reseller/core';
import { callDecide, isCallerError, LedgerUnavailableError, reasonOf } from './errors.js';
import { COLUMNS, INSERT_COLUMNS, recordOf, valuesOf } from './rows.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';

export interface SqliteLedgerOptions {
  /**
   * How long an operation waits while another process holds the database's write lock, in ms (default 10,000).
   * Reservations and settlements hold it for about a millisecond, so a longer wait means something else holds it.
   */
  busyWaitMs?: number;
}

/** The SQLite store; `path` is the absolute path of the database file. */
export interface SqliteLedger extends OrderLedgerStore {
  readonly path: string;
}

const DEFAULT_BUSY_WAIT_MS = 10_000;
const SQLITE_BUSY = 5;
const SQLITE_LOCKED = 6;

interface Statements {
  rowsSince: StatementSync;
  recentRows: StatementSync;
  rowOfOrder: StatementSync;
  insert: StatementSync;
  settle: StatementSync;
  recordCharge: StatementSync;
  sendingRows: StatementSync;
  markUnknown: StatementSync;
  recordImport: StatementSync;
  wasImported: StatementSync;
}

interface Connection {
  db: DatabaseSync;
  statements: Statements;
}

/**
 * Opens the SQLite ledger at `path`. Nothing is created until the first write: the folder (mode 0700) and the file
 * (mode 0600) appear with the first reservation or import, so a process that only reads leaves nothing behind.
 * Problems (a folder that cannot be made, a file that is not a database) surface on first use, as errors that name
 * the file; the kernel then sends nothing.
 */
export function openSqliteLedger(path: string, options: SqliteLedgerOptions = {}): SqliteLedger {
  if (typeof path !== 'string' || path.trim() === '') {
    throw new LedgerUnavailableError('the SQLite ledger needs a file path, e.g. ~/.cappi-reseller/ledger.db');
  }
  const file = resolve(path);
  const busyWaitMs = options.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
  if (!(Number.isFinite(busyWaitMs) && busyWaitMs >= 0)) {
    throw new RangeError(`busyWaitMs must be a number of ms >= 0, got ${busyWaitMs}`);
  }
  let connection: Connection | undefined;
  let closed = false;

  function fail(doing: string, error: unknown, advice: string): LedgerUnavailableError {
    return new LedgerUnavailableError(`the order ledger ${file} ${doing}: ${reasonOf(error)}; ${advice}`);
  }

  /** The open connection; undefined when the file does not exist and `create` is false (nothing was written yet). */
  function connect(create: boolean): Connection | undefined {
    if (closed) throw new LedgerUnavailableError(`the order ledger ${file} was closed`);
    if (connection !== undefined) return connection;
    const exists = fileExists();
    if (!create && !exists) return undefined;
    if (create && !exists) {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        // Created here with mode 0600, before SQLite opens it: SQLite gives its -wal and -shm files the same mode.
        closeSync(openSync(file, 'wx', 0o600));
      } catch (error) {
        // EEXIST: another process created it meanwhile, which is as good.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw fail('cannot be created', error, 'make its folder writable or choose another ledger location');
        }
      }
    }
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(file, { timeout: 0 });
    } catch (error) {
      throw fail('cannot be opened', error, 'check that the file is readable and writable');
    }
    try {
      db.exec('PRAGMA journal_mode = WAL');
      // FULL: a reservation is on disk before the order is sent, even if the machine loses power right after.
      db.exec('PRAGMA synchronous = FULL');
      db.exec('PRAGMA trusted_schema = OFF');
      migrate(db, file);
      connection = { db, statements: prepare(db) };
      return connection;
    } catch (error) {
      db.close();
      if (isBusy(error) || error instanceof LedgerUnavailableError) throw error;
      throw fail('cannot be used', error, 'it may not be a ledger database: move it away or choose another location');
    }
  }

  /** Whether the file exists; a folder that cannot be searched is an error, not an empty ledger. */
  function fileExists(): boolean {
    try {
      statSync(file);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw fail('cannot be read', error, 'make it and its folders readable by this user, or choose another location');
    }
  }

  /** Runs `work` (one statement or one transaction), waiting with timers while another process holds the lock. */
  async function run<T>(doing: string, work: () => T): Promise<T> {
    const deadline = performance.now() + busyWaitMs;
    let pause = 1;
    for (;;) {
      try {
        return work();
      } catch (error) {
        if (!isBusy(error)) {
          if (error instanceof LedgerUnavailableError || isCallerError(error)) throw error;
          throw fail(`cannot ${doing}`, error, advice(error));
        }
        if (performance.now() >= deadline) {
          throw fail(
            'is busy',
            error,
            `another process held its write lock for more than ${busyWaitMs / 1000} s; try again in a moment`,
          );
        }
        await sleep(pause);
        pause = Math.min(pause * 2, 20);
      }
    }
  }

  function transaction<T>(db: DatabaseSync, work: () => T): T {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      if (db.isTransaction) db.exec('COMMIT');
      return result;
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw error;
    }
  }

  const records = (rows: unknown[]) => rows.map((row) => recordOf(row as Record<string, unknown>));

  return {
    location: file,
    path: file,

    rowsSince(account, since) {
      return run('be read', () => {
        const open = connect(false);
        return open === undefined ? [] : records(open.statements.rowsSince.all(account, since));
      });
    },

    recentRows(account, limit) {
      return run('be read', () => {
        const open = connect(false);
        return open === undefined ? [] : records(open.statements.recentRows.all(account, limit));
      });
    },

    rowOfOrder(account, orderId) {
      return run('be read', () => {
        const row = connect(false)?.statements.rowOfOrder.get(account, orderId);
        return row === undefined ? undefined : recordOf(row);
      });
    },

    reserve<R>(row: NewLedgerRow, since: number, decide: (rows: unknown[]) => R | undefined) {
      return run('be written', (): { id: number } | { refusal: R } => {
        const { db, statements } = connect(true) as Connection;
        return transaction(db, () => {
          const refusal = callDecide(decide, records(statements.rowsSince.all(row.account, since)));
          if (refusal !== undefined) {
            db.exec('ROLLBACK');
            return { refusal };
          }
          const inserted = statements.insert.get(...sqlValues(valuesOf(row, 'sending', null, null)));
          return { id: Number(inserted?.id) };
        });
      });
    },

    settle(id, settlement: LedgerSettlement) {
      return run('be written', () => {
        const { statements } = connect(true) as Connection;
        const [orderId, detail] =
          settlement.status === 'placed' ? [settlement.orderId, null] : [null, settlement.detail];
        const { changes } = statements.settle.run(settlement.status, orderId, detail, id);
        if (Number(changes) === 0) {
          throw new LedgerUnavailableError(
            `the order ledger ${file} has no row ${id} waiting for its outcome (it is missing or already settled)`,
          );
        }
      });
    },

    recordCharge(account, orderId, chargedCents) {
      return run('be written', () => {
        const { statements } = connect(true) as Connection;
        return Number(statements.recordCharge.run(chargedCents, account, orderId).changes) > 0;
      });
    },

    sendingRows() {
      return run('be read', () => {
        const open = connect(false);
        return open === undefined ? [] : records(open.statements.sendingRows.all());
      });
    },

    markUnknown(id, detail) {
      return run('be written', () => {
        const { statements } = connect(true) as Connection;
        return Number(statements.markUnknown.run(detail, id).changes) > 0;
      });
    },

    wasImported(source) {
      return run('be read', () => connect(false)?.statements.wasImported.get(source) !== undefined);
    },

    importRows(source, rows: readonly ImportedLedgerRow[]) {
      return run('be written', () => {
        const { db, statements } = connect(true) as Connection;
        return transaction(db, () => {
          const { changes } = statements.recordImport.run(source, Date.now(), rows.length);
          if (Number(changes) === 0) {
            db.exec('ROLLBACK');
            return false;
          }
          for (const row of rows)
            statements.insert.get(...sqlValues(valuesOf(row, row.status, row.orderId, row.detail)));
          return true;
        });
      });
    },

    ping() {
      // The file may not exist yet (nothing ordered): reachable means it can be opened, or created when needed.
      return run('be reached', () => {
        connect(false)?.db.prepare('SELECT 1').get();
      });
    },

    async close() {
      closed = true;
      connection?.db.close();
      connection = undefined;
    },
  };
}

function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && ((code & 0xff) === SQLITE_BUSY || (code & 0xff) === SQLITE_LOCKED);
}

function advice(error: unknown): string {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  switch (typeof code === 'number' ? code & 0xff : undefined) {
    case 8: // SQLITE_READONLY
      return 'the file or its folder is read-only: make both writable by this user, or choose another ledger location';
    case 10: // SQLITE_IOERR
    case 13: // SQLITE_FULL
      return 'the disk may be full or failing: free space or choose another ledger location';
    case 11: // SQLITE_CORRUPT
    case 26: // SQLITE_NOTADB
      return 'the file is damaged or not a ledger: restore it from a backup or move it away';
    default:
      return 'check the file and its folder';
  }
}

/** Booleans become 0/1 (node:sqlite binds no booleans); everything else binds as it is. */
function sqlValues(values: readonly (string | number | boolean | null)[]): SQLInputValue[] {
  return values.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

/** Brings the file's schema up to date, in one write transaction when anything is missing. */
function migrate(db: DatabaseSync, file: string): void {
  const current = schemaVersion(db);
  if (current === SQLITE_MIGRATIONS.length) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.exec(
      'CREATE TABLE IF NOT EXISTS ledger_schema (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT',
    );
    const version = schemaVersion(db); // again, under the write lock: another process may have just migrated
    if (version > SQLITE_MIGRATIONS.length) {
      throw new LedgerUnavailableError(
        `the order ledger ${file} was written by a newer version of @cappi-reseller/ledger (schema ${version}, this one knows up to ${SQLITE_MIGRATIONS.length}); upgrade it`,
      );
    }
    const record = db.prepare('INSERT INTO ledger_schema (version, applied_at) VALUES (?, ?)');
    for (let next = version + 1; next <= SQLITE_MIGRATIONS.length; next++) {
      db.exec(SQLITE_MIGRATIONS[next - 1] as string);
      record.run(next, Date.now());
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function schemaVersion(db: DatabaseSync): number {
  const table = db
    .prepare("SELECT 1 AS found FROM sqlite_schema WHERE type = 'table' AND name = 'ledger_schema'")
    .get();
  if (table === undefined) return 0;
  return Number(db.prepare('SELECT coalesce(max(version), 0) AS version FROM ledger_schema').get()?.version);
}

function prepare(db: DatabaseSync): Statements {
  const select = (sql: string) => {
    const statement = db.prepare(sql);
    // Integers come back as bigints and are turned into numbers only when exact (rows.ts).
    statement.setReadBigInts(true);
    return statement;
  };
  return {
    rowsSince: select(
      `SELECT ${COLUMNS} FROM ledger_rows WHERE account = ? AND created_at >= ? ORDER BY created_at, id`,
    ),
    recentRows: select(
      `SELECT ${COLUMNS} FROM ledger_rows WHERE account = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    ),
    rowOfOrder: select(
      `SELECT ${COLUMNS} FROM ledger_rows WHERE account = ? AND order_id = ? ORDER BY id DESC LIMIT 1`,
    ),
    insert: db.prepare(
      `INSERT INTO ledger_rows (${INSERT_COLUMNS}) VALUES (${INSERT_COLUMNS.split(',')
        .map(() => '?')
        .join(', ')}) RETURNING id`,
    ),
    settle: db.prepare(
      "UPDATE ledger_rows SET status = ?, order_id = ?, detail = ? WHERE id = ? AND status IN ('sending', 'unknown')",
    ),
    recordCharge: db.prepare('UPDATE ledger_rows SET charged_cents = ? WHERE account = ? AND order_id = ?'),
    sendingRows: select(`SELECT ${COLUMNS} FROM ledger_rows WHERE status = 'sending' ORDER BY id`),
    markUnknown: db.prepare(
      "UPDATE ledger_rows SET status = 'unknown', detail = ? WHERE id = ? AND status = 'sending'",
    ),
    recordImport: db.prepare(
      'INSERT INTO ledger_imports (source, imported_at, row_count) VALUES (?, ?, ?) ON CONFLICT (source) DO NOTHING',
    ),
    wasImported: db.prepare('SELECT 1 AS found FROM ledger_imports WHERE source = ?'),
  };
}
