import { describe, expect, test } from 'vitest';
import { call, withSandbox } from './test-utils.js';

const STEAM_LIKE = 199825; // rate 0.012, min 1, max 100
const order = { serviceId: STEAM_LIKE, link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=1', quantity: 50 };

describe('the four operations', () => {
  test('Balance answers the key balance in USD', async () => {
    await withSandbox({ keys: [{ key: 'k1', balance: 250.75 }] }, async (sandbox) => {
      const response = await call(sandbox, '/Balance');
      expect(response.status).toBe(200);
      expect(response.contentType).toMatch(/^application\/json/);
      expect(response.json()).toEqual({ balance: 250.75, currency: 'USD' });
    });
  });

  test('ServicesList answers the whole catalog, including the vendor examples', async () => {
    await withSandbox({ services: 300 }, async (sandbox) => {
      const response = await call(sandbox, '/ServicesList');
      expect(response.status).toBe(200);
      const services = response.json() as { service: number }[];
      expect(services).toHaveLength(300);
      expect(services).toEqual(sandbox.catalog());
      expect(services[0]).toEqual({
        service: 199825,
        category: 'Steam',
        name: 'Steam Like SharedFiles/Screenshots/Guides/Workshop [Max: 100]',
        rate: 0.012,
        min: 1,
        max: 100,
        desc: null,
      });
    });
  });

  test('RegisterOrder debits rate * quantity and OrderStatus reports the order', async () => {
    await withSandbox({}, async (sandbox) => {
      const placed = await call(sandbox, '/RegisterOrder', order);
      expect(placed.status).toBe(200);
      const result = placed.json() as { orderId: number };
      expect(result).toEqual({ success: true, orderId: expect.any(Number), insufficientFunds: false, error: null });
      expect(sandbox.balanceOf(sandbox.key)).toBe(99.4); // 100 - 0.012 * 50

      const status = await call(sandbox, '/OrderStatus', { orderId: result.orderId });
      expect(status.status).toBe(200);
      expect(status.json()).toMatchObject({ status: 'pending', charge: 0.6, walletReturn: 0, success: 0, failed: 0 });
      expect(sandbox.orders(sandbox.key)).toMatchObject([{ orderId: result.orderId, ...order, charge: 0.6 }]);
      expect(sandbox.requests('RegisterOrder')).toBe(1);
      expect(sandbox.requests('OrderStatus')).toBe(1);
      expect(sandbox.requests()).toBe(2);
    });
  });

  test('order ids increase', async () => {
    await withSandbox({}, async (sandbox) => {
      const first = (await call(sandbox, '/RegisterOrder', order)).json() as { orderId: number };
      const second = (await call(sandbox, '/RegisterOrder', order)).json() as { orderId: number };
      expect(second.orderId).toBe(first.orderId + 1);
      expect(first.orderId).toBeGreaterThanOrEqual(100_000);
    });
  });

  test('parameter names bind whatever their case, as in ASP.NET', async () => {
    await withSandbox({}, async (sandbox) => {
      const response = await call(sandbox, '/RegisterOrder', {
        ServiceId: STEAM_LIKE,
        LINK: order.link,
        Quantity: 2,
      });
      expect(response.json()).toMatchObject({ success: true });
    });
  });

  test('a request body is ignored: RegisterOrder binds from the query string only', async () => {
    await withSandbox({}, async (sandbox) => {
      const url = new URL('/RegisterOrder', sandbox.url);
      url.searchParams.set('key', sandbox.key);
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(order),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: { serviceId: ['The serviceId field is required.'] } });
    });
  });
});

describe('refusals', () => {
  test('a wrong or missing key is a 401 problem that does not echo the key', async () => {
    await withSandbox({}, async (sandbox) => {
      for (const path of ['/Balance', '/ServicesList', '/OrderStatus', '/RegisterOrder']) {
        const wrong = await call(sandbox, path, { orderId: 1, ...order }, { key: 'sbx_not-a-real-key' });
        expect(wrong.status).toBe(401);
        expect(wrong.contentType).toMatch(/^application\/problem\+json/);
        expect(wrong.json()).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'Invalid API key.' });
        expect(wrong.text).not.toContain('sbx_not-a-real-key');

        const missing = await call(sandbox, path, { orderId: 1, ...order }, { key: null });
        expect(missing.status).toBe(401);
        expect(missing.json()).toMatchObject({ status: 401, detail: expect.stringContaining('missing') });
      }
      expect(sandbox.orders()).toEqual([]);
    });
  });

  test('an unknown service is refused with HTTP 200 and success false', async () => {
    await withSandbox({}, async (sandbox) => {
      const response = await call(sandbox, '/RegisterOrder', { ...order, serviceId: 1 });
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({
        success: false,
        orderId: null,
        insufficientFunds: false,
        error: 'Service 1 does not exist.',
      });
      expect(sandbox.balanceOf(sandbox.key)).toBe(100);
    });
  });

  test('a quantity outside min/max is refused with the quantity and the allowed range', async () => {
    await withSandbox({}, async (sandbox) => {
      const above = (await call(sandbox, '/RegisterOrder', { ...order, quantity: 101 })).json();
      expect(above).toMatchObject({ success: false, orderId: null, insufficientFunds: false });
      expect((above as { error: string }).error).toBe(
        'Quantity 101 is above the maximum of 100 for service 199825 (allowed: 1 to 100).',
      );
      const below = (await call(sandbox, '/RegisterOrder', { ...order, quantity: 0 })).json() as { error: string };
      expect(below.error).toBe('Quantity 0 is below the minimum of 1 for service 199825 (allowed: 1 to 100).');
      expect(sandbox.orders()).toEqual([]);
      expect(sandbox.balanceOf(sandbox.key)).toBe(100);
    });
  });

  test('a link that is not an http(s) URL is refused', async () => {
    await withSandbox({}, async (sandbox) => {
      for (const link of ['steamcommunity.com/id/x', 'ftp://example.com/file', 'javascript:alert(1)', 'https://']) {
        const response = (await call(sandbox, '/RegisterOrder', { ...order, link })).json();
        expect(response).toMatchObject({ success: false, orderId: null, insufficientFunds: false });
        expect((response as { error: string }).error).toMatch(/not valid: it must be an http\(s\) URL/);
      }
      const tooLong = (
        await call(sandbox, '/RegisterOrder', { ...order, link: `https://x.com/${'a'.repeat(2048)}` })
      ).json();
      expect(tooLong).toMatchObject({ success: false, error: 'The link is longer than 2048 characters.' });
      expect(sandbox.orders()).toEqual([]);
    });
  });

  test('too little balance is refused with insufficientFunds and nothing debited', async () => {
    // 50 units at 0.012 cost 0.60: one cent short.
    await withSandbox({ keys: [{ key: 'poor', balance: 0.59 }] }, async (sandbox) => {
      const response = await call(sandbox, '/RegisterOrder', order);
      expect(response.status).toBe(200);
      expect(response.json()).toEqual({
        success: false,
        orderId: null,
        insufficientFunds: true,
        error: 'Insufficient funds.',
      });
      expect(sandbox.balanceOf('poor')).toBe(0.59);
      expect(sandbox.orders()).toEqual([]);

      sandbox.setBalance('poor', 0.6);
      expect((await call(sandbox, '/RegisterOrder', order)).json()).toMatchObject({ success: true });
      expect(sandbox.balanceOf('poor')).toBe(0);
    });
  });

  test('an unknown order is a 404, and so is another key order', async () => {
    const keys = [
      { key: 'alice', balance: 10 },
      { key: 'bob', balance: 10 },
    ];
    await withSandbox({ keys }, async (sandbox) => {
      const unknown = await call(sandbox, '/OrderStatus', { orderId: 42 });
      expect(unknown.status).toBe(404);
      expect(unknown.contentType).toMatch(/^application\/problem\+json/);
      expect(unknown.json()).toMatchObject({ status: 404, detail: 'Order 42 was not found.' });

      const placed = (await call(sandbox, '/RegisterOrder', order, { key: 'alice' })).json() as { orderId: number };
      expect((await call(sandbox, '/OrderStatus', { orderId: placed.orderId }, { key: 'alice' })).status).toBe(200);
      expect((await call(sandbox, '/OrderStatus', { orderId: placed.orderId }, { key: 'bob' })).status).toBe(404);
      expect(sandbox.orders('alice')).toHaveLength(1);
      expect(sandbox.orders('bob')).toEqual([]);
    });
  });

  test('missing or non-integer parameters are a 400 ValidationProblemDetails', async () => {
    await withSandbox({}, async (sandbox) => {
      const missing = await call(sandbox, '/OrderStatus');
      expect(missing.status).toBe(400);
      expect(missing.contentType).toMatch(/^application\/problem\+json/);
      expect(missing.json()).toEqual({
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
        title: 'One or more validation errors occurred.',
        status: 400,
        errors: { orderId: ['The orderId field is required.'] },
        traceId: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/),
      });

      const notInteger = await call(sandbox, '/OrderStatus', { orderId: '12.5' });
      expect(notInteger.json()).toMatchObject({ status: 400, errors: { orderId: ["The value '12.5' is not valid."] } });

      const register = await call(sandbox, '/RegisterOrder', { serviceId: 'abc', quantity: '3000000000' });
      expect(register.status).toBe(400);
      expect(register.json()).toMatchObject({
        errors: {
          serviceId: ["The value 'abc' is not valid."],
          link: ['The link field is required.'],
          quantity: ["The value '3000000000' is not valid."], // beyond int32
        },
      });
      expect(sandbox.orders()).toEqual([]);
    });
  });

  test('an unknown path is a 404 problem', async () => {
    await withSandbox({}, async (sandbox) => {
      const response = await call(sandbox, '/Orders');
      expect(response.status).toBe(404);
      expect(response.json()).toMatchObject({ status: 404, detail: 'No route GET /Orders.' });
      expect(response.text).not.toContain(sandbox.key);
    });
  });

  test('a wrong method on an operation is a 405 problem with an Allow header, as ASP.NET answers it', async () => {
    await withSandbox({}, async (sandbox) => {
      const cases = [
        { method: 'POST', path: '/Balance', allow: 'GET' },
        { method: 'DELETE', path: '/OrderStatus', allow: 'GET' },
        { method: 'GET', path: '/RegisterOrder', allow: 'POST' },
      ];
      for (const { method, path, allow } of cases) {
        const url = new URL(path, sandbox.url);
        url.searchParams.set('key', sandbox.key);
        const response = await fetch(url, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow')).toBe(allow);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await response.json()).toMatchObject({
          status: 405,
          title: 'Method Not Allowed',
          detail: `${method} is not allowed on ${path}: use ${allow}.`,
        });
      }
      // A GET of RegisterOrder must not have placed anything.
      expect(sandbox.orders()).toEqual([]);
      // An unknown path stays a 404 whatever the method.
      expect((await fetch(new URL('/Orders', sandbox.url), { method: 'POST' })).status).toBe(404);
    });
  });

  test('every problem carries a traceId like ASP.NET Core, different for each answer', async () => {
    await withSandbox({}, async (sandbox) => {
      const first = (await call(sandbox, '/Orders')).json() as { traceId?: string };
      const second = (await call(sandbox, '/Balance', {}, { key: 'wrong-key' })).json() as { traceId?: string };
      expect(first.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(second.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      expect(first.traceId).not.toBe(second.traceId);
    });
  });
});
