import { describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  errorFromHttp,
  errorFromRefusal,
  InsufficientFundsError,
  InvalidRequestError,
  InvalidResponseError,
  isResellerError,
  NotFoundError,
  RateLimitedError,
  ServerError,
  UnknownOutcomeError,
  unknownOutcomeMessage,
} from './errors.js';

describe('errorFromHttp', () => {
  it('maps 401 and 403 to AuthenticationError that names the key to check', () => {
    const error = errorFromHttp(
      401,
      { title: 'Unauthorized', status: 401, detail: 'Invalid API key.' },
      { operation: 'Balance' },
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toBe(
      'the API key was rejected (HTTP 401): check CAPPI_API_KEY (the API said: Invalid API key.)',
    );
    expect(error).toMatchObject({ code: 'authentication', status: 401, operation: 'Balance', retryable: false });
    expect(errorFromHttp(403, undefined, { operation: 'Balance' })).toBeInstanceOf(AuthenticationError);
  });

  it('maps 400 validation problems to InvalidRequestError with the field', () => {
    const body = {
      title: 'One or more validation errors occurred.',
      status: 400,
      errors: { quantity: ["The value 'abc' is not valid."] },
    };
    const error = errorFromHttp(400, body, { operation: 'RegisterOrder' });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).field).toBe('quantity');
    expect(error.message).toBe(
      "the API rejected the RegisterOrder request (HTTP 400): One or more validation errors occurred.; quantity: The value 'abc' is not valid.",
    );
  });

  it('maps 404 on OrderStatus to NotFoundError with the order id', () => {
    const error = errorFromHttp(404, { detail: 'Order 9 was not found.' }, { operation: 'OrderStatus', orderId: 9 });
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ orderId: 9, code: 'not_found' });
    expect(error.message).toBe('order 9 was not found for this API key (HTTP 404): check the order id');
    expect(errorFromHttp(404, undefined, { operation: 'Balance' }).message).toContain('check baseUrl');
  });

  it('maps 429 to a retryable RateLimitedError carrying Retry-After', () => {
    const error = errorFromHttp(429, { title: 'Too Many Requests' }, { operation: 'Balance', retryAfterMs: 2000 });
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 2000, retryable: true });
    expect(error.message).toContain('the API asked to wait 2 s');
  });

  it('maps 408 and 5xx to a retryable ServerError', () => {
    for (const status of [408, 500, 502, 503, 504]) {
      const error = errorFromHttp(status, undefined, { operation: 'ServicesList' });
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ status, retryable: true, code: 'server' });
    }
    expect(errorFromHttp(503, undefined, { operation: 'Balance', retryAfterMs: 1000 })).toMatchObject({
      retryAfterMs: 1000,
    });
  });

  it('maps anything else (a redirect, a 418) to a non-retryable InvalidResponseError', () => {
    const error = errorFromHttp(302, undefined, { operation: 'Balance' });
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('the API answered Balance with an unexpected HTTP 302: check baseUrl');
  });
});

describe('errorFromRefusal', () => {
  it('turns insufficientFunds into InsufficientFundsError, with amounts when known', () => {
    const result = { success: false, orderId: null, insufficientFunds: true, error: 'Insufficient funds.' };
    const bare = errorFromRefusal(result);
    expect(bare).toBeInstanceOf(InsufficientFundsError);
    expect(bare.message).toContain(
      'insufficient funds: the balance does not cover this order (the API said: Insufficient funds.)',
    );
    const known = errorFromRefusal(result, { balance: 3.2, cost: 4.8 });
    expect(known.message).toMatch(/^insufficient funds: balance is 3\.20 USD, this order costs 4\.80 USD/);
    expect(known).toMatchObject({
      balance: 3.2,
      cost: 4.8,
      currency: 'USD',
      code: 'insufficient_funds',
      retryable: false,
    });
  });

  it('turns other refusals into InvalidRequestError quoting the reason', () => {
    const order = { serviceId: 5, link: 'https://x.y/z', quantity: 1 };
    const error = errorFromRefusal({ success: false, error: 'Quantity is below the minimum.' }, { order });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('the order was refused, nothing was placed: Quantity is below the minimum.');
    expect(error).toMatchObject({ field: 'quantity', serviceId: 5 });
    expect(errorFromRefusal({ success: false }).message).toContain('the API gave no reason');
  });
});

describe('ResellerError', () => {
  it('serialises to plain data with its fields and no cause', () => {
    const order = { serviceId: 1, link: 'https://a.b/c', quantity: 10 };
    const error = new UnknownOutcomeError(
      unknownOutcomeMessage(order, '2026-01-01T00:00:00.000Z', 'the connection was lost'),
      {
        order,
        sentAt: '2026-01-01T00:00:00.000Z',
        cause: { secret: 'raw' },
      },
    );
    const json = JSON.parse(JSON.stringify(error));
    expect(json).toEqual({
      name: 'UnknownOutcomeError',
      message: error.message,
      code: 'unknown_outcome',
      operation: 'RegisterOrder',
      retryable: false,
      order,
      sentAt: '2026-01-01T00:00:00.000Z',
    });
    expect(error.message).toMatch(/^the order may have been placed: the connection was lost/);
    expect(error.message).toContain('before placing it again');
    expect(String(error)).toBe(`UnknownOutcomeError: ${error.message}`);
  });

  it('is recognised by isResellerError and nothing else is', () => {
    expect(isResellerError(new ServerError('x', { status: 500 }))).toBe(true);
    expect(isResellerError(new Error('x'))).toBe(false);
    expect(isResellerError({ code: 'server' })).toBe(false);
  });
});
