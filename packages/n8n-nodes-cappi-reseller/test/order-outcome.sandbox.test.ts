// The shared table of RegisterOrder attempts (packages/core/test/order-outcome-cases.ts, the one core's client runs)
// through this node's transport, inside n8n's own execution context: each request leaves through n8n's real
// httpRequestWithAuthentication, over HTTP, to a sandbox that injects the case's fault. Then what n8n would show:
// "may have been placed" exactly when the table says unknown, and never "not placed" for an order that exists.
import { randomBytes } from 'node:crypto';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  baseUrlFor,
  keyFor,
  ORDER_OUTCOME_CASES,
  orderFor,
  ordersSettle,
  SHORT_TIMEOUT_MS,
  startCaseSandbox,
} from '../../core/test/order-outcome-cases';
import { createTransport, REQUEST_TIMEOUT_MS } from '../nodes/CappiReseller/transport';
import { toNodeError } from '../nodes/shared/errors';
import { echoingUpstream } from './echo-upstream.mts';
import { n8nContext } from './n8n-execution';

// A canary key: random, so that a leak cannot be mistaken for anything else.
const KEY = `sbx_canary_${randomBytes(12).toString('hex')}`;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startCaseSandbox(KEY);
});
afterEach(() => sandbox.faults.clear());
afterAll(() => sandbox.stop());

/** Words that tell a person nothing was ordered. */
const NOT_PLACED = /not placed|not sent|nothing was placed|was not placed/i;

describe('what the n8n node concludes from each RegisterOrder attempt', () => {
  it.each(ORDER_OUTCOME_CASES.map((testCase) => [testCase.name, testCase] as const))(
    '%s',
    async (_name, testCase) => {
      const key = keyFor(testCase, KEY);
      const context = n8nContext({
        credential: { apiKey: key, baseUrl: await baseUrlFor(sandbox, testCase.target) },
        parameters: { resource: 'order', operation: 'create' },
      });
      if (testCase.timeoutMs !== undefined) expect(testCase.timeoutMs).toBe(SHORT_TIMEOUT_MS);
      // The default unless the case is about the limit: a busy machine must not turn a normal answer into a timeout.
      const transport = await createTransport(context, { timeoutMs: testCase.timeoutMs ?? REQUEST_TIMEOUT_MS });
      if (testCase.fault !== undefined) sandbox.faults.inject(testCase.fault, { operation: 'RegisterOrder' });
      const ordersBefore = sandbox.orders(key).length;
      const requestsBefore = sandbox.requests('RegisterOrder');

      const outcome = await transport.attemptOrder(orderFor(sandbox, testCase.order));

      expect(outcome.kind).toBe(testCase.expected);
      // Sent at most once, never retried (n8n's helper included).
      expect(sandbox.requests('RegisterOrder') - requestsBefore).toBeLessThanOrEqual(1);
      expect(await ordersSettle(sandbox, key, ordersBefore + testCase.ordersCreated)).toBe(
        ordersBefore + testCase.ordersCreated,
      );
      if (outcome.kind === 'placed') return;

      expect(JSON.stringify(outcome.error)).not.toContain(key);
      expect(outcome.error.message).not.toContain(key);
      if (outcome.kind === 'unknown') {
        expect(outcome.error.message).toMatch(/^the order may have been placed: /);
        expect(outcome.error.retryable).toBe(false);
      }

      // What n8n shows for it: the node error's message and description.
      const nodeError = toNodeError(context.getNode(), outcome.error, { secrets: [key] });
      expect(nodeError).toBeInstanceOf(outcome.error.operation === undefined ? NodeOperationError : NodeApiError);
      const shown = `${nodeError.message}\n${nodeError.description ?? ''}`;
      expect(/may have been placed/i.test(shown), shown).toBe(testCase.expected === 'unknown');
      if (testCase.ordersCreated === 1) expect(shown).not.toMatch(NOT_PLACED);
      if (testCase.expected === 'unknown') expect(nodeError.description).toContain('Do not run this item again');
      expect(JSON.stringify(nodeError)).not.toContain(key);
    },
    60_000,
  );
});

describe('the key never shows, even when the API echoes it', () => {
  it.each([200, 400, 401, 429, 500, 502])('HTTP %i', async (status) => {
    const upstream = await echoingUpstream(status);
    try {
      const context = n8nContext({
        credential: { apiKey: KEY, baseUrl: upstream.url },
        parameters: { resource: 'order', operation: 'create' },
      });
      const transport = await createTransport(context);
      const outcome = await transport.attemptOrder({
        serviceId: 1,
        link: 'https://example.com/post/echo',
        quantity: 10,
      });
      expect(outcome.kind).toBe(status >= 500 ? 'unknown' : 'refused');
      if (outcome.kind === 'placed') return;
      const nodeError = toNodeError(context.getNode(), outcome.error, { secrets: transport.secrets });
      for (const shown of [outcome.error.message, String(outcome.error.stack), JSON.stringify(outcome.error)]) {
        expect(shown).not.toContain(KEY);
      }
      expect(nodeError.message).not.toContain(KEY);
    } finally {
      upstream.close();
    }
  });
});
