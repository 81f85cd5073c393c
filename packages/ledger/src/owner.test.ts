import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_STALE_AFTER_MS, isOwnerGone, ledgerOwner, ownerGoneCheck } from './index.js';

const DIST = new URL('../dist/index.js', import.meta.url).href;
const children: number[] = [];
afterEach(() => {
  for (const pid of children.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A live process of this machine, and the owner id it writes rows with. */
async function otherProcess() {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { ledgerOwner } from '${DIST}'; console.log(ledgerOwner()); setInterval(() => {}, 1000);`,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'], cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  if (child.pid === undefined) throw new Error('the child did not start');
  children.push(child.pid);
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { child, owner: chunk.toString('utf8').trim() };
}

const now = Date.now();

describe('who wrote a row, and whether it is gone', () => {
  it('names this machine, the pid, its start time and a per-start id, the same all along', () => {
    expect(ledgerOwner()).toMatch(new RegExp(`^host=[^;]+;pid=${process.pid};start=(\\d+|-);run=[0-9a-f]{8}$`));
    expect(ledgerOwner()).toBe(ledgerOwner());
  });

  it('is never gone for this process, however old the row', () => {
    expect(isOwnerGone({ owner: ledgerOwner(), createdAt: now - 86_400_000 }, now)).toBe(false);
  });

  it('is alive while the other process runs, and gone once it was killed', async () => {
    const { child, owner } = await otherProcess();
    expect(owner).toMatch(new RegExp(`;pid=${child.pid};`));
    expect(isOwnerGone({ owner, createdAt: now - 86_400_000 }, now)).toBe(false);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isOwnerGone({ owner, createdAt: now }, now)).toBe(true);
  });

  it('is gone when the pid is alive but belongs to a process that started later (a reused pid)', () => {
    const reused = ledgerOwner().replace(/;start=[^;]+;run=[0-9a-f]+/, ';start=1;run=00000000');
    expect(reused).not.toBe(ledgerOwner());
    expect(isOwnerGone({ owner: reused, createdAt: now }, now)).toBe(true);
  });

  it('is judged by age for another machine, or an owner id it cannot read', () => {
    const elsewhere = 'host=another-machine/1234abcd/4026531836;pid=1;start=100;run=abcdef01';
    for (const owner of [elsewhere, 'import:jsonl']) {
      expect(isOwnerGone({ owner, createdAt: now - 60_000 }, now)).toBe(false);
      expect(isOwnerGone({ owner, createdAt: now - DEFAULT_STALE_AFTER_MS - 1 }, now)).toBe(true);
      expect(isOwnerGone({ owner, createdAt: now - 60_000 }, now, { staleAfterMs: 30_000 })).toBe(true);
    }
    const check = ownerGoneCheck({ staleAfterMs: 1_000, now: () => now });
    const row = { owner: elsewhere, createdAt: now - 2_000 } as Parameters<typeof check>[0];
    expect(check(row)).toBe(true);
  });
});
