import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { startSandbox } from './server.js';
import { call, withSandbox } from './test-utils.js';

async function admin(url: string, method: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

describe('the sandbox server', () => {
  test('the same seed gives the same key and catalog over HTTP', async () => {
    const one = await startSandbox({ seed: 9, services: 500 });
    const two = await startSandbox({ seed: 9, services: 500 });
    try {
      expect(two.key).toBe(one.key);
      expect(two.url).not.toBe(one.url);
      expect((await call(two, '/ServicesList')).text).toBe((await call(one, '/ServicesList')).text);
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  test('serves the contract as YAML and JSON, and Swagger UI with its own assets', async () => {
    await withSandbox({}, async (sandbox) => {
      const yaml = await fetch(`${sandbox.url}/openapi.yaml`);
      expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
      const yamlText = await yaml.text();
      expect(yamlText).toMatch(/^openapi: 3\.1\.0\n/);

      const json = (await (await fetch(`${sandbox.url}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
        servers: { url: string; description: string }[];
      };
      expect(Object.keys(json.paths).sort()).toEqual(['/Balance', '/OrderStatus', '/RegisterOrder', '/ServicesList']);
      // Imported into Postman or Insomnia, the contract targets this sandbox first, never production by default.
      const sandboxFirst = { url: sandbox.url, description: 'This sandbox (no money is spent)' };
      expect(json.servers[0]).toEqual(sandboxFirst);
      expect(json.servers.map((server) => server.url)).toContain('https://cappiservices.com/api/Reseller');
      expect((parse(yamlText) as { servers: unknown[] }).servers[0]).toEqual(sandboxFirst);
      // The YAML is the contract as written, comments and all, with only the servers changed.
      expect(yamlText).toContain('Where the vendor page is silent');

      const docs = await fetch(`${sandbox.url}/docs`);
      expect(docs.status).toBe(200);
      const page = await docs.text();
      expect(page).toContain('<title>Cappi Reseller sandbox: API docs</title>');
      // Offline: every script and stylesheet comes from the sandbox itself.
      const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
      expect(assets.length).toBeGreaterThan(0);
      for (const asset of assets) {
        expect(asset).not.toMatch(/^https?:/);
        const response = await fetch(new URL(asset, `${sandbox.url}/docs/`));
        expect(response.status, asset).toBe(200);
        expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
      }
      // "Try it out" targets the sandbox, never production.
      const shown = (await (await fetch(`${sandbox.url}/docs/json`)).json()) as { servers: { url: string }[] };
      expect(shown.servers[0]).toEqual(sandboxFirst);
    });
  });

  test('fault controls and state over HTTP under /_sandbox/', async () => {
    await withSandbox({}, async (sandbox) => {
      const faults = `${sandbox.url}/_sandbox/faults`;
      expect(
        await admin(faults, 'POST', { fault: { kind: 'status', status: 503 }, times: 2, operation: 'Balance' }),
      ).toEqual({ status: 204, body: undefined });
      expect((await call(sandbox, '/ServicesList')).status).toBe(200);
      expect((await call(sandbox, '/Balance')).status).toBe(503);

      expect((await admin(faults, 'DELETE')).status).toBe(204);
      expect((await call(sandbox, '/Balance')).status).toBe(200);

      expect(
        (await admin(faults, 'POST', { rate: 1, faults: [{ kind: 'drop_after' }], operation: 'RegisterOrder' })).status,
      ).toBe(204);
      const order = { serviceId: 199825, link: 'https://example.com/p', quantity: 5 };
      await expect(call(sandbox, '/RegisterOrder', order)).rejects.toThrow('fetch failed');

      const state = await admin(`${sandbox.url}/_sandbox/state`, 'GET');
      expect(state.body).toMatchObject({
        requests: { Balance: 2, ServicesList: 1, OrderStatus: 0, RegisterOrder: 1 },
        orders: [{ ...order, charge: 0.06, status: 'pending' }],
        violations: [],
      });
      expect(JSON.stringify(state.body)).not.toContain(sandbox.key);
    });
  });

  test('a wrong fault over HTTP is a 400 problem saying what is wrong', async () => {
    await withSandbox({}, async (sandbox) => {
      const faults = `${sandbox.url}/_sandbox/faults`;
      expect(await admin(faults, 'POST', { fault: { kind: 'rate_limit' } })).toEqual({
        status: 400,
        body: expect.objectContaining({
          status: 400,
          detail: 'rate_limit fault "retryAfterSeconds" must be an integer >= 0, got undefined',
        }),
      });
      const notJson = await fetch(faults, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ detail: 'The body is not valid JSON.' });
    });
  });

  test('bad options are refused with a clear error', async () => {
    await expect(startSandbox({ services: 1 })).rejects.toThrow('services must be an integer of at least 2');
    await expect(startSandbox({ keys: [] })).rejects.toThrow('keys must hold at least one key');
    await expect(startSandbox({ keys: [{ key: 'a', balance: -1 }] })).rejects.toThrow('keys[0].balance must be');
    await expect(startSandbox({ partialRate: 1.5 })).rejects.toThrow('partialRate must be from 0 to 1');
    await expect(startSandbox({ orderTiming: { pendingMs: -5 } })).rejects.toThrow('pendingMs must be an integer >= 0');
  });

  test('stop() rejects listing the responses that broke the contract', async () => {
    const sandbox = await startSandbox({ validateResponses: true, services: 10 });
    // A body over fastify's 1 MiB limit gets 413, a status the contract does not list for RegisterOrder.
    const url = `${sandbox.url}/RegisterOrder?key=${sandbox.key}`;
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) });
    expect(response.status).toBe(413);
    expect(sandbox.violations()).toEqual(['POST /RegisterOrder 413: the contract has no response with status 413']);
    await expect(sandbox.stop()).rejects.toThrow(
      'the sandbox sent 1 response(s) that break the contract:\nPOST /RegisterOrder 413: the contract has no response with status 413',
    );
  });

  test('without validateResponses nothing is recorded', async () => {
    const sandbox = await startSandbox({ services: 10 });
    await fetch(`${sandbox.url}/RegisterOrder?key=${sandbox.key}`, {
      method: 'POST',
      body: 'x'.repeat(2 * 1024 * 1024),
    }).catch(() => undefined);
    expect(sandbox.violations()).toEqual([]);
    await expect(sandbox.stop()).resolves.toBeUndefined();
  });
});
