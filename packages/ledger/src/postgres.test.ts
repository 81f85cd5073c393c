import { randomBytes } from 'node:crypto';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { createPostgresDatabase, type TestDatabase, testPostgresUrl, withAdmin } from '@cappi-reseller/test-services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLedgerContract, type HarnessLedger, newRow } from '../test/contract.js';
import { ACCOUNT, CANARY_KEY, cheapService, guardFor, orderFor, startLedgerSandbox } from '../test/support.js';
import { openPostgresLedger, type PostgresLedger } from './index.js';

const ROWS = 'cappi_ledger_rows';
let database: TestDatabase;
const roles: string[] = [];

beforeAll(async () => {
  database = await createPostgresDatabase('cappi_ledger');
});
afterAll(async () => {
  await database?.drop();
  for (const role of roles) await withAdmin(testPostgresUrl(), (admin) => admin.query(`DROP ROLE IF EXISTS ${role}`));
});

/** Runs SQL in the test database (search_path: `schema`). */
async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
  schema: string | undefined,
  text: string,
  values: unknown[] = [],
): Promise<pg.QueryResult<T>> {
  const client = new pg.Client({
    connectionString: database.url,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

/** A schema of its own per ledger: a fresh, empty ledger in the file's database. */
async function freshSchema(): Promise<{ schema: string; config: pg.PoolConfig }> {
  const schema = `ledger_${randomBytes(4).toString('hex')}`;
  await sql(undefined, `CREATE SCHEMA ${schema}`);
  return { schema, config: { connectionString: database.url, options: `-c search_path=${schema}` } };
}

describeLedgerContract({
  name: 'PostgreSQL',
  async fresh(): Promise<HarnessLedger> {
    const { schema, config } = await freshSchema();
    return {
      store: await openPostgresLedger(config),
      reopen: () => openPostgresLedger(config),
      async insertRaw(columns, bypass) {
        for (const what of bypass) {
          if (what === 'checks') {
            await sql(
              schema,
              `DO $$ DECLARE c record; BEGIN
                 FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = '${ROWS}'::regclass AND contype = 'c' LOOP
                   EXECUTE format('ALTER TABLE ${ROWS} DROP CONSTRAINT %I', c.conname);
                 END LOOP; END $$`,
            );
          } else await sql(schema, `ALTER TABLE ${ROWS} ALTER COLUMN ${what.replace('notnull:', '')} DROP NOT NULL`);
        }
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
          sandbox: 'true',
          ...columns,
        };
        const inserted = await sql<{ id: string }>(
          schema,
          `INSERT INTO ${ROWS} (${Object.keys(values).join(', ')}) VALUES (${Object.values(values).join(', ')}) RETURNING id`,
        );
        return Number(inserted.rows[0]?.id);
      },
      async dump() {
        const tables = await sql<{ table_name: string }>(
          undefined,
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
          [schema],
        );
        let text = '';
        for (const { table_name } of tables.rows) {
          const rows = await sql<{ row: string }>(schema, `SELECT row_to_json(t)::text AS row FROM ${table_name} t`);
          text += rows.rows.map((row) => row.row).join('\n');
        }
        return text;
      },
    };
  },
  // PostgreSQL's types refuse text in a number column; CHECK constraints and NOT NULL can be dropped.
  damageCases: [
    { name: 'a negative price', columns: { price_cents: '-500' }, bypass: ['checks'], field: 'priceCents' },
    { name: 'a status the ledger never writes', columns: { status: "'bogus'" }, bypass: ['checks'], field: 'status' },
    { name: 'a placed row without an order id', columns: { order_id: 'NULL' }, bypass: ['checks'], field: 'orderId' },
    { name: 'a negative charge', columns: { charged_cents: '-1' }, bypass: ['checks'], field: 'chargedCents' },
    { name: 'a NULL price', columns: { price_cents: 'NULL' }, bypass: ['notnull:price_cents'], field: 'priceCents' },
    { name: 'a NULL sandbox flag', columns: { sandbox: 'NULL' }, bypass: ['notnull:sandbox'], field: 'sandbox' },
    {
      name: 'a price too large to be exact in JavaScript',
      columns: { price_cents: '9007199254740993' },
      bypass: [],
      field: 'priceCents',
    },
    { name: 'a quantity of 0', columns: { quantity: '0' }, bypass: ['checks'], field: 'quantity' },
  ],
});

describe('the PostgreSQL ledger', () => {
  it('names its database without the password, in its location and in its errors', async () => {
    const url = new URL(database.url);
    url.password = 'pw-Secret-9z';
    const store = await openPostgresLedger(url.toString()); // trust auth: the password is not checked
    try {
      expect(store.location).toBe(`postgres://${url.username}@${url.host}/${database.name}`);
    } finally {
      await store.close();
    }
    const error = await openPostgresLedger('postgres://someone:pw-Secret-9z@127.0.0.1:1/ledger?password=pw-Other-8y')
      .then(() => undefined)
      .catch((caught: Error) => caught);
    expect(error?.message).toMatch(
      /^the order ledger postgres:\/\/someone@127\.0\.0\.1:1\/ledger cannot be set up: .*ECONNREFUSED.*; start PostgreSQL or check the ledger URL$/,
    );
    expect(error?.message).not.toMatch(/pw-/);
  });

  it('rejects a ping, naming the ledger without its password, once its database is gone', async () => {
    const own = await createPostgresDatabase('cappi_ping');
    const url = new URL(own.url);
    url.password = 'pw-Secret-9z';
    const store = await openPostgresLedger(url.toString());
    try {
      await store.ping();
      await own.drop();
      const error = await store.ping().then(
        () => undefined,
        (caught: Error) => caught,
      );
      expect(error?.message).toMatch(/^the order ledger postgres:\/\/[^ ]+ cannot be reached: /);
      expect(error?.message).not.toMatch(/pw-/);
    } finally {
      await store.close().catch(() => undefined);
      await own.drop();
    }
  });

  it('sets its schema up once when several processes open it at the same moment', async () => {
    const { schema, config } = await freshSchema();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresLedger(config)));
    await Promise.all(stores.map((store) => store.close()));
    const versions = await sql(schema, 'SELECT version FROM cappi_ledger_schema');
    expect(versions.rows).toEqual([{ version: 1 }]);
  });

  it('refuses a database written by a newer version, saying so', async () => {
    const { schema, config } = await freshSchema();
    await (await openPostgresLedger(config)).close();
    await sql(schema, 'INSERT INTO cappi_ledger_schema (version, applied_at) VALUES (99, 1)');
    await expect(openPostgresLedger(config)).rejects.toThrow(
      /was written by a newer version of @cappi-reseller\/ledger \(schema 99, this one knows up to 1\); upgrade it/,
    );
  });

  it('uses its indexes for the account and time range, whatever the size', async () => {
    const { schema, config } = await freshSchema();
    await (await openPostgresLedger(config)).close();
    await sql(
      schema,
      `INSERT INTO ${ROWS} (account, created_at, status, service_id, service_name, link, quantity, price_cents, currency, owner, sandbox)
       SELECT 'acct' || (i % 50), 1700000000000 + i * 1000, 'refused', 7, 'x', 'https://a.example/' || i, 100, 250, 'USD', 'seed', false
       FROM generate_series(1, 20000) AS i`,
    );
    await sql(schema, `ANALYZE ${ROWS}`);
    const plan = await sql<{ 'QUERY PLAN': string }>(
      schema,
      `EXPLAIN SELECT * FROM ${ROWS} WHERE account = 'acct7' AND created_at >= 1700019000000 ORDER BY created_at, id`,
    );
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(/Index.*cappi_ledger_rows_account_time/);
  });
});

describe('an unwritable PostgreSQL ledger: nothing is sent', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startLedgerSandbox();
  });
  afterAll(() => sandbox.stop());

  async function expectNothingSent(store: PostgresLedger, reason: RegExp): Promise<void> {
    const sentBefore = sandbox.requests('RegisterOrder');
    const result = await guardFor(store, sandbox).place(orderFor(cheapService(sandbox)));
    expect(result.kind).toBe('ledger_unavailable');
    const { message } = result as { message: string };
    expect(message).toContain(store.location);
    expect(message).toMatch(reason);
    expect(message).not.toContain(CANARY_KEY);
    expect(sandbox.requests('RegisterOrder')).toBe(sentBefore);
  }

  it('for a database user without INSERT rights', async () => {
    const { schema, config } = await freshSchema();
    const owner = await openPostgresLedger(config);
    expect((await guardFor(owner, sandbox).place(orderFor(cheapService(sandbox)))).kind).toBe('placed');
    await owner.close();
    const role = `ledger_reader_${randomBytes(4).toString('hex')}`;
    roles.push(role);
    await sql(undefined, `CREATE ROLE ${role} LOGIN`);
    await sql(undefined, `GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
    await sql(undefined, `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
    const url = new URL(database.url);
    url.username = role;
    const reader = await openPostgresLedger({ connectionString: url.toString(), options: `-c search_path=${schema}` });
    try {
      expect(await reader.rowsSince(ACCOUNT, 0)).toHaveLength(1);
      await expectNothingSent(
        reader,
        /permission denied for table cappi_ledger_rows.*grant it SELECT, INSERT and UPDATE/,
      );
    } finally {
      await reader.close();
    }
  });

  it('whose table was dropped', async () => {
    const { schema, config } = await freshSchema();
    const store = await openPostgresLedger(config);
    try {
      await sql(schema, `DROP TABLE ${ROWS}`);
      await expectNothingSent(store, /relation "cappi_ledger_rows" does not exist.*tables are missing/);
    } finally {
      await store.close();
    }
  });

  it('whose database is gone', async () => {
    const doomed = await createPostgresDatabase('cappi_ledger_gone');
    const store = await openPostgresLedger(doomed.url);
    try {
      await doomed.drop();
      await expectNothingSent(store, /does not exist \(3D000\); create the database first/);
    } finally {
      await store.close().catch(() => undefined);
      await doomed.drop();
    }
  });
});

describe('rows through the store', () => {
  it('keep whole-cent amounts and ids as numbers, not strings', async () => {
    const { config } = await freshSchema();
    const store = await openPostgresLedger(config);
    try {
      await store.reserve(newRow({ priceCents: 123_456_789_012 }), 0, () => undefined);
      const [row] = (await store.rowsSince(ACCOUNT, 0)) as Record<string, unknown>[];
      expect(row).toMatchObject({ priceCents: 123_456_789_012, id: expect.any(Number), sandbox: true });
    } finally {
      await store.close();
    }
  });
});
