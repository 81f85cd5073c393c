// The guarantees the other suites rely on: a child and everything it starts is killed, even when it ignores
// SIGTERM, when a deadline passes, and when the test process ends without cleaning up.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import setup from './global-setup.mjs';
import { groupAlive, killAllGroups, ownsGroup, runInGroup, spawnInGroup, startTimeOf } from './index.mjs';

// A node process that ignores SIGTERM and starts a grandchild that ignores it too, then prints both pids.
const STUBBORN = `
  process.on('SIGTERM', () => {});
  const { spawn } = require('node:child_process');
  const grandchild = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
  console.log(JSON.stringify({ child: process.pid, grandchild: grandchild.pid }));
  setInterval(() => {}, 1000);
`;

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function pidsOf(child) {
  return await new Promise((resolve) => child.stdout.once('data', (chunk) => resolve(JSON.parse(chunk.toString()))));
}

describe('process groups', () => {
  it('killAllGroups kills a child and its grandchild that both ignore SIGTERM (SIGKILL after the grace)', async () => {
    const child = spawnInGroup(process.execPath, ['-e', STUBBORN], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = await pidsOf(child);
    expect(alive(pids.child) && alive(pids.grandchild)).toBe(true);
    await killAllGroups(200);
    expect(groupAlive(child.pid)).toBe(false);
    expect(alive(pids.grandchild)).toBe(false);
  });

  it('runInGroup kills the whole group at its deadline and says so', async () => {
    const error = await runInGroup(process.execPath, ['-e', STUBBORN], { timeoutMs: 1000, graceMs: 200 }).catch(
      (e) => e,
    );
    expect(String(error.message)).toContain('did not finish within 1 s; its process group was killed');
    const pids = JSON.parse(/\{"child".*\}/.exec(error.message)[0]);
    expect(alive(pids.child) || alive(pids.grandchild)).toBe(false);
  });

  it('runInGroup with stdoutFile keeps everything a program printed before process.exit()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cappi-stdout-'));
    try {
      const big = "process.stdout.write('x'.repeat(8 * 1024 * 1024)); process.exit(0)";
      const { stdout } = await runInGroup(process.execPath, ['-e', big], { stdoutFile: join(dir, 'out') });
      expect(stdout.length).toBe(8 * 1024 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runInGroup kills what a command left behind when it exits', async () => {
    // The child starts a grandchild in its group and exits at once, as a careless script would.
    const leaver = `
      const { spawn } = require('node:child_process');
      const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      console.log(g.pid); g.unref();`;
    const { stdout } = await runInGroup(process.execPath, ['-e', leaver], { graceMs: 200 });
    expect(alive(Number(stdout.trim()))).toBe(false);
  });

  it("records each group where the global setup's teardown finds it, until the group is gone", async () => {
    const registry = process.env.CAPPI_TEST_PROCESS_GROUPS;
    expect(registry, 'the global setup gives the workers a registry').toBeTruthy();
    const child = spawnInGroup(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    expect(existsSync(join(registry, String(child.pid)))).toBe(true);
    await killAllGroups(200);
    expect(existsSync(join(registry, String(child.pid)))).toBe(false);
  });

  it('never signals a group id that now names another program (pids are reused)', async () => {
    // Another program's process group, not started through this module.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    try {
      const startTime = startTimeOf(other.pid);
      expect(startTime).toBeDefined();
      expect(ownsGroup(other.pid, startTime)).toBe(true);
      // Remembered with another start time, as a group of ours whose id was reused would be.
      expect(ownsGroup(other.pid, String(Number(startTime) - 1))).toBe(false);
      // The global setup's teardown skips such a leftover and kills a real one (a registry of this test's own).
      const previous = process.env.CAPPI_TEST_PROCESS_GROUPS;
      const teardown = setup();
      const registry = process.env.CAPPI_TEST_PROCESS_GROUPS;
      const ours = spawnInGroup(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
      writeFileSync(join(registry, String(other.pid)), `${Number(startTime) - 1}\n`);
      teardown();
      process.env.CAPPI_TEST_PROCESS_GROUPS = previous;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(alive(other.pid)).toBe(true);
      expect(groupAlive(ours.pid)).toBe(false);
    } finally {
      process.kill(-other.pid, 'SIGKILL');
    }
  });

  it('a test process that exits without cleaning up takes its groups with it', async () => {
    // A separate node process uses the module, starts a stubborn child, prints its pids and exits.
    const script = `
      import { spawnInGroup } from ${JSON.stringify(new URL('./index.mjs', import.meta.url).href)};
      const child = spawnInGroup(process.execPath, ['-e', ${JSON.stringify(STUBBORN)}], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.once('data', (chunk) => { process.stdout.write(chunk); process.exit(0); });`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids = await pidsOf(parent);
    await new Promise((resolve) => parent.once('exit', resolve));
    const deadline = Date.now() + 5000;
    while ((alive(pids.child) || alive(pids.grandchild)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(alive(pids.child) || alive(pids.grandchild)).toBe(false);
  });
});
