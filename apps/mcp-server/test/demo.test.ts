// The quick start's `npm run demo` is this story: it must run to the end, and tell it truthfully.

import { fileURLToPath } from 'node:url';
import { spawnInGroup } from '@cappi-reseller/test-processes';
import { expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../dist/demo.js', import.meta.url));

it('runs the whole story against the embedded sandbox and exits 0', async () => {
  const child = spawnInGroup(process.execPath, [DEMO], { env: { PATH: process.env.PATH ?? '' }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code, stderr).toBe(0);
  expect(stdout).toMatch(/Balance: \d+\.\d{2} USD/);
  expect(stdout).toMatch(/Order \d+ placed/);
  expect(stdout).toMatch(/progress \d+: order \d+: in progress/);
  expect(stdout).toMatch(/Order \d+: (completed|partial) \(final\)/);
  expect(stdout).toContain('refused: an identical order');
  expect(stdout).toContain('above the per-order cap');
  expect(stdout).toContain('is above the maximum of');
  expect(stdout).toContain('No money was spent');
}, 60_000);
