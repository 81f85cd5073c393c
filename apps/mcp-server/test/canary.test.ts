// The key never leaves the process: for every failure the sandbox can inject, on every operation, no tool
// result, resource, ledger line or stderr byte holds the canary key (as is or URL-encoded).
import type { Fault, Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, LINK, leaks, type Spawned, STEAM_LIKES, spawnServer, startTestSandbox, textOf } from './helpers.js';

type Operation = 'Balance' | 'ServicesList' | 'OrderStatus' | 'RegisterOrder';

let sandbox: Sandbox;
let server: Spawned;
let orderId: number;
let orderCount = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  // The catalog is refetched on every call, so faults on ServicesList are met every time.
  server = await spawnServer({ sandbox, args: ['--catalog-ttl', '0', '--allow-unquoted-orders'] });
  const placed = await server.call('register_order', { service_id: STEAM_LIKES, link: LINK, quantity: 10 });
  orderId = placed.structuredContent?.order_id as number;
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop().catch(() => undefined); // injected malformed bodies are contract violations on purpose
});

/** Calls whatever reaches `operation`, as a model or a browsing client would. */
async function exercise(operation: Operation): Promise<{ isError: boolean; text: string }[]> {
  const results = [];
  switch (operation) {
    case 'Balance':
      results.push(await server.call('get_balance'));
      break;
    case 'ServicesList': {
      results.push(await server.call('list_services', { query: 'steam' }));
      const read = await server.client.readResource({ uri: 'cappi://catalog/categories' }).catch((error: Error) => ({
        isError: true,
        content: [{ type: 'text' as const, text: error.message }],
      }));
      server.seen.push(JSON.stringify(read));
      break;
    }
    case 'OrderStatus': {
      results.push(await server.call('get_order_status', { order_id: orderId }));
      const read = await server.client.readResource({ uri: `cappi://orders/${orderId}` }).catch((error: Error) => ({
        isError: true,
        content: [{ type: 'text' as const, text: error.message }],
      }));
      server.seen.push(JSON.stringify(read));
      break;
    }
    case 'RegisterOrder':
      orderCount += 1;
      results.push(
        await server.call('register_order', {
          service_id: STEAM_LIKES,
          link: `${LINK}&canary=${orderCount}`,
          quantity: 10,
        }),
      );
      break;
  }
  return results.map((result) => ({ isError: result.isError === true, text: textOf(result) }));
}

const operations: Operation[] = ['Balance', 'ServicesList', 'OrderStatus', 'RegisterOrder'];
const failures: [string, Fault, number][] = [
  ['latency', { kind: 'latency', ms: 50 }, 3],
  ['HTTP 500', { kind: 'status', status: 500 }, 3],
  ['HTTP 503 with Retry-After', { kind: 'status', status: 503, retryAfterSeconds: 0 }, 3],
  ['HTTP 429', { kind: 'rate_limit', retryAfterSeconds: 1 }, 1],
  ['a malformed body', { kind: 'malformed' }, 3],
  ['a connection dropped before handling', { kind: 'drop_before' }, 3],
  ['a connection dropped after handling', { kind: 'drop_after' }, 3],
];

describe.each(failures)('with %s', (_name, fault, times) => {
  it.each(operations)('on %s, the failure is a sentence without the key', async (operation) => {
    sandbox.faults.clear();
    sandbox.faults.inject(fault, { operation, times });
    const results = await exercise(operation);
    sandbox.faults.clear();
    for (const result of results) {
      expect(leaks(result.text)).toBe(false);
      // Failures that outlast the retries surface as errors the model can read. A short latency is no failure,
      // and one 429 is retried for a read, but never for an order (it is sent at most once).
      const recovers = fault.kind === 'latency' || (fault.kind === 'rate_limit' && operation !== 'RegisterOrder');
      expect(result.isError).toBe(!recovers);
      if (result.isError) expect(result.text).toMatch(/^\[sandbox|^[a-z].{20,}/);
    }
  });
});

describe('a key the API refuses', () => {
  it('is reported as an authentication failure, without the key', async () => {
    const wrongKey = `${CANARY}-revoked`;
    const refused = await spawnServer({ sandbox, apiKey: wrongKey });
    try {
      const result = await refused.call('get_balance');
      expect(result.isError).toBe(true);
      expect(textOf(result).toLowerCase()).toMatch(/key|auth/);
      for (const answer of refused.seen) expect(leaks(answer, wrongKey)).toBe(false);
      expect(leaks(refused.stderr(), wrongKey)).toBe(false);
    } finally {
      await refused.close();
    }
  });
});

describe('after all of it', () => {
  it('no answer, resource, ledger row or log line holds the key', async () => {
    await server.ledger();
    expect(server.seen.length).toBeGreaterThan(operations.length * failures.length);
    for (const answer of server.seen) expect(leaks(answer)).toBe(false);
    expect(server.stderr()).toContain('retrying');
    expect(leaks(server.stderr())).toBe(false);
  });
});
