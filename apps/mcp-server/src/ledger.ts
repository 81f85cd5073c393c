// The local ledger: one JSON line per order the server sent, appended and fsynced before the tool
// answers, so a client that disconnects loses nothing. It is also the memory of the spending guard:
// today's spend and recent identical orders are read back from it, so a restart resets neither.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LedgerEntry {
  /** ISO time the order was sent. */
  time: string;
  /** A fingerprint of the API key (not the key): budgets are per account. */
  account: string;
  /** `unknown`: the request may have reached the API but no answer came back. */
  outcome: 'placed' | 'unknown';
  orderId: number | null;
  serviceId: number;
  serviceName: string;
  link: string;
  quantity: number;
  /** The quoted price in USD: what the order costs or may have cost. */
  charge: number;
  currency: string;
  sandbox?: true;
}

export interface Ledger {
  readonly path: string;
  /** Throws when the ledger cannot be written: checked before an order is sent, not after. */
  assertWritable(): void;
  append(entry: LedgerEntry): void;
  entries(): LedgerEntry[];
  /**
   * Runs `task` holding the ledger's lock, which every server process using this ledger takes: one order at a time
   * (check the budget, send, record), even when an AI client runs several servers on one ledger.
   */
  exclusive<T>(task: () => Promise<T>): Promise<T>;
}

/** How long an order waits for another process's order to finish: longer than one order's request takes. */
export const LOCK_WAIT_MS = 20_000;
// A lock not refreshed for this long belongs to a process that died; it is taken over.
const LOCK_STALE_MS = 15_000;

/** A short, stable, one-way fingerprint of an API key, safe to write down. */
export function accountOf(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex').slice(0, 12);
}

export function utcDay(time: number | string): string {
  return new Date(time).toISOString().slice(0, 10);
}

export interface LedgerOptions {
  /** Told when the lock was lost while held (its file removed or not refreshed in time). */
  onLockLost?: (reason: string) => void;
  lockWaitMs?: number;
}

export function openLedger(path: string, options: LedgerOptions = {}): Ledger {
  const { onLockLost = () => undefined, lockWaitMs = LOCK_WAIT_MS } = options;
  // The folder is made with the first order, so a server that never orders leaves nothing behind.
  const open = () => {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return openSync(path, 'a', 0o600);
  };
  return {
    path,
    assertWritable() {
      closeSync(open());
    },
    append(entry) {
      const fd = open();
      try {
        writeSync(fd, `${JSON.stringify(entry)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
    async exclusive(task) {
      let release: () => Promise<void>;
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        // Loaded with the first order, not at start: AI clients spawn the server often and most sessions only read.
        // A CommonJS module: its exports are the default export once bundled.
        const { default: lockfile } = await import('proper-lockfile');
        release = await lockfile.lock(path, {
          realpath: false, // the ledger file itself may not exist yet
          lockfilePath: `${path}.lock`,
          stale: LOCK_STALE_MS,
          retries: { retries: Math.ceil(lockWaitMs / 250), factor: 1, minTimeout: 250, maxTimeout: 250 },
          // The default throws from a timer and would crash the server; the order in flight still completes.
          onCompromised: (error) => onLockLost(error.message),
        });
      } catch (error) {
        const { code, message } = error as { code?: unknown; message?: unknown };
        throw new LedgerLockError(
          code === 'ELOCKED'
            ? `another server process using the order ledger ${path} did not finish its order within ${lockWaitMs / 1000} s; try again in a moment`
            : `the lock of the order ledger (${path}.lock) cannot be taken (${String(message)}); ask the operator to fix it or set --ledger`,
        );
      }
      try {
        return await task();
      } finally {
        await release().catch(() => undefined);
      }
    },
    entries() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        // Without the ledger the budget and the duplicate check are unknown: nothing may be ordered.
        throw new Error(`the order ledger ${path} cannot be read (${(error as Error).message})`);
      }
      const entries: LedgerEntry[] = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        try {
          entries.push(JSON.parse(line) as LedgerEntry);
        } catch {
          // A torn last line (power loss mid-write) is skipped; every complete line still counts.
        }
      }
      return entries;
    },
  };
}

/** The ledger's lock could not be taken (held by another process past the wait, or unusable): nothing was sent. */
export class LedgerLockError extends Error {
  override name = 'LedgerLockError';
}

/** What the account spent on the UTC day of `now`, unknown outcomes included at their quoted price. */
export function spentToday(entries: readonly LedgerEntry[], account: string, now: number): number {
  const today = utcDay(now);
  let cents = 0;
  for (const entry of entries) {
    if (entry.account === account && utcDay(entry.time) === today) cents += Math.round(entry.charge * 100);
  }
  return cents / 100;
}

/** The most recent identical order (same service, link, quantity) within the window, if any. */
export function recentIdentical(
  entries: readonly LedgerEntry[],
  account: string,
  order: { serviceId: number; link: string; quantity: number },
  now: number,
  windowMs: number,
): LedgerEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry === undefined) continue;
    if (now - Date.parse(entry.time) > windowMs) continue;
    if (
      entry.account === account &&
      entry.serviceId === order.serviceId &&
      entry.link === order.link &&
      entry.quantity === order.quantity
    ) {
      return entry;
    }
  }
  return undefined;
}
