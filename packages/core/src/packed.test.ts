// The package as a user gets it: `pnpm pack` (what would be published), installed with npm in an empty project,
// a strict TypeScript program using the public API compiled against the installed types (no cast, strict,
// exactOptionalPropertyTypes), then run against the sandbox on every Node.js the package claims: its floor
// (22.12.0, installed from the npm registry) and the current one (24, the toolchain's). A CommonJS require() of
// the package runs on both too (the decision: contributing/decisions/node-support.md).
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { runInGroup } from '@cappi-reseller/test-processes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const consumerDir = join(packageDir, 'test', 'consumer');
const project = mkdtempSync(join(tmpdir(), 'core-consumer-'));
// Kept between runs (.cache is ignored by git): the floor's Node is a 30 MB download.
const floorDir = join(packageDir, '.cache', 'node-22.12.0');
const FLOOR_NODE = join(floorDir, 'node_modules', 'node', 'bin', 'node');
const KEY = "consumer-canary-it's a/key+%25";
const STEP_TIMEOUT_MS = 300_000;

let sandbox: Sandbox;

/** The consumer program's TypeScript, without comments (a name in a comment is not a use). */
function consumerSource(): string {
  return readdirSync(consumerDir)
    .filter((file) => file.endsWith('.mts'))
    .map((file) => readFileSync(join(consumerDir, file), 'utf8'))
    .join('\n')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|\s)\/\/.*$/gm, '');
}

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
  // Every file of the consumer program (consumer.mts imports the others) and the CommonJS one.
  for (const file of readdirSync(consumerDir)) copyFileSync(join(consumerDir, file), join(project, file));
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
  // The consumer program proves what it uses; this proves it uses everything. Each runtime export of the installed
  // package must appear in the program's source as `core.<name>` (import * as core from '@cappi-reseller/core'),
  // and each export of the pure entry as `domain.<name>` (import * as domain from '@cappi-reseller/core/domain').
  it('the consumer program uses every runtime export of both entries', { timeout: STEP_TIMEOUT_MS }, async () => {
    const script =
      "const core = await import('@cappi-reseller/core'); const domain = await import('@cappi-reseller/core/domain');" +
      'process.stdout.write(JSON.stringify({ core: Object.keys(core), domain: Object.keys(domain) }));';
    const listed = await run(process.execPath, ['--input-type=module', '-e', script], project);
    expect(listed.code, listed.output).toBe(0);
    const exports: { core: string[]; domain: string[] } = JSON.parse(listed.stdout);
    expect(exports.core.length).toBeGreaterThan(90);
    // The domain entry is part of the main one: a user of '@cappi-reseller/core' has all of it.
    expect(exports.domain.filter((name) => !exports.core.includes(name))).toEqual([]);

    const source = consumerSource();
    const uses = (namespace: string, name: string) => new RegExp(`\\b${namespace}\\.${name}\\b`).test(source);
    const unused = {
      core: exports.core.filter(
        (name) => !uses('core', name) && !(exports.domain.includes(name) && uses('domain', name)),
      ),
      domain: exports.domain.filter((name) => !uses('domain', name)),
    };
    expect(unused, 'exports the consumer program (test/consumer/*.mts) does not use').toEqual({ core: [], domain: [] });
  });

  it('compiles a strict consumer program without a cast', { timeout: STEP_TIMEOUT_MS }, async () => {
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const flags = ['--strict', '--exactOptionalPropertyTypes', '--noUncheckedIndexedAccess', '--skipLibCheck', 'false'];
    const options = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2023', '--types', 'node'];
    // No cast and no any in the program: what compiles is what a user's strict code can write.
    expect(consumerSource().match(/\bas\s+(?!core\b|domain\b)\w+|\bany\b/g)).toBeNull();
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
        promise: true,
        keyProblem: 'the API key holds a character no API key has',
        defaultBaseUrl: true,
        logEnvironment: 'CAPPI_LOG',
        servicesStatus: 200,
        found: true,
        placed: true,
        placedStatus: 200,
        waited: 'AbortedError',
        rejected: 'AuthenticationError 401 true',
        cached: true,
        report: true,
        reportText: true,
        // The same check, sent by the program's own fetch and analyzed by the pure entry.
        apiCheck: { face: true, verdict: true, setupProblems: 0, headline: true, json: true, summary: true },
        fingerprint: true,
        // One real order through the money kernel; a duplicate, an order past the budget, past the cap and at a
        // higher price refused before sending; a process that died mid-order recovered and still counted.
        kernel: {
          passes: true,
          placed: 'placed',
          placedRow: 'placed',
          charged: true,
          duplicate: 'duplicate',
          recovered: 1,
          interrupted: true,
          spentIsTwoOrders: true,
          budgetLeft: true,
          spent: true,
          overBudget: 'over_budget',
          thirdPlaced: 'over_budget',
          overCap: 'over_cap',
          rose: 'price_rose',
          sameSnapshot: true,
          recentIdentical: true,
          statuses: ['placed', 'unknown'],
          counting: ['sending', 'placed', 'unknown'],
          horizon: true,
          limits: ['over_cap', false, 'over_budget', 'duplicate', true, 'price_rose'],
          damaged: 'LedgerDataError',
        },
        quote: {
          accepted: true,
          refused: ['bad_signature', 'expired', 'other_account', 'bad_signature', 'malformed'],
        },
        pure: {
          catalog: {
            likes: [2],
            categories: ['Instagram Likes: 2', 'YouTube Views: 1'],
            pages: [2, 1, true],
            quote: '1.00 USD affordable=false',
            rounded: 1.01,
            status: ['partial', true, 'in_progress'],
          },
          validation: {
            trimmed: 'https://example.com/p/1',
            tooMany: 'quantity 5001 is above the maximum of 5000 for service 2 (allowed: 10 to 5000)',
            quantity: 'quantity',
            link: 'link',
            serviceId: 'serviceId',
            orderId: 'orderId',
            largest: true,
          },
          answers: {
            balance: 'invalid_response retryable=true',
            services: 'invalid_response retryable=true',
            status: 'invalid_response retryable=true',
            order: 'invalid_response retryable=false',
            conforms: 0,
            differences: ['missing currency', 'wrong_type balance', 'unknown_field rate'],
            shape: '{title: string, status: integer, errors: [2 x integer]}',
          },
          errors: {
            built: [
              'AuthenticationError: retryable=false',
              'InsufficientFundsError: 1 < 2 USD',
              'InvalidRequestError: quantity 10-5000',
              'NotFoundError: order 2147483647',
              'RateLimitedError: after 1000 ms',
              'ServerError: HTTP 503',
              'ConnectionError: retryable=true',
              'TimeoutError: 5 ms',
              'InvalidResponseError: retryable=false',
              'UnknownOutcomeError: service 2 sent 2026-01-01T00:00:00.000Z',
              'AbortedError: retryable=false',
            ],
            all: true,
            notOurs: false,
            unknownOutcome: true,
            http: 'server',
            refusal: 'InsufficientFundsError: 0.5 < 0.9 USD',
            requestId: 'r2',
          },
          outcomes: ['unknown', 'not_placed', 'unknown', 'placed', true, false],
          secrets: {
            redacted: true,
            tooShort: true,
            url: 'https://h/Balance?key=***',
            headers: { 'set-cookie': '***', 'x-request-id': 'r1' },
            keys: ['the API key is too short (6 characters)', 'the API key is too long (257 characters)'],
            sandboxKey: true,
            shape: true,
          },
          unreachable: { passed: false, setupProblem: true, verdict: true },
        },
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
