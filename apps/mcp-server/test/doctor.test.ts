// `cappi-reseller-mcp doctor` and `--check-api`, as an operator runs them: the built bin, against a real sandbox
// (canary key), as it is and with each drift injected. Checked: the exit code, the sentence naming the drift, that
// RegisterOrder is never sent, and that the canary key is in no report (text or JSON) and no byte of stderr.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Fault, FaultOptions, Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, CANARY, leaks, removeDir, type Spawned, spawnServer, startTestSandbox, tempDir } from './helpers.js';

let sandbox: Sandbox;
const running = new Set<ChildProcess>();

// An odd figure, to prove the balance never appears in a report.
const BALANCE = 4321.87;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sandbox.setBalance(CANARY, BALANCE);
});
afterEach(() => sandbox.faults.clear());
afterAll(async () => {
  // Whatever happened, no process of this file outlives it.
  for (const child of running) killGroup(child);
  await sandbox.stop();
});

function killGroup(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bin to its end (in its own process group, killed after 60 s), with the sandbox as its API. */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', CAPPI_API_KEY: CANARY, CAPPI_BASE_URL: sandbox.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => killGroup(child), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

async function doctor(drifts: [Fault, FaultOptions?][] = [], args: string[] = []): Promise<Run> {
  for (const [fault, options] of drifts) sandbox.faults.inject(fault, options);
  const before = sandbox.requests('RegisterOrder');
  const result = await run(['doctor', ...args]);
  expect(sandbox.requests('RegisterOrder')).toBe(before);
  expect(leaks(result.stdout), 'the key in the report').toBe(false);
  expect(leaks(result.stderr), 'the key on stderr').toBe(false);
  expect(result.stdout).not.toContain(String(BALANCE).slice(0, 4));
  return result;
}

describe('doctor', () => {
  it('against the sandbox as it is: everything matches, exit 0', async () => {
    const result = await doctor();
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Cappi Reseller API check: read-only. It never sends RegisterOrder and spends nothing.');
    expect(result.stdout).toContain('[ok] Balance: balance present, a number; currency "USD"');
    expect(result.stdout).toContain('Result: OK: the API behaves as the contract says.');
    expect(result.stdout).not.toContain('[!!]');
    expect(result.stdout).not.toContain('4321');
    expect(result.stderr).toBe('');
  });

  it('--json: the same report as JSON, for a bug report', async () => {
    const result = await doctor([], ['--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      report: 'cappi-reseller API check',
      sentRegisterOrder: false,
      passed: true,
      verdict: 'the API behaves as the contract says',
      baseUrl: sandbox.url,
    });
    expect(String(report.toolkit)).toMatch(/^cappi-reseller-mcp \d+\.\d+\.\d+/);
    expect(report.note).toBe('Cappi Reseller API check: read-only. It never sends RegisterOrder and spends nothing.');
  });

  const drifts: [string, [Fault, FaultOptions?][], string][] = [
    ['a missing rate', [[{ kind: 'rate_missing' }, { operation: 'ServicesList' }]], 'no service has a `rate`'],
    ['rate as a string', [[{ kind: 'rate_as_string' }, { operation: 'ServicesList' }]], '`rate` is a string in '],
    [
      'a renamed field',
      [
        [
          { kind: 'rename_field', from: 'balance', to: 'amount' },
          { operation: 'Balance', times: 1 },
        ],
      ],
      '`balance` is missing and `amount` (a number with decimals), a field the contract does not know, is there instead: it looks renamed',
    ],
    [
      'errors as HTTP 200 with a message',
      [[{ kind: 'error_as_200' }, { times: 4 }]],
      'HTTP 200 with an error message instead of HTTP 404: "Order 2147483647 was not found."',
    ],
    [
      'a 302 to a login page',
      [[{ kind: 'login_redirect' }, { times: 4 }]],
      'a redirect instead of an answer: HTTP 302 to http://127.0.0.1',
    ],
    [
      'an HTML error page',
      [[{ kind: 'html_error' }, { operation: 'ServicesList' }]],
      'ServicesList: HTTP 500 with an HTML page (text/html) instead of JSON',
    ],
  ];

  it.each(drifts)('%s: named by its own sentence, exit 1, in text and in JSON', async (_name, injected, sentence) => {
    const text = await doctor(injected);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(sentence);
    expect(text.stdout).toContain('Result: PROBLEM: ');
    const json = await doctor(injected, ['--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { passed: boolean; findings: { observed: string; handled: boolean }[] };
    expect(report.passed).toBe(false);
    const named = report.findings.find((finding) => `${finding.observed}`.includes(sentence.replace(/^\w+: /, '')));
    expect(named?.handled).toBe(false);
  });

  it('a slow answer: named, handled, exit 0', async () => {
    // Slow means over 3000 ms; the server waits 10000 ms. The measured time cannot be below the injected delay.
    const result = await doctor([
      [
        { kind: 'latency', ms: 3300 },
        { operation: 'ServicesList', times: 1 },
      ],
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /\[~~\] Latency: slow answers: GET \/ServicesList \d+ ms \(slow means over 3000 ms\)/,
    );
  });

  it('a key the API rejects: exit 1, and the report says so', async () => {
    const result = await run(['doctor'], { CAPPI_API_KEY: 'canary-not-a-key-of-this-sandbox' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'Result: PROBLEM: the API could not be checked: Balance: the API key was rejected (HTTP 401',
    );
    expect(result.stdout).not.toContain('canary-not-a-key');
  });
});

describe('--check-api', () => {
  let stateDir: string;
  let server: Spawned | undefined;

  beforeAll(() => {
    stateDir = tempDir();
  });
  afterAll(async () => {
    await server?.close();
    removeDir(stateDir);
  });

  it('refuses to start, with the doctor verdict, when the API has drifted', async () => {
    sandbox.faults.inject({ kind: 'rate_as_string' }, { operation: 'ServicesList', times: 2 });
    const report = JSON.parse((await doctor([], ['--json'])).stdout) as { verdict: string };
    const result = await run(['--check-api', '--state-dir', stateDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(''); // stdout is the protocol: nothing was served
    expect(result.stderr).toContain(
      `refusing to start (--check-api): ${report.verdict}. Run \`cappi-reseller-mcp doctor\` for the full report.`,
    );
    expect(report.verdict).toContain('`rate` is a string in ');
    expect(leaks(result.stderr)).toBe(false);
  });

  it('CAPPI_CHECK_API=1 does the same', async () => {
    sandbox.faults.inject({ kind: 'login_redirect' }, { times: 4 });
    const result = await run(['--state-dir', stateDir], { CAPPI_CHECK_API: '1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refusing to start (--check-api): the API differs from what the toolkit expects');
    expect(leaks(result.stderr)).toBe(false);
  });

  it('starts and serves when the API is as the contract says', async () => {
    server = await spawnServer({ sandbox, stateDir, args: ['--check-api'] });
    const tools = await server.client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toContain('get_balance');
    expect(server.stderr()).toContain('API check passed (--check-api): the API behaves as the contract says');
    expect(leaks(server.stderr(), CANARY)).toBe(false);
  });
});
