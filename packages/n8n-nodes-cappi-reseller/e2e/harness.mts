// Drives a real n8n from the outside: a fresh user folder per run, the packed package installed in it as a
// community package, and n8n's own CLI (import, execute, publish, start). Nothing here imports n8n code.
import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killGroup, runInGroup, spawnInGroup } from '@cappi-reseller/test-processes';
import { n8nBin } from './ensure-n8n.mjs';

const started = Date.now();

export function log(message: string): void {
  process.stderr.write(`[e2e +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}\n`);
}

export interface N8nHome {
  name: string;
  userFolder: string;
  n8nDir: string;
  env: NodeJS.ProcessEnv;
  port: number;
  /** Everything n8n printed, kept to check that the API key never appears in it. */
  output: string[];
}

export interface CommandResult {
  code: number | null;
  /** The signal that ended the command, when one did (code is then null). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject()));
    });
  });
}

/**
 * A user folder with the package installed as n8n installs community packages: unpacked (from the tarball
 * npm would publish) into .n8n/nodes/node_modules, and listed in .n8n/nodes/package.json.
 */
export async function createHome(root: string, name: string, n8nDir: string, tarball: string): Promise<N8nHome> {
  const userFolder = join(root, name);
  const packageDir = join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-cappi-reseller');
  mkdirSync(packageDir, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  writeFileSync(
    join(userFolder, '.n8n', 'nodes', 'package.json'),
    `${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { 'n8n-nodes-cappi-reseller': '*' } }, null, 2)}\n`,
  );
  return { name, userFolder, n8nDir, env: await envFor(userFolder), port: 0, output: [] };
}

/** A second user folder holding a copy of another's (same database, same encryption key), with its own ports. */
export async function cloneHome(from: N8nHome, root: string, name: string): Promise<N8nHome> {
  const userFolder = join(root, name);
  cpSync(from.userFolder, userFolder, { recursive: true });
  return { ...from, name, userFolder, env: await envFor(userFolder), output: [] };
}

async function envFor(userFolder: string): Promise<NodeJS.ProcessEnv> {
  const env: NodeJS.ProcessEnv = {};
  // Only what n8n needs from outside; no N8N_* of the caller leaks in.
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return {
    ...env,
    N8N_USER_FOLDER: userFolder,
    N8N_PORT: String(await freePort()),
    N8N_LISTEN_ADDRESS: '127.0.0.1',
    N8N_RUNNERS_BROKER_PORT: String(await freePort()),
    N8N_DIAGNOSTICS_ENABLED: 'false',
    N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
    N8N_TEMPLATES_ENABLED: 'false',
    N8N_PERSONALIZATION_ENABLED: 'false',
    // No task runner process: only the Code node needs one, and none of these workflows has one.
    N8N_RUNNERS_ENABLED: 'false',
    N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
    EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
    EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
  };
}

let commandsRun = 0;

/** How long one n8n CLI command may take (1,000 orders in one execution included, on a busy machine). */
const N8N_COMMAND_TIMEOUT_MS = 8 * 60_000;

/**
 * Runs an n8n CLI command to completion with the Node running this test (n8n 2.41 needs Node >= 24), in a process
 * group of its own: killed at its deadline, and with the test run whatever happens (`import:credentials` once
 * outlived its test, ignoring SIGTERM).
 */
export async function n8n(home: N8nHome, args: string[]): Promise<CommandResult> {
  const t0 = Date.now();
  commandsRun += 1;
  const result = await run(process.execPath, [n8nBin(home.n8nDir), ...args], {
    env: home.env,
    allowFailure: true,
    timeoutMs: N8N_COMMAND_TIMEOUT_MS,
    // n8n prints a run's JSON (1,000 items: megabytes) and exits: through a pipe, a busy machine lost its end.
    // A file per command: two commands may run at once.
    stdoutFile: join(home.userFolder, '..', `${home.name}-stdout-${commandsRun}.txt`),
  });
  home.output.push(result.stdout, result.stderr);
  const ended = result.code ?? `by ${result.signal}`;
  log(`[${home.name}] n8n ${args.join(' ')} -> exit ${ended} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (result.code === null)
    log(`[${home.name}] the end of its output:\n${`${result.stdout}\n${result.stderr}`.slice(-2000)}`);
  return result;
}

/** A command to completion, in a process group of its own that is killed at the deadline (default 5 min). */
export async function run(
  command: string,
  args: string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    allowFailure?: boolean;
    timeoutMs?: number;
    stdoutFile?: string;
  } = {},
): Promise<CommandResult> {
  const { code, signal, stdout, stderr } = await runInGroup(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    allowFailure: options.allowFailure,
    timeoutMs: options.timeoutMs ?? 5 * 60_000,
    graceMs: 10_000,
    ...(options.stdoutFile === undefined ? {} : { stdoutFile: options.stdoutFile }),
  });
  return { code, signal, stdout, stderr };
}

/** The run that `n8n execute` prints (after "Execution was successful" or "Execution error"), parsed. */
export function parseRun(output: string): Run {
  const start = output.search(/^\{\s*$/m);
  if (start < 0) throw new Error(`no execution JSON in the output of n8n execute:\n${output.slice(-3000)}`);
  return JSON.parse(output.slice(start, endOfJsonObject(output, start))) as Run;
}

function endOfJsonObject(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return i + 1;
  }
  throw new Error('unterminated execution JSON in the output of n8n execute');
}

export interface Item {
  json: Record<string, unknown>;
  pairedItem?: { item: number; input?: number } | { item: number }[];
  error?: unknown;
}

export interface Run {
  status: string;
  data: {
    resultData: {
      error?: { message: string; description?: string; name: string; node?: { name: string } };
      runData: Record<string, { data?: { main: (Item[] | null)[] }; error?: unknown }[]>;
    };
  };
}

/** The items a node put on its first output, in its `runIndex`-th run. */
export function outputOf(runResult: Run, node: string, runIndex = 0): Item[] {
  const runs = runResult.data.resultData.runData[node];
  if (runs === undefined) throw new Error(`node "${node}" did not run`);
  return runs[runIndex]?.data?.main[0] ?? [];
}

/** A long-running n8n process (`n8n start`, `n8n worker`), running until stop() is called. */
export interface N8nProcess {
  /** Where everything it printed goes (kept in the user folder: read it when something misbehaves). */
  logFile: string;
  /** What it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** `n8n start`, running until stop() is called. */
export interface N8nServer extends N8nProcess {
  url: string;
}

/** `n8n start` takes 10-30 s to be ready; a busy machine may take several times that. */
const START_TIMEOUT_MS = 4 * 60_000;

export async function startServer(home: N8nHome): Promise<N8nServer> {
  const started = await startN8nProcess(home, ['start'], 'Editor is now accessible', 'n8n-start.log');
  return { ...started, url: `http://127.0.0.1:${home.env.N8N_PORT}` };
}

/** `n8n worker` (queue mode): ready once it takes jobs from the queue, which it says in this line. */
export async function startWorker(home: N8nHome, concurrency: number): Promise<N8nProcess> {
  return await startN8nProcess(
    home,
    ['worker', `--concurrency=${concurrency}`],
    'n8n worker is now ready',
    'n8n-worker.log',
  );
}

/**
 * Starts an n8n command in a process group of its own and resolves once it prints `readyText`; rejects (with the
 * group killed) when it exits first or is not ready within START_TIMEOUT_MS.
 */
async function startN8nProcess(home: N8nHome, args: string[], readyText: string, logName: string): Promise<N8nProcess> {
  const t0 = Date.now();
  const what = `n8n ${args.join(' ')}`;
  const child = spawnInGroup(process.execPath, [n8nBin(home.n8nDir), ...args], {
    env: home.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Kept in the user folder: read it when n8n misbehaves (CAPPI_E2E_KEEP=1 keeps the folder).
  const logFile = join(home.userFolder, logName);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      appendFileSync(logFile, chunk);
      if (output.includes(readyText)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`${what} exited with ${code} before it was ready:\n${output.slice(-3000)}`)),
    );
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} was not ready within ${START_TIMEOUT_MS / 1000} s:\n${output.slice(-3000)}`)),
      START_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([ready, deadline]);
  } catch (error) {
    if (child.pid !== undefined) await killGroup(child.pid, 10_000);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  log(`[${home.name}] ${what}: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (output in ${logFile})`);
  return {
    logFile,
    output: () => output,
    async stop() {
      // n8n and whatever it started (its task runner): SIGTERM, SIGKILL after 30 s.
      if (child.pid !== undefined) await killGroup(child.pid, 30_000);
      await exited;
      home.output.push(output);
      log(`[${home.name}] ${what}: stopped`);
    },
  };
}

/** Polls `condition` until it holds, or fails after `timeoutMs` with `what`. */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
