// The open sessions of the HTTP server and the limits a stranger cannot exhaust: a cap per client address, per API
// key a session brought and in all. When a new session would pass one of them, the least recently used *idle*
// session within that limit is closed to make room (a stranger's churn evicts the stranger's own sessions first);
// only when every session within the limit is in the middle of a request is the new one refused, with a time to
// retry. Sessions not heard from for `idleMs` are closed by a sweep.

export interface SessionLimits {
  /** Open sessions in all. */
  maxSessions: number;
  /** Open sessions of one client address. */
  maxPerClient: number;
  /** Open sessions that brought the same API key (sessions on the configured key count per address and in all). */
  maxPerKey: number;
  /** A session with no request for this long is closed. */
  idleMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxSessions: 1_000,
  maxPerClient: 100,
  maxPerKey: 100,
  idleMs: 10 * 60_000,
};

/** What a refused session is told to wait before trying again: requests in progress end within a tool call. */
export const RETRY_AFTER_SECONDS = 10;

interface Entry<T> {
  value: T;
  /** The client address that opened it. */
  client: string;
  /** A hash of the API key it brought; undefined on the configured key. */
  key: string | undefined;
  lastSeen: number;
  /** Requests of this session in progress; a session with none is idle and may be evicted. */
  active: number;
}

export type Admission = { admitted: true } | { admitted: false; limit: string; retryAfterSeconds: number };

export interface SessionTable<T> {
  readonly size: number;
  get(id: string): T | undefined;
  values(): T[];
  /** Frees room for a new session of `client` (and `key`), evicting idle sessions; says which limit refused it. */
  admit(client: string, key: string | undefined): Admission;
  add(id: string, value: T, client: string, key: string | undefined): void;
  remove(id: string): void;
  /** Marks a request of the session as started; the returned function marks it ended. */
  enter(id: string): () => void;
  /** Closes the sessions idle for longer than the limit. */
  sweep(): void;
}

export function createSessionTable<T>(
  limits: SessionLimits,
  close: (value: T) => void,
  now: () => number = Date.now,
): SessionTable<T> {
  // A Map keeps insertion order; a session moves to the end whenever it is used, so the first idle one is the LRU.
  const entries = new Map<string, Entry<T>>();

  function touch(id: string, entry: Entry<T>): void {
    entry.lastSeen = now();
    entries.delete(id);
    entries.set(id, entry);
  }

  function evict(id: string, entry: Entry<T>): void {
    entries.delete(id);
    close(entry.value);
  }

  /** Makes room among the sessions `within` selects when they are `max` or more; false when all are active. */
  function makeRoom(within: (entry: Entry<T>) => boolean, max: number): boolean {
    let count = 0;
    let leastRecent: [string, Entry<T>] | undefined;
    for (const [id, entry] of entries) {
      if (!within(entry)) continue;
      count += 1;
      if (leastRecent === undefined && entry.active === 0) leastRecent = [id, entry];
    }
    if (count < max) return true;
    if (leastRecent === undefined) return false;
    evict(...leastRecent);
    return count - 1 < max || makeRoom(within, max);
  }

  return {
    get size() {
      return entries.size;
    },
    get(id) {
      return entries.get(id)?.value;
    },
    values() {
      return [...entries.values()].map((entry) => entry.value);
    },
    admit(client, key) {
      const checks: [string, (entry: Entry<T>) => boolean, number][] = [
        ['sessions of this client address', (entry) => entry.client === client, limits.maxPerClient],
        ...(key === undefined
          ? []
          : [['sessions of this API key', (entry: Entry<T>) => entry.key === key, limits.maxPerKey] as const]),
        ['sessions in all', () => true, limits.maxSessions],
      ] as [string, (entry: Entry<T>) => boolean, number][];
      for (const [limit, within, max] of checks) {
        if (!makeRoom(within, max)) return { admitted: false, limit, retryAfterSeconds: RETRY_AFTER_SECONDS };
      }
      return { admitted: true };
    },
    add(id, value, client, key) {
      entries.set(id, { value, client, key, lastSeen: now(), active: 0 });
    },
    remove(id) {
      entries.delete(id);
    },
    enter(id) {
      const entry = entries.get(id);
      if (entry === undefined) return () => undefined;
      entry.active += 1;
      touch(id, entry);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        entry.active -= 1;
        if (entries.get(id) === entry) touch(id, entry);
      };
    },
    sweep() {
      const cutoff = now() - limits.idleMs;
      for (const [id, entry] of entries) {
        if (entry.active === 0 && entry.lastSeen < cutoff) evict(id, entry);
      }
    },
  };
}
