import { describe, expect, test } from 'vitest';
import { call, withSandbox } from './test-utils.js';

// Every test runs with validateResponses: answers under a drift break the contract on purpose and are exempt, while
// the answers around them are still checked (stop() rejects on a violation).

describe('drifts: answers unlike the contract, for the API check', () => {
  test('rate_missing lists every service without a rate; the next answer is normal again', async () => {
    await withSandbox({ services: 50 }, async (sandbox) => {
      sandbox.faults.inject({ kind: 'rate_missing' }, { operation: 'ServicesList' });
      const drifted = (await call(sandbox, '/ServicesList')).json() as Record<string, unknown>[];
      expect(drifted).toHaveLength(50);
      expect(drifted.every((service) => !('rate' in service))).toBe(true);
      const normal = (await call(sandbox, '/ServicesList')).json() as Record<string, unknown>[];
      expect(normal.some((service) => typeof service.rate === 'number')).toBe(true);
    });
  });

  test('rate_as_string sends each rate as a string of the same number', async () => {
    await withSandbox({ services: 50 }, async (sandbox) => {
      const catalog = sandbox.catalog();
      sandbox.faults.inject({ kind: 'rate_as_string' }, { operation: 'ServicesList' });
      const drifted = (await call(sandbox, '/ServicesList')).json() as Record<string, unknown>[];
      drifted.forEach((service, index) => {
        const rate = catalog[index]?.rate;
        expect(service.rate).toBe(rate === undefined ? undefined : String(rate));
      });
    });
  });

  test('rename_field renames a field of the answer, or of each entry of a list', async () => {
    await withSandbox({ services: 20 }, async (sandbox) => {
      sandbox.faults.inject({ kind: 'rename_field', from: 'balance', to: 'amount' }, { operation: 'Balance' });
      expect((await call(sandbox, '/Balance')).json()).toEqual({ amount: 100, currency: 'USD' });
      sandbox.faults.inject({ kind: 'rename_field', from: 'service', to: 'id' }, { operation: 'ServicesList' });
      const drifted = (await call(sandbox, '/ServicesList')).json() as Record<string, unknown>[];
      expect(drifted.map((service) => service.id)).toEqual(sandbox.catalog().map((service) => service.service));
      expect(drifted.every((service) => !('service' in service))).toBe(true);
    });
  });

  test('error_as_200 sends an error as HTTP 200 with its message, and leaves successes alone', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'error_as_200' }, { times: 3 });
      const wrongKey = await call(sandbox, '/Balance', {}, { key: 'not-a-key-of-this-sandbox' });
      expect(wrongKey.status).toBe(200);
      expect(wrongKey.json()).toEqual({ error: 'Invalid API key.' });
      const unknownOrder = await call(sandbox, '/OrderStatus', { orderId: 2147483647 });
      expect(unknownOrder.status).toBe(200);
      expect(unknownOrder.json()).toEqual({ error: 'Order 2147483647 was not found.' });
      expect((await call(sandbox, '/Balance')).json()).toEqual({ balance: 100, currency: 'USD' });
    });
  });

  test('login_redirect answers 302 to a login page without running the operation', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'login_redirect' }, { operation: 'RegisterOrder' });
      const url = new URL('/RegisterOrder', sandbox.url);
      url.searchParams.set('key', sandbox.key);
      url.searchParams.set('serviceId', '199825');
      url.searchParams.set('link', 'https://steamcommunity.com/sharedfiles/filedetails/?id=3');
      url.searchParams.set('quantity', '10');
      const response = await fetch(url, { method: 'POST', redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const location = new URL(response.headers.get('location') ?? '', sandbox.url);
      expect(location.pathname).toBe('/Account/Login');
      // As ASP.NET does, the URL asked for rides along: the one answer of the sandbox that echoes a key.
      expect(location.searchParams.get('ReturnUrl')).toBe(`${url.pathname}${url.search}`);
      await response.text();
      expect(sandbox.orders()).toEqual([]);
      expect(sandbox.balanceOf(sandbox.key)).toBe(100);
    });
  });

  test('html_error answers an HTML page with its status (500 by default) without running the operation', async () => {
    await withSandbox({}, async (sandbox) => {
      sandbox.faults.inject({ kind: 'html_error' }, { operation: 'Balance' });
      sandbox.faults.inject({ kind: 'html_error', status: 200 }, { operation: 'Balance' });
      const failed = await call(sandbox, '/Balance');
      expect(failed.status).toBe(500);
      expect(failed.contentType).toMatch(/^text\/html/);
      expect(failed.text).toMatch(/^<!DOCTYPE html>/);
      const ok = await call(sandbox, '/Balance');
      expect(ok.status).toBe(200);
      expect(() => ok.json()).toThrow(SyntaxError);
    });
  });

  test('bad drifts are refused with what is allowed, also over HTTP', async () => {
    await withSandbox({}, async (sandbox) => {
      expect(() => sandbox.faults.inject({ kind: 'rename_field', from: 'rate', to: 'x y' } as never)).toThrow(
        'rename_field "to" must be a field name',
      );
      expect(() => sandbox.faults.inject({ kind: 'html_error', status: 404 } as never)).toThrow(
        'html_error "status" must be one of 200, 500, 502, 503',
      );
      const response = await fetch(new URL('/_sandbox/faults', sandbox.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: { kind: 'rename_field', from: 'rate' }, operation: 'ServicesList' }),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toContain(
        'rename_field "to" must be a field name',
      );
      const accepted = await fetch(new URL('/_sandbox/faults', sandbox.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: { kind: 'rate_as_string' }, operation: 'ServicesList' }),
      });
      expect(accepted.status).toBe(204);
      const drifted = (await call(sandbox, '/ServicesList')).json() as Record<string, unknown>[];
      expect(drifted.some((service) => typeof service.rate === 'string')).toBe(true);
    });
  });
});
