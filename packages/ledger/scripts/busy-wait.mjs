// How a process waits for another one holding the SQLite ledger's write lock, measured both ways:
//   - SQLite's busy timeout (the waiting happens inside node:sqlite's synchronous call: the event loop stops);
//   - the store's way (busy timeout 0, retries on timers).
// Another process holds the lock for --hold-ms; this one reserves meanwhile, and a 1 ms interval timer reports the
// longest the event loop stood still. Also: how long one reservation holds the lock (what others wait for).
//   node packages/ledger/scripts/busy-wait.mjs [--hold-ms 1000] [--rounds 5]      (build the package first)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { openSqliteLedger } from '../dist/index.js';

const { values } = parseArgs({
  options: { 'hold-ms': { type: 'string', default: '1000' }, rounds: { type: 'string', default: '5' } },
});
const holdMs = Number(values['hold-ms']);
const rounds = Number(values.rounds);
const folder = mkdtempSync(join(tmpdir(), 'cappi-busy-'));
const path = join(folder, 'ledger.db');
const row = () => ({
  account: 'acct',
  createdAt: Date.now(),
  serviceId: 1,
  serviceName: 's',
  link: 'https://a.example/',
  quantity: 1,
  priceCents: 1,
  currency: 'USD',
  owner: 'bench',
  sandbox: false,
});
const store = openSqliteLedger(path, { busyWaitMs: 60_000 });
await store.reserve(row(), 0, () => undefined);

/** Starts a process that takes the write lock, says so, holds it for holdMs and commits. */
async function holdLock() {
  const holder = spawn(
    process.execPath,
    [
      '-e',
      `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE'); console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); console.log('released ' + (performance.timeOrigin + performance.now())); }, ${holdMs});`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(holder, 'exit');
  const lines = [];
  holder.stdout.setEncoding('utf8').on('data', (chunk) => lines.push(...chunk.trim().split('\n')));
  while (!lines.includes('locked')) await new Promise((resolve) => setTimeout(resolve, 5));
  return {
    holder,
    releasedAt: async () => {
      await exited;
      return Number(lines.find((line) => line.startsWith('released')).split(' ')[1]);
    },
  };
}

/** Runs `reserve` while another process holds the lock; returns the longest event-loop stall and the delay after release. */
async function measure(reserve) {
  const { releasedAt } = await holdLock();
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  await reserve();
  const doneAt = performance.timeOrigin + performance.now();
  clearInterval(ticker);
  longest = Math.max(longest, performance.now() - last);
  return { stallMs: longest, afterReleaseMs: doneAt - (await releasedAt()) };
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];
const results = { 'busy timeout (SQLite waits, blocking)': [], 'timers (the store)': [] };
const blocking = new DatabaseSync(path, { timeout: 60_000 });
for (let round = 0; round < rounds; round++) {
  results['busy timeout (SQLite waits, blocking)'].push(
    await measure(async () => {
      blocking.exec('BEGIN IMMEDIATE');
      blocking.exec(
        "INSERT INTO ledger_rows (account, created_at, status, service_id, service_name, link, quantity, price_cents, currency, owner, sandbox) VALUES ('acct', 1, 'refused', 1, 's', 'l', 1, 1, 'USD', 'b', 0)",
      );
      blocking.exec('COMMIT');
    }),
  );
  results['timers (the store)'].push(await measure(() => store.reserve(row(), 0, () => undefined)));
}
blocking.close();

// How long one reservation holds the write lock: BEGIN IMMEDIATE .. COMMIT (synchronous = FULL: an fsync).
const holds = [];
for (let index = 0; index < 200; index++) {
  const started = performance.now();
  await store.reserve(row(), 0, () => undefined);
  holds.push(performance.now() - started);
}
await store.close();
rmSync(folder, { recursive: true, force: true });

const table = Object.entries(results).map(([way, rows]) => ({
  way,
  'longest event-loop stall (ms, median)': median(rows.map((r) => r.stallMs)).toFixed(1),
  'done after release (ms, median)': median(rows.map((r) => r.afterReleaseMs)).toFixed(1),
}));
process.stdout.write(`another process holds the write lock for ${holdMs} ms; ${rounds} rounds\n`);
// biome-ignore lint/suspicious/noConsole: a measuring script prints its table
console.table(table);
process.stdout.write(
  `one uncontended reservation (lock held): median ${median(holds).toFixed(2)} ms, max ${Math.max(...holds).toFixed(2)} ms over 200\n`,
);
