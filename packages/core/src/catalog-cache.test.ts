import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogCache } from './catalog-cache.js';
import { createResellerClient, type ResellerClient } from './client.js';
import { AbortedError, ServerError } from './domain/errors.js';

let sandbox: Sandbox;
let client: ResellerClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, validateResponses: true, services: 300 });
  client = createResellerClient({ apiKey: sandbox.key, baseUrl: sandbox.url, retries: 0 });
});

afterAll(() => sandbox.stop());

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('createCatalogCache', () => {
  it('fetches once per ttl, then again', async () => {
    const clock = fakeClock();
    const cache = createCatalogCache(client, { ttlMs: 1000, now: clock.now });
    const before = sandbox.requests('ServicesList');

    const first = await cache.get();
    expect(first).toEqual(sandbox.catalog());
    clock.advance(999);
    expect(await cache.get()).toBe(first);
    expect(sandbox.requests('ServicesList')).toBe(before + 1);

    clock.advance(1);
    await cache.get();
    expect(sandbox.requests('ServicesList')).toBe(before + 2);
  });

  it('refresh() fetches now, within the ttl, and serves the new rates from then on', async () => {
    const cache = createCatalogCache(client, { ttlMs: 3_600_000 });
    const first = await cache.get();
    const target = first.find((service) => service.rate !== undefined) as (typeof first)[number];
    const original = sandbox.catalog();
    try {
      sandbox.setCatalog(
        original.map((service) =>
          service.service === target.service ? { ...service, rate: (service.rate ?? 0) * 10 } : service,
        ),
      );
      expect((await cache.get()).find((s) => s.service === target.service)?.rate).toBe(target.rate); // cached
      const before = sandbox.requests('ServicesList');
      const fresh = await cache.refresh();
      expect(sandbox.requests('ServicesList')).toBe(before + 1);
      expect(fresh.find((s) => s.service === target.service)?.rate).toBe((target.rate ?? 0) * 10);
      expect((await cache.getService(target.service))?.rate).toBe((target.rate ?? 0) * 10);
    } finally {
      sandbox.setCatalog(original);
    }
  });

  it('shares one fetch between concurrent callers', async () => {
    const cache = createCatalogCache(client);
    const before = sandbox.requests('ServicesList');
    const [a, b, service] = await Promise.all([
      cache.get(),
      cache.get(),
      cache.getService(sandbox.catalog()[5]?.service ?? 0),
    ]);
    expect(a).toBe(b);
    expect(service).toEqual(sandbox.catalog()[5]);
    expect(sandbox.requests('ServicesList')).toBe(before + 1);
    expect(await cache.getService(1)).toBeUndefined();
  });

  it('fetches again after invalidate()', async () => {
    const cache = createCatalogCache(client);
    const before = sandbox.requests('ServicesList');
    await cache.get();
    cache.invalidate();
    await cache.get();
    expect(sandbox.requests('ServicesList')).toBe(before + 2);
  });

  it('does not keep a failure: the next call fetches again', async () => {
    const cache = createCatalogCache(client);
    sandbox.faults.inject({ kind: 'status', status: 500 }, { operation: 'ServicesList' });
    await expect(cache.get()).rejects.toBeInstanceOf(ServerError);
    await expect(cache.get()).resolves.toHaveLength(300);
  });

  it('lets one caller stop waiting without failing the others', async () => {
    const cache = createCatalogCache(client);
    sandbox.faults.inject({ kind: 'latency', ms: 100 }, { operation: 'ServicesList' });
    const controller = new AbortController();
    const impatient = cache.get({ signal: controller.signal });
    const patient = cache.get();
    controller.abort();
    await expect(impatient).rejects.toBeInstanceOf(AbortedError);
    await expect(patient).resolves.toHaveLength(300);
  });
});
