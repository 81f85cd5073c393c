// The package as a user gets it: `pnpm pack` (what would be published), installed with npm in an empty project,
// a strict TypeScript program using the public API compiled against the installed types (no cast, strict,
// exactOptionalPropertyTypes), then run against the sandbox on every Node.js the package claims: its floor
// (22.12.0, installed from the npm registry) and the current one (24, the toolchain's). A CommonJS require() of
// the package runs on both too (the decision: contributing/decisions/node-support.md).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { runInGroup } from '@cappi-reseller/test-processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'core-consumer-'));
// Kept between runs (.cache is ignored by git): the floor's Node is a 30 MB download.
const floorDir = join(packageDir, '.cache', 'node-22.12.0');
const FLOOR_NODE = join(floorDir, 'node_modules', 'node', 'bin', 'node');
const KEY = "consumer-canary-it's a/key+%25";
const STEP_TIMEOUT_MS = 300_000;

let sandbox: Sandbox;

async function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = await runInGroup(command, args, { cwd, env, timeoutMs: STEP_TIMEOUT_MS, allowFailure: true });
  return {
    code: result.code,
    stdout: result.stdout,
    output: `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`,
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, keys: [{ key: KEY, balance: 1000 }] });
  // The tarball is built from the source as it is now, not from whatever dist/ an earlier build left.
  const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], packageDir);
  expect(built.code, built.output).toBe(0);
  const pnpm = process.env.npm_execpath;
  const packed =
    pnpm !== undefined && /pnpm/.test(pnpm)
      ? await run(process.execPath, [pnpm, 'pack', '--pack-destination', project], packageDir)
      : await run('pnpm', ['pack', '--pack-destination', project], packageDir);
  expect(packed.code, packed.output).toBe(0);
  const tarball = readdirSync(project).find((file) => file.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('pnpm pack left no tarball');

  writeFileSync(join(project, 'package.json'), '{ "private": true, "type": "module" }\n');
  for (const file of ['consumer.mts', 'consumer.cjs']) {
    copyFileSync(join(packageDir, 'test', 'consumer', file), join(project, file));
  }
  const npm = ['install', '--no-audit', '--no-fund', '--loglevel=error'];
  const installed = await run('npm', [...npm, `./${tarball}`, 'typescript@5.9.3', '@types/node@22'], project);
  expect(installed.code, installed.output).toBe(0);
  if (!existsSync(FLOOR_NODE)) {
    mkdirSync(floorDir, { recursive: true });
    writeFileSync(join(floorDir, 'package.json'), '{"private":true}\n');
    const node = await run('npm', [...npm, '--prefix', floorDir, 'node@22.12.0'], floorDir);
    expect(node.code, node.output).toBe(0);
  }
}, 3 * STEP_TIMEOUT_MS);

afterAll(async () => {
  await sandbox?.stop();
  rmSync(project, { recursive: true, force: true });
});

describe('the packed package in an empty project', () => {
  it('compiles a strict consumer program without a cast', { timeout: STEP_TIMEOUT_MS }, async () => {
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--strict', '--exactOptionalPropertyTypes', '--noUncheckedIndexedAccess', '--skipLibCheck', 'false'];
    const options = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--types', 'node'];
    const compiled = await run(
      process.execPath,
      [tsc, ...flags, ...options, '--outDir', 'out', 'consumer.mts'],
      project,
    );
    expect(compiled.code, compiled.output).toBe(0);
  });

  const runtimes = [
    { name: 'Node.js 22.12.0 (the floor)', node: () => FLOOR_NODE, version: 'v22.12.0' },
    { name: `Node.js ${process.version} (the toolchain's)`, node: () => process.execPath, version: process.version },
  ];
  for (const runtime of runtimes) {
    it(`runs against the sandbox on ${runtime.name}, and never shows the key`, {
      timeout: STEP_TIMEOUT_MS,
    }, async () => {
      const env = { ...process.env, CAPPI_API_KEY: KEY, CAPPI_BASE_URL: sandbox.url, NODE_OPTIONS: '' };
      const ran = await run(runtime.node(), ['out/consumer.mjs'], project, env);
      expect(ran.code, ran.output).toBe(0);
      const result = JSON.parse(ran.stdout);
      expect(result).toMatchObject({
        node: runtime.version,
        currency: 'USD',
        servicesStatus: 200,
        found: true,
        placed: true,
        placedStatus: 200,
        waited: 'AbortedError',
        rejected: 'AuthenticationError 401 true',
        cached: true,
        report: true,
        reportText: true,
        pure: { price: '0.05 USD', rounded: 1.01, state: 'in_progress', fromDomain: 'completed', final: true },
      });
      expect(result.limits).toHaveLength(2);
      expect(result.debugLines).toBeGreaterThan(0);
      for (const form of [KEY, encodeURIComponent(KEY), new URL(`http://h/?key=${KEY}`).search.slice(5)]) {
        expect(ran.output).not.toContain(form);
      }

      const required = await run(runtime.node(), ['consumer.cjs'], project, env);
      expect(required.code, required.output).toBe(0);
      expect(JSON.parse(required.stdout)).toEqual({
        node: runtime.version,
        currency: 'USD',
        isResellerError: 'function',
      });
    });
  }
});
