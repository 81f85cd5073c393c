// The README's example, run as a user would (Node strips its types) against the sandbox: it must work as written.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseLedgerRow } from '@cappi-reseller/core';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqliteLedger } from '../src/index.js';
import { ACCOUNT, CANARY_KEY, startLedgerSandbox } from './support.js';

const packageFolder = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'cappi-ledger-readme-'));
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startLedgerSandbox();
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await sandbox.stop();
});

it("the README's example places an order, imports the old ledger and reports its damaged line", async () => {
  const readme = readFileSync(join(packageFolder, 'README.md'), 'utf8');
  const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example).toBeDefined();
  // Inside the package folder, so that its imports resolve as they do for a user who installed it.
  const folder = join(packageFolder, '.test-results');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'readme-example.mts');
  writeFileSync(file, example ?? '');
  mkdirSync(join(work, 'state'));
  writeFileSync(
    join(work, 'state', 'orders.jsonl'),
    `${JSON.stringify({ time: new Date().toISOString(), account: ACCOUNT, outcome: 'placed', orderId: 1, serviceId: 1, serviceName: 'x', link: 'https://a.example/', quantity: 10, charge: 0.5, currency: 'USD' })}\n{"torn`,
  );
  const ordersBefore = sandbox.orders(CANARY_KEY).length;

  // Not spawnSync: the sandbox answers from this process's event loop.
  const run = await promisify(execFile)(process.execPath, [file], {
    cwd: work,
    env: { PATH: process.env.PATH ?? '', CAPPI_API_KEY: CANARY_KEY, CAPPI_BASE_URL: sandbox.url },
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });

  expect(run.stderr).toBe('orders.jsonl line 2 not imported: not JSON (a write cut short?)\n');
  expect(run.stdout).toMatch(/^placed order \d+ for \d+\.\d\d USD\n$/);
  expect(sandbox.orders(CANARY_KEY).length).toBe(ordersBefore + 1);
  const ledger = openSqliteLedger(join(work, 'state', 'ledger.db'));
  const rows = (await ledger.rowsSince(ACCOUNT, 0)).map((row) => parseLedgerRow(row, ledger.location));
  await ledger.close();
  expect(rows.map((row) => row.status)).toEqual(['placed', 'placed']);
});
