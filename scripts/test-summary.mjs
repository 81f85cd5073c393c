#!/usr/bin/env node
// Adds up the vitest JSON reports that every package's test scripts write to .test-results/, so a run of the whole
// repo ends with one line of totals ("N passed, N failed") instead of one summary per package scrolled away.
//
//   node scripts/test-summary.mjs [--turbo-summary .turbo/runs/<id>.json]
//
// With turbo's run summary (`turbo run ... --summarize`), it also says how many suites ran now and how many turbo
// replayed from its cache: a replayed suite's results are those of an earlier run with the same inputs.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const GROUPS = ['packages', 'apps', 'examples', 'e2e', 'bench'];

/** Every folder that may hold a workspace package (one level under each group, and bench itself). */
export function workspaceDirs(base = root) {
  return GROUPS.flatMap((group) => {
    let names = [];
    try {
      names = readdirSync(join(base, group), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name);
    } catch {
      return [];
    }
    return [join(base, group), ...names.map((name) => join(base, group, name))];
  });
}

function reportFiles() {
  return workspaceDirs().flatMap((dir) => {
    try {
      return readdirSync(join(dir, '.test-results'))
        .filter((file) => file.endsWith('.json'))
        .map((file) => join(dir, '.test-results', file));
    } catch {
      return [];
    }
  });
}

/** "Suites: 14 (3 ran now, 11 replayed from turbo's cache)", from turbo's run summary. */
function suitesLine(summaryFile) {
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const suites = summary.tasks.filter((task) => task.task === 'test' || task.task === 'test:e2e');
  const cached = suites.filter((task) => task.cache?.status === 'HIT');
  const failed = suites.filter((task) => task.cache?.status !== 'HIT' && task.execution?.exitCode !== 0);
  const ran = suites.length - cached.length;
  return (
    `Suites: ${suites.length} (${ran} ran now, ${cached.length} replayed from turbo's cache` +
    `${failed.length > 0 ? `; failed: ${failed.map((task) => task.taskId).join(', ')}` : ''})`
  );
}

function main() {
  const args = process.argv.slice(2);
  const summaryIndex = args.indexOf('--turbo-summary');
  const summaryFile = summaryIndex >= 0 ? args[summaryIndex + 1] : undefined;

  const reports = reportFiles().sort();
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of reports) {
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
  process.stdout.write('\n');
  if (summaryFile !== undefined) process.stdout.write(`${suitesLine(summaryFile)}\n`);
  process.stdout.write(`Tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  process.exit(failed > 0 ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
