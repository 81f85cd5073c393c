// Processes started by the tests: each in a process group of its own, killed (the whole group) at the end whatever
// happened, so nothing outlives a failing test.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CANARY_KEY } from './support.js';

export const PLACE_ORDERS = fileURLToPath(new URL('./fixtures/place-orders.mjs', import.meta.url));

const running = new Set<ChildProcess>();

export interface Started {
  child: ChildProcess;
  /** What it printed on stdout so far. */
  output(): string;
  /** Resolves when it exits: its stdout lines, its stderr and its exit code. */
  done: Promise<{ lines: string[]; stderr: string; code: number | null }>;
}

export interface StartOptions {
  /** Run as this user (tests running as root use an unprivileged user to meet permissions). */
  uid?: number;
  /** A shell prefix, e.g. a ulimit; the command is exec'd after it. */
  shellPrefix?: string;
  cwd?: string;
}

/** Starts place-orders.mjs. */
export function startPlacer(location: string, sandboxUrl: string, job: unknown, options: StartOptions = {}): Started {
  const args = [PLACE_ORDERS, location, sandboxUrl, JSON.stringify(job)];
  const env = { PATH: process.env.PATH ?? '', CAPPI_TEST_KEY: CANARY_KEY };
  const common = {
    detached: true, // a process group of its own
    stdio: ['pipe', 'pipe', 'pipe'] as ['pipe', 'pipe', 'pipe'],
    env,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  };
  const child =
    options.shellPrefix === undefined
      ? spawn(process.execPath, args, common)
      : spawn('/bin/sh', ['-c', `${options.shellPrefix}; exec "$0" "$@"`, process.execPath, ...args], common);
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = once(child, 'close').then(([code]) => {
    running.delete(child);
    return { lines: stdout.split('\n').filter((line) => line !== ''), stderr, code: code as number | null };
  });
  return { child, done, output: () => stdout };
}

/** Resolves once the child printed `line`. */
export async function waitForLine(started: Started, line: string): Promise<void> {
  const stdout = started.child.stdout;
  if (stdout === null) throw new Error('no stdout');
  await new Promise<void>((resolve, reject) => {
    if (started.output().split('\n').includes(line)) return resolve();
    const onData = () => {
      if (started.output().split('\n').includes(line)) {
        stdout.off('data', onData);
        resolve();
      }
    };
    stdout.on('data', onData);
    started.child.once('exit', (code) => reject(new Error(`the child exited (${code}) before printing ${line}`)));
  });
}

/** Kills every process group still running. */
export function killAll(): void {
  for (const child of running) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

/** The user tests run as when they must meet file permissions: nobody when root, else themselves. */
export function unprivilegedUid(): number | undefined {
  return process.getuid?.() === 0 ? 65534 : undefined;
}
