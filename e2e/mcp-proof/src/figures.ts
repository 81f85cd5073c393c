// Figures measured by the tests, printed as they are found and kept in .test-results/figures/<name>.json (a
// subfolder: scripts/test-summary.mjs reads every .json directly in .test-results as a vitest report).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const folder = join(import.meta.dirname, '..', '.test-results', 'figures');

export function report(name: string, figures: Record<string, unknown>): void {
  const lines = Object.entries(figures).map(([what, value]) => `  ${what}: ${JSON.stringify(value)}`);
  process.stdout.write(`\n[mcp-proof] ${name}\n${lines.join('\n')}\n`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
