// Vitest global setup: the last line of defence. It gives the test workers a folder where every process group
// they start is recorded (./index.mjs), and its teardown, in vitest's main process, SIGKILLs any group still
// alive: one left by a worker that was itself killed, or that crashed before its own hooks ran.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownsGroup } from './index.mjs';

export default function setup() {
  const registry = mkdtempSync(join(tmpdir(), 'cappi-test-groups-'));
  process.env.CAPPI_TEST_PROCESS_GROUPS = registry;
  return () => {
    const left = readdirSync(registry).map(Number).filter(Number.isInteger);
    for (const pgid of left) {
      // Each file holds the start time of the group's leader: a pid reused since then is someone else's.
      const startTime = readFileSync(join(registry, String(pgid)), 'utf8').trim() || undefined;
      if (!ownsGroup(pgid, startTime)) continue;
      try {
        process.kill(-pgid, 'SIGKILL');
        process.stderr.write(`[test-processes] killed process group ${pgid}, left running by a test worker\n`);
      } catch {
        // Gone already.
      }
    }
    rmSync(registry, { recursive: true, force: true });
  };
}
