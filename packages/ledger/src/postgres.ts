// The shared ledger: PostgreSQL through `pg`, for several processes on several machines that share one daily budget.
// A reservation is one transaction that first takes a transaction-scoped advisory lock on the account: every
// reservation of that account, from any process anywhere, reads the day's rows and inserts its 'sending' row one
// at a time. Other accounts do not wait. The schema is created or migrated on open, under an advisory lock of its
// own, so servers starting at once do not race each other.
import { createHash } from 'node:crypto';
import type { ImportedLedgerRow, LedgerSettlement, NewLedgerRow, OrderLedgerStore } from '@cappi-reseller/core';
import pg from 'pg';
import { callDecide, isCallerError, LedgerUnavailableError, reasonOf } from './errors.js';
import { IMPORTS, POSTGRES_MIGRATIONS, ROWS, SCHEMA } from './postgres-schema.js';
import { COLUMNS, INSERT_COLUMNS, recordOf, valuesOf } from './rows.js';

export interface PostgresLedgerOptions {
  /** How long a reservation waits for another one of the same account (another process's), ms; default 10,000. */
  lockWaitMs?: number;
}

/** The PostgreSQL store. */
export interface PostgresLedger extends OrderLedgerStore {
  /** The pool it uses (for tests and tools); closed by close(). */
  readonly pool: pg.Pool;
}

/** The first key of the advisory locks taken here: 'CAPP'. The second is the account's hash, or 0 for migrations. */
const LOCK_CLASS_ACCOUNT = 0x43415050;
const LOCK_CLASS_MIGRATION = LOCK_CLASS_ACCOUNT + 1;
const DEFAULT_LOCK_WAIT_MS = 10_000;
const IMPORT_BATCH = 5_000;
const INT8_OID = 20;

/**
 * Opens (and creates or migrates) the ledger in the PostgreSQL database at `connection`: a postgres:// URL or pg
 * Pool options. Rejects, naming the database without its password, when it cannot be reached or set up.
 */
export async function openPostgresLedger(
  connection: string | pg.PoolConfig,
  options: PostgresLedgerOptions = {},
): Promise<PostgresLedger> {
  const config: pg.PoolConfig = typeof connection === 'string' ? { connectionString: connection } : { ...connection };
  const location = locationOf(connection);
  const secrets = secretsOf(connection);
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  if (!(Number.isInteger(lockWaitMs) && lockWaitMs > 0)) {
    throw new RangeError(`lockWaitMs must be a whole number of ms > 0, got ${lockWaitMs}`);
  }
  const pool = new pg.Pool({
    max: 4,
    connectionTimeoutMillis: 10_000,
    // Bounds every wait for a lock, the per-account advisory lock included: a reservation never hangs.
    lock_timeout: lockWaitMs,
    // A client that stalls inside a transaction (holding an account's lock) is cut off by the server.
    idle_in_transaction_session_timeout: 60_000,
    application_name: 'cappi-reseller-ledger',
    ...config,
    // int8 values come back as bigints, turned into numbers only when exact (rows.ts).
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID && format !== 'binary'
          ? (text: string) => BigInt(text)
          : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection that breaks (the server restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);

  const fail = (doing: string, error: unknown) => {
    let reason = reasonOf(error);
    for (const secret of secrets) reason = reason.replaceAll(secret, '***');
    return new LedgerUnavailableError(`the order ledger ${location} ${doing}: ${reason}; ${advice(error)}`);
  };

  /** One transaction on one pooled connection; a connection whose state is unknown after an error is dropped. */
  async function transaction<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw fail(`cannot ${doing}`, error);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      if (error instanceof LedgerUnavailableError || isCallerError(error)) throw error;
      throw fail(`cannot ${doing}`, error);
    } finally {
      client.release(broken);
    }
  }

  async function query(doing: string, sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
    try {
      return await pool.query(sql, values);
    } catch (error) {
      throw fail(`cannot ${doing}`, error);
    }
  }

  const records = (rows: Record<string, unknown>[]) => rows.map(recordOf);

  try {
    await transaction('be set up', (client) => migrate(client, location));
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  const insertRow = `INSERT INTO ${ROWS} (${INSERT_COLUMNS}) VALUES (${INSERT_COLUMNS.split(',')
    .map((_, index) => `$${index + 1}`)
    .join(', ')}) RETURNING id`;
  const selectSince = `SELECT ${COLUMNS} FROM ${ROWS} WHERE account = $1 AND created_at >= $2 ORDER BY created_at, id`;

  return {
    location,
    pool,

    async rowsSince(account, since) {
      return records((await query('be read', selectSince, [account, since])).rows);
    },

    async recentRows(account, limit) {
      const sql = `SELECT ${COLUMNS} FROM ${ROWS} WHERE account = $1 ORDER BY created_at DESC, id DESC LIMIT $2`;
      return records((await query('be read', sql, [account, limit])).rows);
    },

    async rowOfOrder(account, orderId) {
      const sql = `SELECT ${COLUMNS} FROM ${ROWS} WHERE account = $1 AND order_id = $2 ORDER BY id DESC LIMIT 1`;
      const [row] = (await query('be read', sql, [account, orderId])).rows;
      return row === undefined ? undefined : recordOf(row);
    },

    reserve<R>(row: NewLedgerRow, since: number, decide: (rows: unknown[]) => R | undefined) {
      return transaction('be written', async (client): Promise<{ id: number } | { refusal: R }> => {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS_ACCOUNT, accountLockKey(row.account)]);
        const refusal = callDecide(decide, records((await client.query(selectSince, [row.account, since])).rows));
        if (refusal !== undefined) return { refusal };
        const inserted = await client.query(insertRow, valuesOf(row, 'sending', null, null));
        return { id: Number(inserted.rows[0]?.id) };
      });
    },

    async settle(id, settlement: LedgerSettlement) {
      const [orderId, detail] = settlement.status === 'placed' ? [settlement.orderId, null] : [null, settlement.detail];
      const { rowCount } = await query(
        'be written',
        `UPDATE ${ROWS} SET status = $1, order_id = $2, detail = $3 WHERE id = $4 AND status IN ('sending', 'unknown')`,
        [settlement.status, orderId, detail, id],
      );
      if (rowCount === 0) {
        throw new LedgerUnavailableError(
          `the order ledger ${location} has no row ${id} waiting for its outcome (it is missing or already settled)`,
        );
      }
    },

    async recordCharge(account, orderId, chargedCents) {
      const sql = `UPDATE ${ROWS} SET charged_cents = $1 WHERE account = $2 AND order_id = $3`;
      return ((await query('be written', sql, [chargedCents, account, orderId])).rowCount ?? 0) > 0;
    },

    async sendingRows() {
      const sql = `SELECT ${COLUMNS} FROM ${ROWS} WHERE status = 'sending' ORDER BY id`;
      return records((await query('be read', sql)).rows);
    },

    async markUnknown(id, detail) {
      const sql = `UPDATE ${ROWS} SET status = 'unknown', detail = $1 WHERE id = $2 AND status = 'sending'`;
      return ((await query('be written', sql, [detail, id])).rowCount ?? 0) > 0;
    },

    async wasImported(source) {
      return (await query('be read', `SELECT 1 FROM ${IMPORTS} WHERE source = $1`, [source])).rows.length > 0;
    },

    importRows(source, rows: readonly ImportedLedgerRow[]) {
      return transaction('be written', async (client) => {
        const recorded = await client.query(
          `INSERT INTO ${IMPORTS} (source, imported_at, row_count) VALUES ($1, $2, $3) ON CONFLICT (source) DO NOTHING RETURNING source`,
          [source, Date.now(), rows.length],
        );
        if (recorded.rows.length === 0) return false;
        for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
          await insertBatch(client, rows.slice(start, start + IMPORT_BATCH));
        }
        return true;
      });
    },

    async ping() {
      await query('be reached', 'SELECT 1');
    },

    async close() {
      await pool.end();
    },
  };
}

/** Many rows in one statement: one array per column, unnested by the server. */
async function insertBatch(client: pg.PoolClient, rows: readonly ImportedLedgerRow[]): Promise<void> {
  const types = [
    'text',
    'int8',
    'text',
    'int8',
    'text',
    'text',
    'int8',
    'int8',
    'int8',
    'text',
    'int8',
    'text',
    'text',
    'bool',
  ];
  const columns: unknown[][] = types.map(() => []);
  for (const row of rows) {
    valuesOf(row, row.status, row.orderId, row.detail).forEach((value, index) => {
      columns[index]?.push(value);
    });
  }
  const arrays = types.map((type, index) => `$${index + 1}::${type}[]`).join(', ');
  await client.query(`INSERT INTO ${ROWS} (${INSERT_COLUMNS}) SELECT * FROM unnest(${arrays})`, columns);
}

async function migrate(client: pg.PoolClient, location: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS_MIGRATION]);
  // Looked up before it is created: CREATE ... IF NOT EXISTS needs the right to create even when the table exists,
  // and a user that may only read and write the ledger must be able to open it.
  const { rows: found } = await client.query('SELECT to_regclass($1) IS NOT NULL AS found', [SCHEMA]);
  if (found[0]?.found !== true) {
    await client.query(`CREATE TABLE ${SCHEMA} (version integer PRIMARY KEY, applied_at bigint NOT NULL)`);
  }
  const { rows } = await client.query(`SELECT coalesce(max(version), 0) AS version FROM ${SCHEMA}`);
  const version = Number(rows[0]?.version ?? 0);
  if (version > POSTGRES_MIGRATIONS.length) {
    throw new LedgerUnavailableError(
      `the order ledger ${location} was written by a newer version of @cappi-reseller/ledger (schema ${version}, this one knows up to ${POSTGRES_MIGRATIONS.length}); upgrade it`,
    );
  }
  for (let next = version + 1; next <= POSTGRES_MIGRATIONS.length; next++) {
    await client.query(POSTGRES_MIGRATIONS[next - 1] as string);
    await client.query(`INSERT INTO ${SCHEMA} (version, applied_at) VALUES ($1, $2)`, [next, Date.now()]);
  }
}

/** A 32-bit key for the account's advisory lock. Two accounts sharing a key only wait for each other. */
function accountLockKey(account: string): number {
  return createHash('sha256').update(account, 'utf8').digest().readInt32BE(0);
}

/** The database, for messages: a URL without password or query (which may hold one). */
export function locationOf(connection: string | pg.PoolConfig): string {
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      const user = url.username === '' ? '' : `${url.username}@`;
      return `${url.protocol}//${user}${url.host}${url.pathname}`;
    } catch {
      return 'a PostgreSQL database (its URL cannot be parsed)';
    }
  }
  if (connection.connectionString !== undefined) return locationOf(connection.connectionString);
  const user = connection.user === undefined ? '' : `${connection.user}@`;
  const port = connection.port === undefined ? '' : `:${connection.port}`;
  return `postgres://${user}${connection.host ?? 'localhost'}${port}/${connection.database ?? ''}`;
}

function secretsOf(connection: string | pg.PoolConfig): string[] {
  const secrets: string[] = [];
  const fromUrl = (text: string) => {
    try {
      const url = new URL(text);
      for (const value of [url.password, url.searchParams.get('password')]) {
        if (value) secrets.push(value, decodeURIComponent(value));
      }
    } catch {
      // an unparsable URL: pg will refuse it, and locationOf names no part of it
    }
  };
  if (typeof connection === 'string') fromUrl(connection);
  else {
    if (typeof connection.password === 'string' && connection.password !== '') secrets.push(connection.password);
    if (connection.connectionString !== undefined) fromUrl(connection.connectionString);
  }
  return secrets.filter((secret) => secret.length >= 3);
}

function advice(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return 'start PostgreSQL or check the ledger URL';
    case '28P01':
    case '28000':
      return 'check the user and password of the ledger URL';
    case '3D000':
      return 'create the database first (createdb) or check the ledger URL';
    case '42501':
      return 'the database user lacks rights on the ledger tables: grant it SELECT, INSERT and UPDATE on them (and CREATE for the first start)';
    case '42P01':
      return "the ledger's tables are missing (dropped?): restore them from a backup, or restart to create them empty";
    case '55P03':
      return 'another process held the lock of this account for too long; try again in a moment';
    case '25006':
      return 'the database is read-only (a standby?): point the ledger URL at the primary';
    case '53100':
      return "the database server's disk is full: free space";
    default:
      return 'check that PostgreSQL is running and the ledger URL is right';
  }
}
