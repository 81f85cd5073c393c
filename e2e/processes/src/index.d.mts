import type { ChildProcess, SpawnOptions } from 'node:child_process';

export function spawnInGroup(command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
export function groupAlive(pgid: number): boolean;
export function killGroup(pgid: number, graceMs?: number): Promise<void>;
export function killAllGroups(graceMs?: number): Promise<void>;

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Deadline for the whole command; its group is killed after it. Default 120 s. */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL. Default 5 s. */
  graceMs?: number;
  /** Resolve on a non-zero exit instead of rejecting. */
  allowFailure?: boolean;
  /** Written to its standard input, which is then closed. */
  input?: string;
  /**
   * Its standard output goes to this file (read back into `stdout`) instead of a pipe: a program that prints a lot
   * and then calls process.exit() loses what a pipe had not taken yet.
   */
  stdoutFile?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runInGroup(command: string, args?: readonly string[], options?: RunOptions): Promise<RunResult>;
