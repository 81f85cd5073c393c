// The pure rules of classifyOrderAttempt, for what a sandbox cannot easily produce (the sandbox table in
// src/order-outcome.sandbox.test.ts covers what it can, over real HTTP).
import { describe, expect, it } from 'vitest';
import { ConnectionError, InvalidRequestError } from './errors.js';
import { classifyOrderAttempt, isNotSentCode, type OrderAttempt } from './order-outcome.js';

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

/** The sentence every unknown outcome of `context`'s order ends with (errors.ts, unknownOutcomeMessage). */
const tail =
  ' (service 1, quantity 10, link https://example.com/p, sent at 2030-01-01T00:00:00.000Z). Check your recent orders ' +
  'and your balance before placing it again; do not simply retry it';

function unknownError(attempt: OrderAttempt) {
  const outcome = classifyOrderAttempt(attempt, context);
  if (outcome.kind !== 'unknown') throw new Error(`expected unknown, got ${outcome.kind}`);
  return outcome.error;
}

function refusedError(attempt: OrderAttempt) {
  const outcome = classifyOrderAttempt(attempt, context);
  if (outcome.kind !== 'refused') throw new Error(`expected refused, got ${outcome.kind}`);
  return outcome.error;
}

describe('classifyOrderAttempt: what each outcome says', () => {
  // Every code that proves the connection was never made: the order is safe to send again.
  it.each([
    'ECONNREFUSED',
    'ENOTFOUND',
    'EAI_AGAIN',
    'EAI_NONAME',
    'EAI_FAIL',
    'ENETUNREACH',
    'EHOSTUNREACH',
    'EHOSTDOWN',
    'UND_ERR_CONNECT_TIMEOUT',
    'CERT_HAS_EXPIRED',
    'CERT_NOT_YET_VALID',
    'CERT_REVOKED',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'ERR_TLS_CERT_ALTNAME_INVALID',
    'ERR_SSL_WRONG_VERSION_NUMBER',
  ])('not placed after %s, with a connection error that says where and what to check', (code) => {
    expect(isNotSentCode(code)).toBe(true);
    const outcome = classifyOrderAttempt({ kind: 'network_error', code, reason: `connect ${code}` }, context);
    if (outcome.kind !== 'not_placed') throw new Error(`expected not_placed, got ${outcome.kind}`);
    expect(outcome.error).toBeInstanceOf(ConnectionError);
    expect(outcome.error).toMatchObject({ code: 'connection', operation: 'RegisterOrder', retryable: true });
    expect(outcome.error.message).toBe(
      `could not connect to the Cappi API at https://api.example (connect ${code}); the order was not sent: check baseUrl and the network`,
    );
  });

  it('a code that is no proof, or none, is not a not-sent code', () => {
    for (const code of ['ECONNRESET', 'EPIPE', 'econnrefused', '', undefined]) expect(isNotSentCode(code)).toBe(false);
  });

  it('unknown after a lost connection, a timeout or a cancel: says what happened, then which order', () => {
    const lost = unknownError({ kind: 'network_error', code: 'ECONNRESET', reason: 'socket hang up' });
    expect(lost.message).toBe(
      `the order may have been placed: the connection was lost after the request was sent (socket hang up)${tail}`,
    );
    expect(lost).toMatchObject({ code: 'unknown_outcome', operation: 'RegisterOrder', retryable: false });
    expect(lost.order).toEqual(context.order);
    expect(lost.sentAt).toBe(context.sentAt);
    expect(unknownError({ kind: 'timeout', timeoutMs: 1500 }).message).toBe(
      `the order may have been placed: the request was sent but no answer arrived within 1500 ms${tail}`,
    );
    expect(unknownError({ kind: 'canceled' }).message).toBe(
      `the order may have been placed: the request was canceled after it was sent${tail}`,
    );
  });

  it('unknown after a 5xx: a gateway for 502 and 504, the service for the others', () => {
    for (const status of [502, 504]) {
      expect(unknownError(answer(status)).message).toBe(
        `the order may have been placed: a gateway answered HTTP ${status} after the request reached it, so the order may have been taken before the failure${tail}`,
      );
    }
    for (const status of [500, 501, 503, 505]) {
      expect(unknownError(answer(status)).message).toBe(
        `the order may have been placed: the service answered HTTP ${status} after the request reached it, so the order may have been taken before the failure${tail}`,
      );
    }
  });

  it("an unknown outcome keeps the answer's status, request id and headers", () => {
    const headers = { 'x-request-id': 'req-7', 'content-type': 'application/json' };
    const error = unknownError({ kind: 'answer', status: 503, body: {}, headers });
    expect(error).toMatchObject({ status: 503, requestId: 'req-7', headers });
    // Without headers, the problem details' traceId is the request id; nothing is made up.
    const bare = unknownError(answer(500, { traceId: '00-abc-01' }));
    expect(bare).toMatchObject({ status: 500, requestId: '00-abc-01' });
    expect(bare.headers).toBeUndefined();
    expect(unknownError(answer(500)).requestId).toBeUndefined();
  });

  it('unknown after a 2xx that could not be read or understood', () => {
    const headers = { 'request-id': 'r-2' };
    const unreadable = unknownError({ kind: 'answer', status: 200, body: undefined, bodyUnreadable: true, headers });
    expect(unreadable.message).toBe(
      `the order may have been placed: the request was sent but the answer could not be read${tail}`,
    );
    expect(unreadable).toMatchObject({ status: 200, requestId: 'r-2', headers });
    // A body the transport kept although it could not read all of it is not trusted, not even a success.
    expect(
      classifyOrderAttempt(
        { kind: 'answer', status: 200, body: { success: true, orderId: 5 }, bodyUnreadable: true },
        context,
      ).kind,
    ).toBe('unknown');
    expect(unknownError(answer(200, { ok: 1 })).message).toBe(
      `the order may have been placed: the answer could not be understood (the API answered RegisterOrder with an unexpected body: the order result has no valid 'success' (got nothing))${tail}`,
    );
    expect(unknownError(answer(201, 'ok')).message).toBe(
      `the order may have been placed: the answer could not be understood (the API answered RegisterOrder with an unexpected body: the order result is not an object (got the text "ok"))${tail}`,
    );
  });

  it('unknown after a success with no usable order id; placed from order id 1 on', () => {
    for (const body of [
      { success: true },
      { success: true, orderId: null },
      { success: true, orderId: 0 },
      { success: true, orderId: -3 },
    ]) {
      expect(unknownError(answer(200, body)).message).toBe(
        `the order may have been placed: the API said the order succeeded but gave no usable order id${tail}`,
      );
    }
    expect(classifyOrderAttempt(answer(200, { success: true, orderId: 1 }), context)).toEqual({
      kind: 'placed',
      orderId: 1,
    });
    expect(classifyOrderAttempt(answer(299, { success: true, orderId: 2 }), context)).toEqual({
      kind: 'placed',
      orderId: 2,
    });
  });

  it('refused: every status outside 2xx below 500, with the error the status maps to', () => {
    for (const status of [100, 199, 300, 304, 400, 499]) expect(kindOf(answer(status))).toBe('refused');
    const notFound = refusedError(answer(404));
    expect(notFound.message).toBe('the API has no RegisterOrder endpoint at this address (HTTP 404): check baseUrl');
    expect(notFound).toMatchObject({ code: 'not_found', operation: 'RegisterOrder', status: 404 });
    const headers = { 'x-request-id': 'rl-1' };
    const limited = refusedError({ kind: 'answer', status: 429, body: {}, retryAfterMs: 2000, headers });
    expect(limited.message).toBe(
      'the API is rate limiting requests (HTTP 429); the API asked to wait 2 s: slow down and try again later',
    );
    expect(limited).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfterMs: 2000,
      requestId: 'rl-1',
      headers,
    });
    expect(refusedError(answer(429)).message).toBe(
      'the API is rate limiting requests (HTTP 429): slow down and try again later',
    );
  });

  it('refused: what the API said in its problem details, unless the body could not be read', () => {
    const problem = { title: 'Quantity is above the maximum', traceId: 't-9' };
    const said = refusedError(answer(400, problem));
    expect(said.message).toBe('the API rejected the RegisterOrder request (HTTP 400): Quantity is above the maximum');
    expect(said).toMatchObject({ code: 'invalid_request', status: 400, requestId: 't-9' });
    const unread = refusedError({ kind: 'answer', status: 400, body: problem, bodyUnreadable: true });
    expect(unread.message).toBe('the API rejected the RegisterOrder request (HTTP 400)');
    expect(unread.requestId).toBeUndefined();
  });

  it("refused with HTTP 200: the API's reason, the order's service, the answer's status and request id", () => {
    const headers = { 'x-request-id': 'ok-3' };
    const error = refusedError({
      kind: 'answer',
      status: 200,
      body: { success: false, error: 'Link is not valid' },
      headers,
    });
    expect(error.message).toBe('the order was refused, nothing was placed: Link is not valid');
    expect(error).toMatchObject({
      code: 'invalid_request',
      operation: 'RegisterOrder',
      serviceId: 1,
      status: 200,
      requestId: 'ok-3',
      headers,
    });
  });
});
