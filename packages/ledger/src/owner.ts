// Who wrote a row. A 'sending' row whose writer is gone (crashed, killed) must become 'unknown' at the next start;
// one whose writer is alive and still waiting for the API's answer must be left alone. The owner id says which
// machine and which process: on this machine a dead pid, or a live pid that is another process (pids are reused:
// its start time differs), means gone; a row of another machine cannot be checked and is judged by its age.
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { LedgerRow } from '@cappi-reseller/core';

/** A send never takes this long (the client's own time limit is seconds): a 'sending' row this old is orphaned. */
export const DEFAULT_STALE_AFTER_MS = 10 * 60_000;

interface Owner {
  /** The machine: its name, boot and pid namespace (pids mean something only within one of each). */
  host: string;
  pid: number;
  /** When the process started, in clock ticks since boot (Linux), to tell it from a later process with its pid. */
  start: string;
  /** Random, per start of this module: tells two rows of one process from rows of another. */
  run: string;
}

let current: string | undefined;

/** This process's owner id, for the kernel's `owner` option: host, pid, start time and a random per-start id. */
export function ledgerOwner(): string {
  current ??= format({
    host: hostKey(),
    pid: process.pid,
    start: startTimeOf(process.pid) ?? '-',
    run: randomBytes(4).toString('hex'),
  });
  return current;
}

export interface OwnerCheckOptions {
  /** A row of a process that cannot be checked (another machine) counts as orphaned after this long, ms. */
  staleAfterMs?: number;
}

/**
 * Whether the process that wrote a 'sending' row is gone, so that the row can be marked 'unknown': its pid is not
 * alive on this machine, or is alive but is another process (pid reused), or, for a row from another machine (or
 * with an owner id not written by ledgerOwner), the row is older than `staleAfterMs`.
 */
export function isOwnerGone(
  row: Pick<LedgerRow, 'owner' | 'createdAt'>,
  now: number,
  options: OwnerCheckOptions = {},
): boolean {
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const stale = !(now - row.createdAt <= staleAfterMs);
  if (row.owner === ledgerOwner()) return false;
  const owner = parse(row.owner);
  if (owner === undefined || owner.host !== hostKey()) return stale;
  if (!isAlive(owner.pid)) return true;
  const start = startTimeOf(owner.pid);
  if (owner.start === '-' || start === undefined) return stale;
  return start !== owner.start;
}

/** isOwnerGone as recoverInterrupted's `isGone`. */
export function ownerGoneCheck(options: OwnerCheckOptions & { now?: () => number } = {}): (row: LedgerRow) => boolean {
  const now = options.now ?? Date.now;
  return (row) => isOwnerGone(row, now(), options);
}

function format(owner: Owner): string {
  return `host=${owner.host};pid=${owner.pid};start=${owner.start};run=${owner.run}`;
}

function parse(text: string): Owner | undefined {
  const match = /^host=([^;]+);pid=(\d+);start=(\d+|-);run=([0-9a-f]+)$/.exec(text);
  if (match === null) return undefined;
  const [, host, pid, start, run] = match as unknown as [string, string, string, string, string];
  return { host, pid: Number(pid), start, run };
}

let host: string | undefined;

/** The machine as far as pids go: its name, the id of this boot, and the pid namespace (a container's own). */
function hostKey(): string {
  host ??= [hostname().replaceAll(/[;=]/g, '_'), readOr('/proc/sys/kernel/random/boot_id'), pidNamespace()].join('/');
  return host;
}

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().slice(0, 8);
  } catch {
    return '-';
  }
}

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
  } catch {
    return '-';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (start time in ticks since boot); undefined where there is no /proc. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}
