import { describe, expect, test } from 'vitest';
import { call, withSandbox } from './test-utils.js';

const order = { serviceId: 199825, link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=3', quantity: 10 };

/** The socket error a client sees when the connection closes without a response. */
async function expectSocketError(request: Promise<unknown>): Promise<void> {
  await expect(request).rejects.toMatchObject({ message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' } });
}

describe('fault injection', () => {
  test('latency delays the answer, which is otherwise normal', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'latency', ms: 300 });
      const started = performance.now();
      const response = await call(sandbox, '/Balance');
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
      expect(response.json()).toEqual({ balance: 100, currency: 'USD' });
    });
  });

  test('status sends a 5xx problem, with Retry-After when asked', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'status', status: 503, retryAfterSeconds: 7 });
      sandbox.faults.inject({ kind: 'status', status: 502 });
      const unavailable = await call(sandbox, '/ServicesList');
      expect(unavailable.status).toBe(503);
      expect(unavailable.retryAfter).toBe('7');
      expect(unavailable.contentType).toMatch(/^application\/problem\+json/);
      expect(unavailable.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
      const badGateway = await call(sandbox, '/ServicesList');
      expect(badGateway.status).toBe(502);
      expect(badGateway.retryAfter).toBeNull();
      expect((await call(sandbox, '/ServicesList')).status).toBe(200);
    });
  });

  test('a 5xx or 429 on RegisterOrder commits nothing', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'rate_limit', retryAfterSeconds: 2 });
      sandbox.faults.inject({ kind: 'status', status: 500 });
      const limited = await call(sandbox, '/RegisterOrder', order);
      expect(limited.status).toBe(429);
      expect(limited.retryAfter).toBe('2');
      expect(limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
      expect((await call(sandbox, '/RegisterOrder', order)).status).toBe(500);
      expect(sandbox.orders()).toEqual([]);
      expect(sandbox.balanceOf(sandbox.key)).toBe(100);
      expect(sandbox.requests('RegisterOrder')).toBe(2);
    });
  });

  test('a 5xx with afterCommit answers the error after the order was placed and paid for', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'status', status: 500, afterCommit: true }, { operation: 'RegisterOrder' });
      const response = await call(sandbox, '/RegisterOrder', order);
      expect(response.status).toBe(500);
      expect(response.json()).toMatchObject({ status: 500 });
      expect(sandbox.orders()).toHaveLength(1);
      expect(sandbox.balanceOf(sandbox.key)).toBeLessThan(100);
      expect(() => sandbox.faults.inject({ kind: 'status', status: 500, afterCommit: 'yes' } as never)).toThrow(
        /afterCommit/,
      );
    });
  });

  test('malformed sends 200 with a body that is not JSON, after the operation ran', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'malformed' }, { operation: 'RegisterOrder' });
      const response = await call(sandbox, '/RegisterOrder', order);
      expect(response.status).toBe(200);
      expect(response.contentType).toMatch(/^application\/json/);
      expect(() => response.json()).toThrow(SyntaxError);
      expect(sandbox.orders()).toHaveLength(1);
      expect(sandbox.balanceOf(sandbox.key)).toBe(99.88);
    });
  });

  test('drop_before closes the connection before handling: nothing is committed', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'drop_before' });
      await expectSocketError(call(sandbox, '/RegisterOrder', order));
      expect(sandbox.requests('RegisterOrder')).toBe(1);
      expect(sandbox.orders()).toEqual([]);
      expect(sandbox.balanceOf(sandbox.key)).toBe(100);
    });
  });

  test('drop_after commits the order, then closes the connection with no response', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'drop_after' });
      await expectSocketError(call(sandbox, '/RegisterOrder', order));
      expect(sandbox.requests('RegisterOrder')).toBe(1);
      expect(sandbox.orders()).toMatchObject([{ ...order, charge: 0.12, status: 'pending' }]);
      expect(sandbox.balanceOf(sandbox.key)).toBe(99.88);
    });
  });

  test('times and operation pick which requests are faulted', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'status', status: 500 }, { times: 2, operation: 'OrderStatus' });
      expect((await call(sandbox, '/Balance')).status).toBe(200);
      expect((await call(sandbox, '/OrderStatus', { orderId: 1 })).status).toBe(500);
      expect((await call(sandbox, '/OrderStatus', { orderId: 1 })).status).toBe(500);
      expect((await call(sandbox, '/OrderStatus', { orderId: 1 })).status).toBe(404);
      expect(sandbox.requests('OrderStatus')).toBe(3);
      expect(sandbox.requests('Balance')).toBe(1);
    });
  });

  test('setRate faults a seeded share of requests, the same sequence for the same seed', async () => {
    async function statuses(seed: number): Promise<number[]> {
      const seen: number[] = [];
      await withSandbox({ seed, services: 10 }, async (sandbox) => {
        sandbox.faults.setRate(0.5, [{ kind: 'status', status: 503 }], { operation: 'Balance' });
        for (let i = 0; i < 40; i++) seen.push((await call(sandbox, '/Balance')).status);
        expect((await call(sandbox, '/ServicesList')).status).toBe(200);
      });
      return seen;
    }
    const first = await statuses(3);
    expect(await statuses(3)).toEqual(first);
    expect(await statuses(4)).not.toEqual(first);
    const faulted = first.filter((status) => status === 503).length;
    expect(faulted).toBeGreaterThan(5);
    expect(faulted).toBeLessThan(35);
  });

  test('clear removes injected faults and rates', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'status', status: 500 }, { times: 5 });
      sandbox.faults.setRate(1, [{ kind: 'rate_limit', retryAfterSeconds: 1 }]);
      sandbox.faults.clear();
      expect((await call(sandbox, '/Balance')).status).toBe(200);
    });
  });

  test('a wrong fault is refused with a clear error', async () => {
    await withSandbox({}, async (sandbox) => {
      expect(() => sandbox.faults.inject({ kind: 'explode' } as never)).toThrow('unknown fault kind "explode"');
      expect(() => sandbox.faults.inject({ kind: 'status', status: 404 } as never)).toThrow(
        'status fault "status" must be one of 500, 502, 503, 504, got 404',
      );
      expect(() => sandbox.faults.inject({ kind: 'latency', ms: -1 })).toThrow(
        'latency fault "ms" must be an integer >= 0',
      );
      expect(() => sandbox.faults.inject({ kind: 'malformed' }, { times: 0 })).toThrow('"times" must be at least 1');
      expect(() => sandbox.faults.inject({ kind: 'malformed' }, { operation: 'Orders' as never })).toThrow(
        'operation must be one of Balance, ServicesList, OrderStatus, RegisterOrder',
      );
      expect(() => sandbox.faults.setRate(2, [{ kind: 'malformed' }])).toThrow('rate must be a number from 0 to 1');
    });
  });
});
