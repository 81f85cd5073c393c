// The money kernel's cost against the size of its ledger: a quote check (guard.checkQuote: the day's rows of the
// account) and a full order (guard.place: the reservation, RegisterOrder, the settlement) with 10, 100,000 and
// 1,000,000 rows in the ledger, on SQLite and on PostgreSQL. The ledger with 10 rows is the baseline, measured in
// the same run: the subjects take turns (A B C C B A ...) so a slow moment of the machine hits all alike, and the
// ratio is the median over rounds of (median with N rows / median with 10 rows). Goal: at most 1.2x at 1,000,000.
// Every ledger holds the same rows of today for the measured account (--today, default 10); the rest are rows of
// other days and of other accounts (seeded in one statement, not through place()). RegisterOrder is answered by a
// stub server in its own process (bench/lib/register-order-stub.mjs), which costs next to nothing, so the ledger's
// cost shows fully. PostgreSQL: CAPPI_TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/postgres.
//
//   node bench/ledger.bench.mjs [--sizes 10,100000,1000000] [--stores sqlite,postgres] [--rounds 5] [--calls 40] [--today 10]
//   (build first: pnpm turbo run build --filter=@cappi-reseller/bench...)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { accountFingerprint, createOrderGuard, createResellerClient, utcDayOf } from '@cappi-reseller/core';
import { ledgerOwner, openPostgresLedger, openSqliteLedger } from '@cappi-reseller/ledger';
import { createPostgresDatabase } from '@cappi-reseller/test-services';
import pg from 'pg';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10,100000,1000000' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    rounds: { type: 'string', default: '5' },
    calls: { type: 'string', default: '40' },
    today: { type: 'string', default: '10' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const storeKinds = values.stores.split(',');
const rounds = Number(values.rounds);
const calls = Number(values.calls);
const todayRows = Number(values.today);
const here = dirname(fileURLToPath(import.meta.url));
const KEY = 'bench_ledger_key_0123456789abcdef';
const account = await accountFingerprint(KEY);
const now = Date.now();
const dayStart = utcDayOf(now).start;
const DAY = 86_400_000;
const service = { service: 7, category: 'Steam', name: 'Steam Likes', rate: 0.01, min: 10, max: 100_000, desc: '' };
const policy = {
  maxOrderUsd: 1_000,
  dailyBudgetUsd: 1_000_000,
  allowServices: [],
  allowCategories: [],
  duplicateWindowMs: 600_000,
};

const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill();
});
async function startStub() {
  const child = spawn(process.execPath, [join(here, 'lib', 'register-order-stub.mjs')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  for await (const line of createInterface({ input: child.stdout })) {
    const match = /^listening on (\S+)$/.exec(line);
    if (match) return match[1];
  }
  throw new Error('the stub server did not start');
}

/**
 * The seed: `background` rows of other days (the measured account's) and of other accounts (any day, today
 * included), then `todayRows` placed orders of the measured account today. One statement each.
 */
function seedSql(table, background, series, boolean) {
  const columns =
    'account, created_at, status, service_id, service_name, link, quantity, price_cents, currency, order_id, owner, sandbox';
  const rows = `SELECT
      CASE WHEN i % 20 = 0 THEN '${account}' ELSE 'acct-' || (i % 397) END,
      CASE WHEN i % 20 = 0 THEN ${dayStart} - 1000 - (i % 365) * ${DAY} - (i % 86000) * 1000
           ELSE ${now} - (i % 366) * ${DAY} - (i % 86000) * 1000 END,
      'placed', 1 + i % 2400, 'Seeded service', 'https://steamcommunity.com/sharedfiles/filedetails/?id=' || i, 100, 100 + i % 900,
      'USD', i, 'seed', ${boolean}`;
  const today = `SELECT '${account}', ${now} - 60000 - i * 1000, 'placed', 7, 'Steam Likes',
      'https://steamcommunity.com/sharedfiles/filedetails/?id=today' || i, 100, 100, 'USD', 900000000 + i, 'seed', ${boolean}`;
  return [
    background > 0 ? `INSERT INTO ${table} (${columns}) ${rows} FROM ${series(background)}` : undefined,
    `INSERT INTO ${table} (${columns}) ${today} FROM ${series(todayRows)}`,
  ].filter(Boolean);
}

const cleanups = [];
async function openSubject(kind, size) {
  const background = Math.max(0, size - todayRows);
  if (kind === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'cappi-ledger-bench-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const path = join(folder, 'ledger.db');
    const setup = openSqliteLedger(path);
    await setup.importRows('bench-schema', []); // creates the file and its schema
    await setup.close();
    const db = new DatabaseSync(path);
    const series = (count) =>
      `(WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${count}) SELECT i FROM seq)`;
    db.exec('BEGIN');
    for (const sql of seedSql('ledger_rows', background, series, 0)) db.exec(sql);
    db.exec('COMMIT');
    db.exec('ANALYZE');
    db.close();
    return openSqliteLedger(path);
  }
  const database = await createPostgresDatabase('cappi_bench');
  cleanups.push(() => database.drop());
  const store = await openPostgresLedger(database.url);
  const client = new pg.Client({ connectionString: database.url });
  client.on('error', () => undefined); // a failed query rejects; the connection's own end is not news
  await client.connect();
  try {
    for (const sql of seedSql(
      'cappi_ledger_rows',
      background,
      (count) => `generate_series(1::bigint, ${count}) AS i`,
      'false',
    )) {
      await client.query(sql);
    }
    await client.query('VACUUM ANALYZE cappi_ledger_rows');
  } finally {
    await client.end();
  }
  return store;
}

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

let orderNumber = 0;
async function timeCalls(call) {
  const times = [];
  for (let index = 0; index < calls; index++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return median(times);
}

const stubUrl = await startStub();
const client = createResellerClient({ apiKey: KEY, baseUrl: stubUrl, timeoutMs: 30_000 });
const lines = [];
try {
  for (const kind of storeKinds) {
    const subjects = [];
    for (const size of sizes) {
      const seeding = performance.now();
      const store = await openSubject(kind, size);
      process.stderr.write(`${kind}: ${size} rows seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`);
      const guard = createOrderGuard({
        ledger: store,
        policy,
        account,
        owner: ledgerOwner(),
        attemptOrder: (order) => client.attemptOrder(order),
        sandbox: true,
      });
      subjects.push({ size, store, guard, quote: [], order: [] });
    }
    const quote = (subject) => subject.guard.checkQuote(service, 100);
    const order = (subject) =>
      subject.guard.place({
        order: {
          serviceId: 7,
          link: `https://steamcommunity.com/sharedfiles/filedetails/?id=b${++orderNumber}`,
          quantity: 100,
        },
        service,
        priceCents: 100,
        currency: 'USD',
        confirmDuplicate: false,
      });
    for (const subject of subjects) {
      await timeCalls(() => quote(subject)); // warm-up
      await timeCalls(() => order(subject));
    }
    for (let round = 0; round < rounds; round++) {
      const turn = round % 2 === 0 ? subjects : [...subjects].reverse();
      for (const subject of turn) subject.quote.push(await timeCalls(() => quote(subject)));
      for (const subject of turn) subject.order.push(await timeCalls(() => order(subject)));
    }
    const [baseline] = subjects;
    for (const subject of subjects) {
      for (const what of ['quote', 'order']) {
        const ratios = subject[what].map((ms, round) => ms / baseline[what][round]);
        lines.push({
          store: kind,
          'ledger rows': subject.size.toLocaleString('en-US'),
          measured: what === 'quote' ? 'guard.checkQuote' : 'guard.place',
          'median ms': median(subject[what]).toFixed(2),
          [`ratio to ${baseline.size} rows`]: `${median(ratios).toFixed(2)}x`,
        });
      }
      await subject.store.close();
    }
  }
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup();
}
lines.sort((a, b) => a.store.localeCompare(b.store) || a.measured.localeCompare(b.measured));
process.stdout.write(
  `${rounds} rounds of ${calls} calls per subject; ${todayRows} rows today for the measured account in every ledger; Node ${process.version}\n`,
);
// biome-ignore lint/suspicious/noConsole: a benchmark prints its table
console.table(lines);
// The stub server ends with the run (its keep-alive connections would otherwise keep this process waiting).
for (const child of children) child.kill();
