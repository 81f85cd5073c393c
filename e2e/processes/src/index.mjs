// Child processes for tests: each one leads a process group of its own, and every group is killed at the end,
// whatever happens.
//
// Why: a test that times out or throws leaves what it started running. In one CI run an
// `n8n import:credentials` outlived its test (its input folder already deleted) and ignored SIGTERM. A process
// started here is the leader of a new process group (`detached`), so whatever it starts in turn (npm's scripts,
// n8n's task runner) goes with it: SIGTERM to the whole group, then SIGKILL after a grace. Groups still alive are
// killed by killAllGroups() (call it in afterAll), with SIGKILL when this process exits or is told to stop, and by
// the vitest global setup's teardown (./global-setup.mjs) if the worker itself was killed.
//
// A group id is its leader's pid, and pids are reused (this project's machines wrap at 32768): once a group is gone,
// its id may name another program's group. So each group is remembered with its leader's start time, and is only
// signalled while no other process holds that pid (ownsGroup).
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Process group ids (the leader's pid) started here and not yet known to be gone, with the leader's start time. */
const groups = new Map();

/** Where the global setup's teardown finds the groups of every worker (set by ./global-setup.mjs). */
const REGISTRY_ENV = 'CAPPI_TEST_PROCESS_GROUPS';

/** `child_process.spawn`, with the child leading a new process group that is killed at the end. */
export function spawnInGroup(command, args = [], options = {}) {
  const child = spawn(command, args, { ...options, detached: true });
  const pgid = child.pid;
  if (pgid !== undefined) {
    register(pgid);
    // Forgotten as soon as the whole group is gone, before its id can be given to anyone else.
    child.once('exit', () => {
      if (!groupAlive(pgid)) unregister(pgid);
    });
  }
  return child;
}

/**
 * When a process started, in clock ticks since boot (/proc/<pid>/stat, field 22); undefined where there is no such
 * process (or no /proc). Two processes with one pid never have the same start time.
 */
export function startTimeOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the group `pgid` is still the one started at `startTime`: its leader is that very process, or the leader
 * has gone and nobody else holds its pid (while a group has members, its id is not reused).
 */
export function ownsGroup(pgid, startTime) {
  const now = startTimeOf(pgid);
  return now === undefined || startTime === undefined || now === startTime;
}

function register(pgid) {
  const startTime = startTimeOf(pgid);
  groups.set(pgid, startTime);
  installExitHooks();
  const registry = process.env[REGISTRY_ENV];
  if (registry) {
    mkdirSync(registry, { recursive: true });
    writeFileSync(join(registry, String(pgid)), `${startTime ?? ''}\n`);
  }
}

function unregister(pgid) {
  groups.delete(pgid);
  const registry = process.env[REGISTRY_ENV];
  if (registry) rmSync(join(registry, String(pgid)), { force: true });
}

/** Whether any process of the group still exists. */
export function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // Already gone.
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitGone(pgid, ms) {
  const deadline = Date.now() + ms;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(25);
  return !groupAlive(pgid);
}

/** SIGTERM to the whole group, SIGKILL after `graceMs` if any of it is still there. Resolves once it is gone. */
export async function killGroup(pgid, graceMs = 5000) {
  // Forgotten groups are gone (see spawnInGroup): their id may already be someone else's.
  if (!groups.has(pgid)) return;
  if (!ownsGroup(pgid, groups.get(pgid))) {
    // The id now names another program's group: ours is long gone.
    unregister(pgid);
    return;
  }
  if (groupAlive(pgid)) {
    signalGroup(pgid, 'SIGTERM');
    if (!(await waitGone(pgid, graceMs))) {
      signalGroup(pgid, 'SIGKILL');
      await waitGone(pgid, 10_000);
    }
  }
  unregister(pgid);
}

/** Kills every group started by this process that is still alive (SIGTERM, then SIGKILL after `graceMs`). */
export async function killAllGroups(graceMs = 5000) {
  await Promise.all([...groups.keys()].map((pgid) => killGroup(pgid, graceMs)));
}

let hooksInstalled = false;
function installExitHooks() {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // No time for a grace here: 'exit' handlers must be synchronous.
  const killOwned = () => {
    for (const [pgid, startTime] of groups) if (ownsGroup(pgid, startTime)) signalGroup(pgid, 'SIGKILL');
  };
  process.on('exit', killOwned);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      killOwned();
      // Nobody else handles the signal: end as it would have without this hook.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/**
 * Runs a command to completion in a group of its own, with a deadline. Resolves with its exit code and output;
 * rejects when it cannot start, exits non-zero (unless `allowFailure`), or outlives `timeoutMs` (its group is
 * then killed, and the error says so, with the end of its output). The group is killed after it exits too, so
 * nothing it left behind survives it.
 */
export function runInGroup(command, args = [], options = {}) {
  const { timeoutMs = 120_000, graceMs = 5000, allowFailure = false, input, stdoutFile, ...spawnOptions } = options;
  const line = `${command} ${args.join(' ')}`.replace(/\s+/g, ' ');
  const describe = line.length > 200 ? `${line.slice(0, 200)}...` : line;
  return new Promise((resolve, reject) => {
    // A program that prints a lot and then calls process.exit() loses what a pipe had not taken yet; writes to a
    // file are synchronous, so with stdoutFile nothing it printed is lost.
    const stdoutFd = stdoutFile === undefined ? undefined : openSync(stdoutFile, 'w');
    const child = spawnInGroup(command, args, {
      ...spawnOptions,
      stdio: [input === undefined ? 'ignore' : 'pipe', stdoutFd ?? 'pipe', 'pipe'],
    });
    if (stdoutFd !== undefined) closeSync(stdoutFd);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout?.on('data', (chunk) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
    });
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) void killGroup(child.pid, graceMs);
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const done = child.pid === undefined ? Promise.resolve() : killGroup(child.pid, graceMs);
      void done.then(() => {
        if (stdoutFile !== undefined) stdout = readFileSync(stdoutFile, 'utf8');
        const tail = `${stdout.slice(-1500)}\n${stderr.slice(-1500)}`.trim();
        if (timedOut) {
          reject(
            new Error(`${describe} did not finish within ${timeoutMs / 1000} s; its process group was killed\n${tail}`),
          );
        } else if (code !== 0 && !allowFailure) {
          reject(new Error(`${describe} exited with ${code ?? signal}\n${tail}`));
        } else {
          resolve({ code, signal, stdout, stderr });
        }
      });
    });
  });
}
