import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResellerClient, type ResellerClient } from './client.js';
import { AbortedError, NotFoundError, TimeoutError } from './domain/errors.js';
import type { NormalizedOrderStatus, OrderRequest } from './domain/types.js';
import { waitForOrder } from './wait-for-order.js';

let sandbox: Sandbox;
let client: ResellerClient;
let order: OrderRequest;

beforeAll(async () => {
  // Orders wait 100 ms, then deliver over 300 ms: a whole order life fits in a test.
  sandbox = await startSandbox({ port: 0, validateResponses: true, orderTiming: { pendingMs: 100, deliveryMs: 300 } });
  client = createResellerClient({ apiKey: sandbox.key, baseUrl: sandbox.url, timeoutMs: 2000 });
  const service = sandbox.catalog().find((s) => s.rate !== undefined && s.min >= 2 && (s.rate ?? 0) * s.min < 1);
  if (service === undefined) throw new Error('the catalog has no cheap service');
  order = { serviceId: service.service, link: 'https://example.com/post/2', quantity: Math.max(service.min, 20) };
});

afterAll(() => sandbox.stop());

describe('waitForOrder', () => {
  it('polls until the order is final, reporting every status it reads', async () => {
    const { orderId } = await client.registerOrder(order);
    const seen: NormalizedOrderStatus[] = [];
    const requestsBefore = sandbox.requests('OrderStatus');

    const final = await waitForOrder(client, orderId, {
      intervalMs: 20,
      maxIntervalMs: 60,
      onProgress: (status) => seen.push(status),
    });

    expect(final.isFinal).toBe(true);
    expect(['completed', 'partial']).toContain(final.state);
    expect(final.delivered + final.failed).toBe(order.quantity);
    expect(seen.at(-1)).toEqual(final);
    expect(seen.slice(0, -1).every((status) => !status.isFinal)).toBe(true);
    expect(seen.map((status) => status.state)).toContain('in_progress');
    expect(seen[0]?.state).toBe('pending');
    expect(sandbox.requests('OrderStatus') - requestsBefore).toBe(seen.length);
    // Pauses grow: far fewer polls than 400 ms / 20 ms.
    expect(seen.length).toBeLessThan(20);
    const stored = sandbox.orders().find((o) => o.orderId === orderId);
    expect(final).toMatchObject({
      rawStatus: stored?.status,
      delivered: stored?.success,
      refund: stored?.walletReturn,
    });
  });

  it('stops with AbortedError when the caller aborts', async () => {
    const { orderId } = await client.registerOrder(order);
    const controller = new AbortController();
    const waiting = waitForOrder(client, orderId, {
      intervalMs: 1000,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });

  it('stops with TimeoutError after timeoutMs, saying the last status', async () => {
    const { orderId } = await client.registerOrder(order);
    const started = Date.now();
    const error = await waitForOrder(client, orderId, { intervalMs: 500, timeoutMs: 30 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe(
      `order ${orderId} did not reach a final status within 30 ms (last status: pending)`,
    );
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('passes on errors that waiting cannot fix', async () => {
    await expect(waitForOrder(client, 1, { intervalMs: 10 })).rejects.toBeInstanceOf(NotFoundError);
  });
});
