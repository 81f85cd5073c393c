import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResellerClient, type ResellerClient } from './client.js';
import { AbortedError, NotFoundError, TimeoutError } from './domain/errors.js';
import type { NormalizedOrderStatus, OrderRequest } from './domain/types.js';
import { waitForOrder } from './wait-for-order.js';

let sandbox: Sandbox;
let client: ResellerClient;
let order: OrderRequest;
// The sandbox's clock, moved by the tests: an order's status changes when a test says so, never because the machine
// was slow (orders wait 100 ms of this clock, then deliver over 300 ms).
let sandboxNow = 0;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    validateResponses: true,
    orderTiming: { pendingMs: 100, deliveryMs: 300 },
    clock: () => sandboxNow,
  });
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
      onProgress: (status) => {
        seen.push(status);
        // 60 ms of the order's life pass between two polls: pending twice, in progress, then final.
        sandboxNow += 60;
      },
    });

    expect(final.isFinal).toBe(true);
    expect(['completed', 'partial']).toContain(final.state);
    expect(final.delivered + final.failed).toBe(order.quantity);
    expect(seen.at(-1)).toEqual(final);
    expect(seen.slice(0, -1).every((status) => !status.isFinal)).toBe(true);
    expect(seen.map((status) => status.state)).toContain('in_progress');
    expect(seen[0]?.state).toBe('pending');
    expect(sandbox.requests('OrderStatus') - requestsBefore).toBe(seen.length);
    // 0, 60 ms: pending; 120 to 360 ms: in progress; 420 ms: final.
    expect(seen.map((status) => status.state).slice(0, 3)).toEqual(['pending', 'pending', 'in_progress']);
    expect(seen).toHaveLength(8);
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
    // The deadline must fall after the first read and inside the pause that follows: both derived from the slowest
    // read measured here, so a busy machine only makes them longer. The sandbox's clock stands still: pending.
    let slowestMs = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await client.getOrderStatus(orderId);
      slowestMs = Math.max(slowestMs, performance.now() - started);
    }
    const timeoutMs = Math.ceil(10 * slowestMs) + 50;
    const intervalMs = 20 * timeoutMs;
    const started = performance.now();
    const error = await waitForOrder(client, orderId, { intervalMs, timeoutMs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe(
      `order ${orderId} did not reach a final status within ${timeoutMs} ms (last status: pending)`,
    );
    // It stopped at the deadline, not after the pause.
    expect(performance.now() - started).toBeLessThan(intervalMs);
  });

  it('passes on errors that waiting cannot fix', async () => {
    await expect(waitForOrder(client, 1, { intervalMs: 10 })).rejects.toBeInstanceOf(NotFoundError);
  });
});
