#!/usr/bin/env node
// Every check of the repository, in steps, then one line of totals. `npm test` runs it (after
// scripts/toolchain.mjs has installed Node and pnpm); `pnpm test:all` runs it with what is on PATH.
//
// 1. checks: contract lint, generated-code drift, lint, typecheck, build (turbo, cached);
// 2. n8n for the real-n8n e2e: a step of its own (turbo task n8n:install), with its own deadline and progress output,
//    so that no test hook waits for an install that takes 3 to 15 minutes;
//    and Debian's Chromium for the sandbox's Swagger UI test (scripts/ensure-chromium.mjs), when it is missing;
// 3. every test suite, one at a time (turbo; --continue, so that one failure does not hide the others' results);
// 4. `biome ci .`;
// 5. the totals (scripts/test-summary.mjs): how many suites ran now and how many turbo replayed from its cache.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceDirs } from './test-summary.mjs';

const root = join(import.meta.dirname, '..');
const runsDir = join(root, '.turbo', 'runs');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function step(title, command, args) {
  process.stdout.write(`\n== ${title}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function turbo(title, args) {
  return step(title, bin('turbo'), ['run', ...args, '--output-logs=new-only']);
}

function runSummaries() {
  return existsSync(runsDir) ? readdirSync(runsDir).filter((file) => file.endsWith('.json')) : [];
}

const failures = [];
if (
  turbo('checks: contract lint, generated-code drift, lint, typecheck, build', [
    'generate:check',
    'lint',
    'typecheck',
    'build',
  ]) !== 0
) {
  failures.push('checks');
} else {
  const n8nReady = turbo('n8n for the real-n8n e2e (installed once per machine, then cached)', ['n8n:install']) === 0;
  if (!n8nReady) failures.push('n8n install');
  if (
    step('Chromium for the Swagger UI test', process.execPath, [join(root, 'scripts', 'ensure-chromium.mjs')]) !== 0
  ) {
    failures.push('Chromium');
  }

  // Reports left by an earlier run must not count: turbo puts back the ones of the suites it replays from cache.
  for (const dir of workspaceDirs(root)) rmSync(join(dir, '.test-results'), { recursive: true, force: true });
  const before = new Set(runSummaries());
  const suites = n8nReady ? ['test', 'test:e2e'] : ['test'];
  if (turbo('test suites, one at a time', [...suites, '--concurrency=1', '--continue', '--summarize']) !== 0) {
    failures.push('tests');
  }
  const summary = runSummaries().find((file) => !before.has(file));

  if (step('biome ci .', bin('biome'), ['ci', '.']) !== 0) failures.push('biome');

  process.stdout.write('\n');
  const summaryArgs = summary === undefined ? [] : ['--turbo-summary', join(runsDir, summary)];
  if (step('totals', process.execPath, [join(root, 'scripts', 'test-summary.mjs'), ...summaryArgs]) !== 0) {
    failures.push('totals');
  }
}

if (failures.length > 0) {
  process.stderr.write(`\nFailed: ${failures.join(', ')}\n`);
  process.exit(1);
}
