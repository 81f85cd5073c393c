import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from './config.js';
import { createLogger } from './log.js';
import { createRuntime } from './runtime.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function runtimeWith(env: Record<string, string> = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'cappi-runtime-test-'));
  dirs.push(stateDir);
  const log = createLogger(() => undefined);
  const config = parseConfig(['--http'], { CAPPI_BASE_URL: 'http://127.0.0.1:9', CAPPI_STATE_DIR: stateDir, ...env });
  return { log, runtime: await createRuntime(config, log) };
}

describe('accounts of per-session keys', () => {
  it('are shared by the sessions of one key, and forgotten (client, catalog) when the last one ends', async () => {
    const { log, runtime } = await runtimeWith();
    const key = 'per-session-key-Zr81';
    const first = await runtime.contextFor(key);
    const second = await runtime.contextFor(key);
    expect(second.account).toBe(first.account);
    // The key is a secret of its own sessions, never of the process (it would change every other session's answers).
    expect(first.secrets()).toContain(key);
    expect(log.secrets()).not.toContain(key);

    runtime.release(key); // one session of that key is still open
    expect((await runtime.contextFor(key)).account).toBe(first.account);
    runtime.release(key);
    runtime.release(key);

    const later = await runtime.contextFor(key);
    expect(later.account).not.toBe(first.account);
    expect(later.account.id).toBe(first.account.id); // same fingerprint: same budget and ledger entries
    expect(later.secrets()).toContain(key);
    await runtime.close();
  });

  it('keep the configured key and its account whatever the sessions do', async () => {
    const key = 'configured-key-Hq27';
    const { log, runtime } = await runtimeWith({ CAPPI_API_KEY: key });
    const first = await runtime.contextFor(key);
    runtime.release(key);
    expect(log.secrets()).toContain(key);
    expect((await runtime.contextFor(key)).account).toBe(first.account);
    await runtime.close();
  });
});
