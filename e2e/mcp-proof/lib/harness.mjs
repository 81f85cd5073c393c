// Drives the built MCP server (apps/mcp-server/bin) the way an AI client does: a spawned process and the SDK's
// Client, over stdio or Streamable HTTP, against a sandbox the caller started. Plain ESM, shared by the tests
// (e2e/mcp-proof/src) and the benchmarks (bench/mcp-*.bench.mjs), which import it by relative path so that the
// SDK resolves from this package's dependencies.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawnInGroup } from '@cappi-reseller/test-processes';
import { GroupStdioClientTransport } from '@cappi-reseller/test-processes/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const require = createRequire(import.meta.url);

/** The bin of the built server, as npm would run it. */
export const BIN = join(
  dirname(require.resolve('@cappi-reseller/mcp-server/package.json')),
  'bin/cappi-reseller-mcp.js',
);

/**
 * A recognisable API key for canary checks. Its random token is plain hex, so it survives every encoding a URL can
 * give it: finding the token anywhere means the key leaked, whatever form it took. The rest needs URL-encoding, so
 * the encoded forms differ from the raw one.
 */
export function makeCanaryKey() {
  const token = randomBytes(12).toString('hex');
  return { key: `canary-${token}/+=ü &x`, token };
}

/**
 * A canary key that a session may bring in the X-Cappi-Api-Key header: the server refuses a header key with
 * characters no API key has (core's apiKeyProblem), so this one keeps to those it allows, `/`, `+` and `=` included
 * (they still change when URL- or form-encoded).
 */
export function makeHeaderCanaryKey() {
  const token = randomBytes(12).toString('hex');
  return { key: `canary-${token}/+=~.x`, token };
}

/** Every form of the key to look for: raw, URL-encoded (either case), form-encoded, and the bare token. */
/**
 * @param {string} key
 * @param {string} token
 * @returns {string[]}
 */
export function keyForms(key, token) {
  return [
    key,
    encodeURIComponent(key),
    encodeURIComponent(key).toLowerCase(),
    new URLSearchParams({ k: key }).toString().slice(2),
    token,
  ];
}

export function tempDir(prefix = 'cappi-mcp-proof-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The raw bytes of the ledger database the server wrote in stateDir (SQLite file and its write-ahead log), as text
 * for canary scans ('' when there is none). Rows are read with readLedger (apps/mcp-server/test/helpers.ts).
 */
export function ledgerText(stateDir) {
  const path = join(stateDir, 'ledger.sqlite');
  return [path, `${path}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n');
}

/** Resident set size of a process, in KiB, read from /proc (Linux). */
/** @param {number} pid */
export function rssKb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

let clockTicks;
/**
 * CPU time (user + system) a process has used so far, in seconds, read from /proc (Linux).
 * @param {number} pid
 */
export function cpuSeconds(pid) {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces, inside parentheses): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** @param {number} pid */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Spawns the server over stdio and connects an SDK client to it.
 * @param {{ baseUrl: string, apiKey: string, args?: string[], env?: Record<string, string>, stateDir?: string,
 *   elicit?: (message: string) => import('@modelcontextprotocol/sdk/types.js').ElicitResult }} options
 */
export async function spawnStdio(options) {
  const stateDir = options.stateDir ?? tempDir();
  const ownsStateDir = options.stateDir === undefined;
  // In a process group of its own, killed when the client closes or the test process ends.
  const transport = new GroupStdioClientTransport({
    command: process.execPath,
    args: [BIN, ...(options.args ?? [])],
    env: {
      PATH: process.env.PATH ?? '',
      CAPPI_API_KEY: options.apiKey,
      CAPPI_BASE_URL: options.baseUrl,
      CAPPI_STATE_DIR: stateDir,
      ...options.env,
    },
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client(
    { name: 'cappi-mcp-proof', version: '1.0.0' },
    { capabilities: options.elicit ? { elicitation: { form: {} } } : {} },
  );
  if (options.elicit) {
    const answer = options.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (request) => answer(request.params.message));
  }
  await client.connect(transport);
  const pid = transport.pid;
  if (pid === null) throw new Error('the server did not start');
  return {
    client,
    pid,
    stateDir,
    stderr: () => stderr,
    ledger: () => ledgerText(stateDir),
    async close() {
      await client.close();
      if (ownsStateDir) removeDir(stateDir);
    },
  };
}

/**
 * Spawns the server with --http on a free loopback port; resolves once it listens.
 * @param {{ baseUrl: string, apiKey?: string, args?: string[], env?: Record<string, string>, stateDir?: string }} options
 */
export async function spawnHttp(options) {
  const stateDir = options.stateDir ?? tempDir();
  const ownsStateDir = options.stateDir === undefined;
  const child = spawnInGroup(process.execPath, [BIN, '--http', '--port', '0', ...(options.args ?? [])], {
    env: {
      PATH: process.env.PATH ?? '',
      ...(options.apiKey === undefined ? {} : { CAPPI_API_KEY: options.apiKey }),
      CAPPI_BASE_URL: options.baseUrl,
      CAPPI_STATE_DIR: stateDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk.toString('utf8');
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the HTTP server did not start: ${stderr}`)), 20_000);
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the HTTP server exited (${code}): ${stderr}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the HTTP server has no process id');
  return {
    url,
    pid,
    stateDir,
    stderr: () => stderr,
    stdout: () => stdout,
    ledger: () => ledgerText(stateDir),
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      if (ownsStateDir) removeDir(stateDir);
    },
  };
}

/**
 * Opens one MCP session over Streamable HTTP (initialize, then the client's GET stream).
 * @param {string} url
 * @param {{ headers?: Record<string, string> }} [options]
 */
export async function connectHttp(url, options = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: options.headers ?? {} },
  });
  const client = new Client({ name: 'cappi-mcp-proof', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    transport,
    sessionId: transport.sessionId,
    /** Ends the session the way a well-behaved client does: DELETE, then close the transport. */
    async close() {
      await transport.terminateSession();
      await client.close();
    },
  };
}

/**
 * Runs task(i) for i in [0, count) with at most `concurrency` at a time; resolves with the results in order.
 * @template T
 * @param {number} count
 * @param {number} concurrency
 * @param {(index: number) => Promise<T>} task
 * @returns {Promise<T[]>}
 */
export async function pool(count, concurrency, task) {
  const results = new Array(count);
  let next = 0;
  async function worker() {
    while (next < count) {
      const index = next;
      next += 1;
      results[index] = await task(index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/**
 * The value below which a share p (0..1) of the sorted samples fall (nearest rank).
 * @param {number[]} sorted
 * @param {number} p
 * @returns {number}
 */
export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank];
}

/**
 * { n, p50, p99, mean } of durations in ms.
 * @param {number[]} samples
 */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean };
}

/** @param {number} value */
export function ms(value) {
  return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

/** @param {number} milliseconds */
export function sleep(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * The text of a tool result's first content block.
 * @param {{ content?: unknown[] } | undefined} result
 * @returns {string}
 */
export function textOf(result) {
  const first = result?.content?.[0];
  return first?.type === 'text' ? first.text : '';
}
