import type { ResellerClient } from './client.js';
import { AbortedError } from './domain/errors.js';
import type { Service } from './domain/types.js';

/** How long the catalog is kept (`ttlMs`, default 5 minutes) and the clock it is measured with. */
export interface CatalogCacheOptions {
  /** How long a fetched catalog is used before it is fetched again, in ms. Default 300 000 (5 minutes). */
  ttlMs?: number;
  /** The clock, in ms. Default Date.now. */
  now?: () => number;
}

/** The catalog kept in memory: one fetch at a time, shared by concurrent callers; a failure is not kept. */
export interface CatalogCache {
  /** The catalog, fetched at most once per ttlMs; concurrent callers share one fetch. */
  get(options?: { signal?: AbortSignal }): Promise<Service[]>;
  getService(serviceId: number, options?: { signal?: AbortSignal }): Promise<Service | undefined>;
  /**
   * Fetches the catalog now, whatever the cached copy's age, and keeps it: for the final price check of an order,
   * which must see a rate that changed a moment ago.
   */
  refresh(options?: { signal?: AbortSignal }): Promise<Service[]>;
  /** Forgets the catalog: the next get() fetches it again. */
  invalidate(): void;
}

/** Keeps the catalog (thousands of services) in memory, so quoting and searching do not download it each time. */
export function createCatalogCache(
  client: Pick<ResellerClient, 'listServices'>,
  options: CatalogCacheOptions = {},
): CatalogCache {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  let cached: { services: Service[]; byId: Map<number, Service>; fetchedAt: number } | undefined;
  let inFlight: Promise<NonNullable<typeof cached>> | undefined;
  // Bumped by invalidate(), so a fetch that started before it does not fill the cache afterwards.
  let generation = 0;

  function load(fresh = false): Promise<NonNullable<typeof cached>> {
    if (!fresh && cached !== undefined && now() - cached.fetchedAt < ttlMs) return Promise.resolve(cached);
    if (fresh) generation += 1; // a fetch that started earlier may hold the old rates: neither kept nor shared
    if (fresh || inFlight === undefined) {
      const startedIn = generation;
      const fetching = client.listServices().then((services) => {
        const entry = { services, byId: new Map(services.map((s) => [s.service, s])), fetchedAt: now() };
        if (startedIn === generation) cached = entry;
        return entry;
      });
      inFlight = fetching;
      const clear = () => {
        if (inFlight === fetching) inFlight = undefined;
      };
      fetching.then(clear, clear);
    }
    return inFlight;
  }

  return {
    async get(getOptions = {}) {
      return (await untilAborted(load(), getOptions.signal)).services;
    },
    async getService(serviceId, getOptions = {}) {
      return (await untilAborted(load(), getOptions.signal)).byId.get(serviceId);
    },
    async refresh(refreshOptions = {}) {
      return (await untilAborted(load(true), refreshOptions.signal)).services;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
      inFlight = undefined;
    },
  };
}

/**
 * The shared fetch is not tied to one caller's signal (aborting it would fail the others); each caller stops
 * waiting on its own signal instead.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  const canceled = () =>
    new AbortedError('loading the catalog was canceled by the caller', { operation: 'ServicesList' });
  if (signal.aborted) return Promise.reject(canceled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
