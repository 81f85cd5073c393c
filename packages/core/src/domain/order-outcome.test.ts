// The pure rules of classifyOrderAttempt, for what a sandbox cannot easily produce (the sandbox table in
// src/order-outcome.sandbox.test.ts covers what it can, over real HTTP).
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.js';
import { classifyOrderAttempt, type OrderAttempt } from './order-outcome.js';

const context = {
  order: { serviceId: 1, link: 'https://example.com/p', quantity: 10 },
  sentAt: '2030-01-01T00:00:00.000Z',
  origin: 'https://api.example',
};
const kindOf = (attempt: OrderAttempt) => classifyOrderAttempt(attempt, context).kind;
const answer = (status: number, body: unknown = {}) => ({ kind: 'answer', status, body }) as const;

describe('classifyOrderAttempt', () => {
  it('placed: 200 with success and a usable order id', () => {
    expect(classifyOrderAttempt(answer(200, { success: true, orderId: 12 }), context)).toEqual({
      kind: 'placed',
      orderId: 12,
    });
  });

  it.each([
    ['success without an order id', { success: true }],
    ['an order id of 0', { success: true, orderId: 0 }],
    ['a fractional order id', { success: true, orderId: 1.5 }],
    ['a body that is not the contract', { ok: 1 }],
  ])('unknown: 200 with %s', (_what, body) => {
    expect(kindOf(answer(200, body))).toBe('unknown');
  });

  it('unknown: every 5xx, a timeout, a cancel after sending, an unreadable 2xx', () => {
    for (const status of [500, 501, 502, 503, 504, 599]) expect(kindOf(answer(status))).toBe('unknown');
    expect(kindOf({ kind: 'timeout', timeoutMs: 10 })).toBe('unknown');
    expect(kindOf({ kind: 'canceled' })).toBe('unknown');
    expect(kindOf({ kind: 'answer', status: 200, body: undefined, bodyUnreadable: true })).toBe('unknown');
    expect(kindOf({ kind: 'answer', status: 500, body: undefined, bodyUnreadable: true })).toBe('unknown');
  });

  it('unknown: a network error after the connection was made; not placed only when it never was', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT', undefined]) {
      expect(kindOf({ kind: 'network_error', code, reason: 'x' })).toBe('unknown');
    }
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID']) {
      expect(kindOf({ kind: 'network_error', code, reason: 'x' })).toBe('not_placed');
    }
  });

  it('refused: 4xx, a redirect (never followed), and a 200 refusal', () => {
    for (const status of [400, 401, 403, 404, 408, 422, 429, 301, 302]) expect(kindOf(answer(status))).toBe('refused');
    expect(kindOf({ kind: 'answer', status: 400, body: undefined, bodyUnreadable: true })).toBe('refused');
    const refusal = classifyOrderAttempt(answer(200, { success: false, insufficientFunds: true }), context);
    expect(refusal.kind).toBe('refused');
    expect(refusal.kind === 'refused' && refusal.error.code).toBe('insufficient_funds');
  });

  it('not placed: stopped before sending, with the error that says why', () => {
    const error = new InvalidRequestError('bad');
    expect(classifyOrderAttempt({ kind: 'not_sent', error }, context)).toEqual({ kind: 'not_placed', error });
  });

  it('an unknown outcome says so first, names the order, and is never retryable', () => {
    const outcome = classifyOrderAttempt(answer(502), context);
    if (outcome.kind !== 'unknown') throw new Error('expected unknown');
    expect(outcome.error.message).toMatch(/^the order may have been placed: a gateway answered HTTP 502/);
    expect(outcome.error.message).toContain('service 1, quantity 10, link https://example.com/p');
    expect(outcome.error).toMatchObject({ retryable: false, status: 502, sentAt: context.sentAt });
  });
});
