#!/usr/bin/env node
// Adds up the vitest JSON reports that every package's test scripts write to .test-results/, so a run of the whole
// repo ends with one line of totals ("N passed, N failed") instead of one summary per package scrolled away.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const reports = [];
for (const group of ['packages', 'apps', 'examples', 'e2e', 'bench']) {
  let names = [];
  try {
    names = readdirSync(join(root, group));
  } catch {
    continue;
  }
  for (const name of names) {
    const folder = join(root, group, name, '.test-results');
    let files = [];
    try {
      files = readdirSync(folder).filter((file) => file.endsWith('.json'));
    } catch {
      continue;
    }
    for (const file of files) reports.push(join(folder, file));
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of reports.sort()) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  process.stdout.write(
    `  ${relative(root, file).padEnd(70)} ${report.numPassedTests} passed, ${report.numFailedTests} failed\n`,
  );
}
if (reports.length === 0) {
  process.stderr.write('no test reports found: did the tests run?\n');
  process.exit(1);
}
process.stdout.write(`\nTests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
