// Runs every benchmark of this folder in turn, each in a fresh Node process, and stops with a failure when one fails.
// A benchmark is any `*.mjs` file at the top of bench/ except this runner; helpers live in bench/lib/.
//
//   pnpm --filter @cappi-reseller/bench bench                 (every benchmark)
//   pnpm --filter @cappi-reseller/bench bench client-throughput   (only those whose file name contains a word)
//
// Build what they measure first: pnpm turbo run build --filter=@cappi-reseller/bench...
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const words = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith('.mjs') && name !== 'run-all.mjs')
  .filter((name) => words.length === 0 || words.some((word) => name.includes(word)))
  .sort();

if (benches.length === 0) {
  process.stderr.write(`no benchmark matches ${words.join(' ')}\n`);
  process.exit(1);
}

const failed = [];
for (const name of benches) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(here, name)], { stdio: 'inherit', cwd: here });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) failed.push(name);
  process.stdout.write(
    `=== ${name}: ${result.status === 0 ? 'done' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds} s ===\n`,
  );
}
if (failed.length > 0) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
