// The shared table of RegisterOrder attempts (test/order-outcome-cases.ts) through core's client, over real HTTP
// against the sandbox. The n8n node's transport runs the same table in its own package.
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  baseUrlFor,
  keyFor,
  ORDER_OUTCOME_CASES,
  orderFor,
  ordersSettle,
  SHORT_TIMEOUT_MS,
  startCaseSandbox,
} from '../test/order-outcome-cases.js';
import { createResellerClient } from './client.js';

const KEY = 'sbx_canary_outcome_table_C4n4ry_k3y_000';
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startCaseSandbox(KEY);
});
afterEach(() => sandbox.faults.clear());
afterAll(() => sandbox.stop());

describe('what core concludes from each RegisterOrder attempt', () => {
  it.each(ORDER_OUTCOME_CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const key = keyFor(testCase, KEY);
      const client = createResellerClient({
        apiKey: key,
        baseUrl: await baseUrlFor(sandbox, testCase.target),
        // Generous unless the case is about the limit: a busy machine must not turn a normal answer into a timeout.
        timeoutMs: testCase.timeoutMs ?? 30_000,
        retries: 3, // reads may retry; an order never is, whatever this says
      });
      if (testCase.timeoutMs !== undefined) expect(testCase.timeoutMs).toBe(SHORT_TIMEOUT_MS);
      if (testCase.fault !== undefined) sandbox.faults.inject(testCase.fault, { operation: 'RegisterOrder' });
      const ordersBefore = sandbox.orders(key).length;
      const requestsBefore = sandbox.requests('RegisterOrder');

      const outcome = await client.attemptOrder(orderFor(sandbox, testCase.order));

      expect(outcome.kind).toBe(testCase.expected);
      // Sent at most once, never retried.
      expect(sandbox.requests('RegisterOrder') - requestsBefore).toBeLessThanOrEqual(1);
      expect(await ordersSettle(sandbox, key, ordersBefore + testCase.ordersCreated)).toBe(
        ordersBefore + testCase.ordersCreated,
      );
      if (outcome.kind !== 'placed') {
        expect(JSON.stringify(outcome.error)).not.toContain(KEY);
        expect(outcome.error.message).not.toContain(KEY);
      }
      if (outcome.kind === 'unknown') {
        expect(outcome.error.message).toMatch(/^the order may have been placed: /);
        expect(outcome.error.retryable).toBe(false);
      }
    },
    60_000,
  );
});
