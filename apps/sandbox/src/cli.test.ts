import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { killAllGroups, spawnInGroup } from '@cappi-reseller/test-processes';
import { afterAll, describe, expect, test } from 'vitest';
import { parseCliArgs } from './cli-args.js';
import { defaultKey } from './state.js';

const bin = fileURLToPath(new URL('../bin/cappi-reseller-sandbox.js', import.meta.url));

/** The CLI in a process group of its own, killed after the tests whatever happened to them. */
function run(args: string[]): ChildProcess {
  return spawnInGroup(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

afterAll(() => killAllGroups());

/** Collects stdout until `pattern` appears. */
async function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  let output = '';
  for await (const chunk of child.stdout ?? []) {
    output += String(chunk);
    if (pattern.test(output)) return output;
  }
  throw new Error(`the CLI exited before printing ${pattern}; it printed:\n${output}`);
}

describe('the cappi-reseller-sandbox CLI', () => {
  test('starts, prints its URL, key and docs URL, serves the API, and stops on SIGTERM', async () => {
    const child = run(['--port', '0', '--seed', '7', '--balance', '12.5', '--services', '50']);
    try {
      const output = await waitForOutput(child, /Docs: +\S+/);
      const url = output.match(/listening on (http:\/\/\S+)/)?.[1];
      const key = output.match(/API key: (\S+)/)?.[1];
      expect(key).toBe(defaultKey(7));
      expect(output).toContain(`Docs:    ${url}/docs`);
      const balance = await fetch(`${url}/Balance?key=${key}`);
      expect(await balance.json()).toEqual({ balance: 12.5, currency: 'USD' });
      const services = (await (await fetch(`${url}/ServicesList?key=${key}`)).json()) as unknown[];
      expect(services).toHaveLength(50);
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  test('--help prints the usage and exits', async () => {
    const child = run(['--help']);
    const output = await waitForOutput(child, /--delivery-ms/);
    expect(output).toMatch(/^cappi-reseller-sandbox: /);
    expect((await once(child, 'exit'))[0]).toBe(0);
  });

  test('a bad option is an error on stderr and exit code 2', async () => {
    const child = run(['--port', 'abc']);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    expect((await once(child, 'exit'))[0]).toBe(2);
    expect(stderr).toMatch(/^--port must be a whole number >= 0, got "abc"/);
  });

  test('parses every option', () => {
    expect(
      parseCliArgs([
        '--port',
        '4011',
        '--host',
        '0.0.0.0',
        '--seed',
        '3',
        '--services',
        '2000',
        '--balance',
        '5.25',
        '--pending-ms',
        '10',
        '--delivery-ms',
        '20',
      ]),
    ).toEqual({
      port: 4011,
      host: '0.0.0.0',
      seed: 3,
      services: 2000,
      keys: [{ key: defaultKey(3), balance: 5.25 }],
      orderTiming: { pendingMs: 10, deliveryMs: 20 },
    });
    expect(parseCliArgs([])).toMatchObject({ port: 4010, seed: 1 });
    expect(parseCliArgs(['--help'])).toBeUndefined();
    expect(() => parseCliArgs(['--balance=-1'])).toThrow('--balance must be a number of USD >= 0, got "-1"');
    expect(() => parseCliArgs(['--colour'])).toThrow(/Unknown option '--colour'/);
  });
});
