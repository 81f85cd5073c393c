import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  errorFromHttp,
  errorFromRefusal,
  UnknownOutcomeError,
  unknownOutcomeMessage,
} from '../nodes/shared/core/domain/errors';
import { assertOrderAllowed, validateOrderId } from '../nodes/shared/core/domain/validate';
import { errorItemJson, toNodeError } from '../nodes/shared/errors';

const node: INode = {
  id: 'node-1',
  name: 'Cappi Reseller',
  type: 'n8n-nodes-cappi-reseller.cappiReseller',
  typeVersion: 1,
  position: [0, 0],
  parameters: {},
};

const order = { serviceId: 199825, link: 'https://example.com/p/1', quantity: 10 };

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('toNodeError', () => {
  it('an order refused by our own checks is a NodeOperationError with core message and the item index', () => {
    const error = thrown(() =>
      assertOrderAllowed(
        { ...order, quantity: 5 },
        { service: 199825, category: 'Steam', name: 'Likes', min: 10, max: 5000 },
      ),
    );
    const nodeError = toNodeError(node, error, { itemIndex: 3 });
    expect(nodeError).toBeInstanceOf(NodeOperationError);
    expect(nodeError.message).toBe('Quantity 5 is below the minimum of 10 for service 199825 (allowed: 10 to 5000)');
    expect(nodeError.context.itemIndex).toBe(3);
    expect(nodeError.description).toContain('nothing was placed or charged');
  });

  it('a refusal by the API is a NodeApiError', () => {
    const refusal = errorFromRefusal(
      { success: false, orderId: null, insufficientFunds: true, error: 'Insufficient funds.' },
      { order, balance: 3.2, cost: 4.8, currency: 'USD' },
    );
    const nodeError = toNodeError(node, refusal, { itemIndex: 0 });
    expect(nodeError).toBeInstanceOf(NodeApiError);
    expect(nodeError.message).toMatch(/^Insufficient funds: balance is 3\.20 USD, this order costs 4\.80 USD/);
  });

  it('keeps "the order may have been placed", whatever n8n would make of a connection error', () => {
    const sentAt = '2026-01-01T00:00:00.000Z';
    const unknown = new UnknownOutcomeError(
      unknownOutcomeMessage(order, sentAt, 'no answer was received (the connection was reset)'),
      {
        order,
        sentAt,
      },
    );
    const nodeError = toNodeError(node, unknown, { placed: [{ orderId: 41, itemIndex: 0 }] });
    expect(nodeError.message).toMatch(/^The order may have been placed: no answer was received/);
    expect(nodeError.description).toContain('Do not run this item again');
    expect(nodeError.description).toContain('Orders already placed by this run: 41 (item 0)');
  });

  it('points a rejected key at the credential', () => {
    const nodeError = toNodeError(
      node,
      new AuthenticationError('the API key was rejected (HTTP 401)', { operation: 'Balance', status: 401 }),
    );
    expect(nodeError.message).toBe(
      'The API key was rejected (HTTP 401): check the API Key of the Cappi Reseller API credential',
    );
  });

  it('removes the key from an unexpected error', () => {
    const nodeError = toNodeError(node, new Error('GET http://x/Balance?key=canary-secret-123 failed'), {
      secrets: ['canary-secret-123'],
    });
    expect(nodeError.message).not.toContain('canary-secret-123');
  });
});

describe('an API that echoes the key', () => {
  // A canary made at run time: random, so that it cannot be mistaken for anything else.
  const canary = `canaryEcho${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const KEY = canary;
  const echo = { type: 'about:blank', title: `invalid key ${KEY}`, detail: `key=${KEY} was rejected`, status: 0 };
  const answers = [
    ...[400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503].flatMap((status) =>
      (['Balance', 'OrderStatus', 'RegisterOrder'] as const).map((operation) =>
        errorFromHttp(status, { ...echo, status }, { operation, orderId: 7 }),
      ),
    ),
    errorFromRefusal({ success: false, orderId: null, insufficientFunds: false, error: `bad key ${KEY}` }, { order }),
  ];

  it('reaches no field of the node error: message, description, messages, the response it keeps', () => {
    for (const answer of answers) {
      const nodeError = toNodeError(node, answer, { secrets: [KEY], itemIndex: 0 });
      const everything = JSON.stringify({
        ...nodeError,
        message: nodeError.message,
        description: nodeError.description,
      });
      expect(everything, `${answer.status} ${answer.operation}`).not.toContain(KEY);
    }
    // The API's words were there to leak (core keeps them for most statuses): the check can fail.
    expect(answers.filter((answer) => JSON.stringify(answer.toJSON()).includes(KEY)).length).toBeGreaterThan(20);
  });

  it('reaches no field of a Continue On Fail item', () => {
    for (const answer of answers) {
      const json = errorItemJson(toNodeError(node, answer, { secrets: [KEY] }), answer, [KEY]);
      expect(JSON.stringify(json), `${answer.status} ${answer.operation}`).not.toContain(KEY);
    }
  });

  it('every error has advice of its own as description, never the message again, never an environment variable', () => {
    for (const answer of answers) {
      const nodeError = toNodeError(node, answer, { secrets: [KEY] });
      expect(nodeError.description, nodeError.message).toBeTruthy();
      expect(nodeError.description).not.toBe(nodeError.message);
      for (const text of [nodeError.message, nodeError.description ?? '']) {
        expect(text).not.toMatch(/CAPPI_API_KEY|baseUrl|order id\b/);
      }
    }
  });
});

describe('field names', () => {
  it('are those of the editor: "Order ID", not orderId', () => {
    const nodeError = toNodeError(
      node,
      thrown(() => validateOrderId('abc')),
    );
    expect(nodeError.message).toBe('Order ID must be a whole number of at least 1 (got the text "abc")');
  });
});

describe('errorItemJson', () => {
  it('holds only "error" and "details", so n8n routes the item to the error output', () => {
    const cause = thrown(() =>
      assertOrderAllowed(
        { ...order, quantity: 9000 },
        { service: 199825, category: 'Steam', name: 'Likes', min: 10, max: 5000 },
      ),
    );
    const json = errorItemJson(toNodeError(node, cause), cause);
    expect(Object.keys(json)).toEqual(['error', 'details']);
    expect(json.details).toMatchObject({
      code: 'invalid_request',
      field: 'quantity',
      serviceId: 199825,
      min: 10,
      max: 5000,
    });
  });
});
