import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AbortedError,
  AuthenticationError,
  ConnectionError,
  errorFromHttp,
  errorFromRefusal,
  InsufficientFundsError,
  InvalidRequestError,
  InvalidResponseError,
  isResellerError,
  NotFoundError,
  RateLimitedError,
  ResellerError,
  requestIdOf,
  ServerError,
  TimeoutError,
  UnknownOutcomeError,
  unknownOutcomeMessage,
  withRefusalFacts,
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

const PROPERTY_RUNS = Number(process.env.CAPPI_PROPERTY_RUNS ?? 200);

/** The fields an error carries (own, enumerable), sorted: an unknown field is left out, never set to undefined. */
function fieldsOf(error: object): string[] {
  return Object.keys(error).sort();
}

const ORDER = { serviceId: 7, link: 'https://example.com/p/1', quantity: 100 };
const SENT_AT = '2026-01-01T00:00:00.000Z';

describe('the error classes', () => {
  it('each has its own code and name, and says whether a retry may succeed', () => {
    const cases: [ResellerError, string, string, boolean][] = [
      [new AuthenticationError('m'), 'authentication', 'AuthenticationError', false],
      [new InsufficientFundsError('m'), 'insufficient_funds', 'InsufficientFundsError', false],
      [new InvalidRequestError('m'), 'invalid_request', 'InvalidRequestError', false],
      [new NotFoundError('m'), 'not_found', 'NotFoundError', false],
      [new RateLimitedError('m'), 'rate_limited', 'RateLimitedError', true],
      [new ServerError('m', { status: 500 }), 'server', 'ServerError', true],
      [new ConnectionError('m'), 'connection', 'ConnectionError', true],
      [new TimeoutError('m', { timeoutMs: 5000 }), 'timeout', 'TimeoutError', true],
      [new InvalidResponseError('m'), 'invalid_response', 'InvalidResponseError', false],
      [
        new UnknownOutcomeError('m', { order: ORDER, sentAt: SENT_AT }),
        'unknown_outcome',
        'UnknownOutcomeError',
        false,
      ],
      [new AbortedError('m'), 'aborted', 'AbortedError', false],
    ];
    for (const [error, code, name, retryable] of cases) {
      expect({ code: error.code, name: error.name, retryable: error.retryable }).toEqual({ code, name, retryable });
      expect(String(error)).toBe(`${name}: m`);
      expect(isResellerError(error)).toBe(true);
    }
    expect(new InvalidResponseError('m', { retryable: true }).retryable).toBe(true);
  });

  it('the base class, constructed directly, is a ResellerError', () => {
    const error = new ResellerError('server', 'boom');
    expect(String(error)).toBe('ResellerError: boom');
    expect(error.retryable).toBe(false);
    expect(fieldsOf(error)).toEqual(['code', 'name', 'retryable']);
  });

  it('keeps the cause when given one, and has none otherwise', () => {
    const error = new ConnectionError('no connection', { cause: 'ECONNREFUSED', operation: 'Balance' });
    expect(error.cause).toBe('ECONNREFUSED');
    expect(error.operation).toBe('Balance');
    expect('cause' in new ConnectionError('no connection')).toBe(false);
  });

  it('a TimeoutError keeps its time limit and the answer details', () => {
    const error = new TimeoutError('no answer within 5 s', { timeoutMs: 5000, operation: 'ServicesList' });
    expect(error).toMatchObject({ timeoutMs: 5000, operation: 'ServicesList', retryable: true });
    expect(fieldsOf(error)).toEqual(['code', 'name', 'operation', 'retryable', 'timeoutMs']);
  });

  it('carries exactly the details that are known (none set to undefined), with their values', () => {
    const common = {
      operation: fc.constantFrom('Balance', 'ServicesList', 'OrderStatus', 'RegisterOrder' as const),
      status: fc.integer({ min: 100, max: 599 }),
      requestId: fc.string(),
      headers: fc.dictionary(fc.string(), fc.string()),
    };
    const number = fc.integer();
    const maybe = <T>(arbitraries: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
      fc.record(
        Object.fromEntries(
          Object.entries(arbitraries).map(([key, arbitrary]) => [
            key,
            fc.option(arbitrary as fc.Arbitrary<unknown>, { nil: undefined }),
          ]),
        ),
        { requiredKeys: [] },
      );
    const classes: [fc.Arbitrary<Record<string, unknown>>, (details: never) => ResellerError][] = [
      [maybe(common), (d) => new AuthenticationError('m', d)],
      [
        maybe({ ...common, balance: number, cost: number, currency: fc.string() }),
        (d) => new InsufficientFundsError('m', d),
      ],
      [
        maybe({
          ...common,
          field: fc.constantFrom('serviceId', 'link', 'quantity', 'orderId'),
          serviceId: number,
          min: number,
          max: number,
        }),
        (d) => new InvalidRequestError('m', d),
      ],
      [maybe({ ...common, orderId: number }), (d) => new NotFoundError('m', d)],
      [maybe({ ...common, retryAfterMs: number }), (d) => new RateLimitedError('m', d)],
      [maybe({ ...common, retryAfterMs: number }).map((d) => ({ ...d, status: 503 })), (d) => new ServerError('m', d)],
      [maybe(common), (d) => new ConnectionError('m', d)],
      [maybe(common), (d) => new AbortedError('m', d)],
      [maybe(common), (d) => new InvalidResponseError('m', d)],
      [maybe(common).map((d) => ({ ...d, timeoutMs: 1000 })), (d) => new TimeoutError('m', d)],
    ];
    for (const [details, make] of classes) {
      fc.assert(
        fc.property(details, (given) => {
          const error = make(given as never);
          const known = Object.entries(given).filter(([, value]) => value !== undefined);
          expect(fieldsOf(error)).toEqual([...known.map(([key]) => key), 'code', 'name', 'retryable'].sort());
          for (const [key, value] of known) expect((error as unknown as Record<string, unknown>)[key]).toEqual(value);
        }),
        { numRuns: PROPERTY_RUNS },
      );
    }
  });

  it('toJSON gives the name, the message and every known field, and JSON of an error is the same', () => {
    const error = new InsufficientFundsError('short', { balance: 1, currency: 'USD', operation: 'RegisterOrder' });
    const json = error.toJSON();
    expect(json).toStrictEqual({
      name: 'InsufficientFundsError',
      message: 'short',
      code: 'insufficient_funds',
      retryable: false,
      operation: 'RegisterOrder',
      balance: 1,
      currency: 'USD',
    });
    expect(Object.keys(json).slice(0, 2)).toEqual(['name', 'message']);
    expect(JSON.parse(JSON.stringify(error))).toStrictEqual(json);
  });
});

describe('unknownOutcomeMessage', () => {
  it('says which order, when, that it may have been placed and what to do', () => {
    expect(unknownOutcomeMessage(ORDER, SENT_AT, 'the connection broke')).toBe(
      'the order may have been placed: the connection broke (service 7, quantity 100, link https://example.com/p/1, ' +
        'sent at 2026-01-01T00:00:00.000Z). Check your recent orders and your balance before placing it again; ' +
        'do not simply retry it',
    );
  });
});

describe('errorFromHttp, every message and field', () => {
  it('a 403 without a body names the key to check and quotes nothing', () => {
    const error = errorFromHttp(403, undefined, { operation: 'Balance' });
    expect(error.message).toBe('the API key was rejected (HTTP 403): check CAPPI_API_KEY');
    expect(fieldsOf(error)).toEqual(['code', 'name', 'operation', 'retryable', 'status']);
  });

  it('a 422 is an InvalidRequestError too; without a body the message quotes nothing and names no field', () => {
    const error = errorFromHttp(422, undefined, { operation: 'RegisterOrder' });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('the API rejected the RegisterOrder request (HTTP 422)');
    expect(fieldsOf(error)).toEqual(['code', 'name', 'operation', 'retryable', 'status']);
  });

  it('names the first order field among the validation errors, whatever its case or JSON-path prefix', () => {
    const fieldOf = (errors: Record<string, string[]>) =>
      (errorFromHttp(400, { errors }, { operation: 'RegisterOrder' }) as InvalidRequestError).field;
    expect(fieldOf({ serviceId: ['x'] })).toBe('serviceId');
    expect(fieldOf({ '$.Link': ['x'] })).toBe('link');
    expect(fieldOf({ '$.LINK': ['x'] })).toBe('link');
    expect(fieldOf({ '$.quantity': ['x'] })).toBe('quantity');
    expect(fieldOf({ OrderId: ['x'] })).toBe('orderId');
    expect(fieldOf({ comment: ['x'], '$.serviceid': ['x'] })).toBe('serviceId');
    expect(fieldOf({ comment: ['x'], 'x.link': ['x'] })).toBeUndefined();
  });

  it('a 404 is about the order only for OrderStatus with an order id; otherwise about the address', () => {
    expect(errorFromHttp(404, undefined, { operation: 'Balance', orderId: 9 }).message).toBe(
      'the API has no Balance endpoint at this address (HTTP 404): check baseUrl',
    );
    const noId = errorFromHttp(404, undefined, { operation: 'OrderStatus' });
    expect(noId.message).toBe('the API has no OrderStatus endpoint at this address (HTTP 404): check baseUrl');
    expect(fieldsOf(noId)).toEqual(['code', 'name', 'operation', 'retryable', 'status']);
  });

  it('a 429 says how long to wait only when the API said so, in seconds or in ms', () => {
    const bare = errorFromHttp(429, undefined, { operation: 'Balance' });
    expect(bare.code).toBe('rate_limited');
    expect(bare.message).toBe('the API is rate limiting requests (HTTP 429): slow down and try again later');
    expect(fieldsOf(bare)).toEqual(['code', 'name', 'operation', 'retryable', 'status']);
    expect(errorFromHttp(429, undefined, { operation: 'Balance', retryAfterMs: 2000 }).message).toBe(
      'the API is rate limiting requests (HTTP 429); the API asked to wait 2 s: slow down and try again later',
    );
    expect(errorFromHttp(429, undefined, { operation: 'Balance', retryAfterMs: 1500 }).message).toBe(
      'the API is rate limiting requests (HTTP 429); the API asked to wait 1500 ms: slow down and try again later',
    );
  });

  it('a 5xx names the operation and quotes the API; Retry-After only when given', () => {
    const bare = errorFromHttp(500, undefined, { operation: 'ServicesList' });
    expect(bare.message).toBe('the API failed to handle ServicesList (HTTP 500); try again later');
    expect(fieldsOf(bare)).toEqual(['code', 'name', 'operation', 'retryable', 'status']);
    expect(errorFromHttp(503, { detail: 'Down for maintenance.' }, { operation: 'Balance' }).message).toBe(
      'the API failed to handle Balance (HTTP 503) (the API said: Down for maintenance.); try again later',
    );
  });

  it('an unexpected status is an InvalidResponseError quoting the API', () => {
    const error = errorFromHttp(418, { title: "I'm a teapot" }, { operation: 'Balance' });
    expect(error.code).toBe('invalid_response');
    expect(error.message).toBe(
      "the API answered Balance with an unexpected HTTP 418 (the API said: I'm a teapot): check baseUrl",
    );
  });

  it('copies the request id and the headers of the answer; a given request id wins', () => {
    const headers = { 'x-request-id': 'req-1', 'content-type': 'application/problem+json' };
    const error = errorFromHttp(500, { traceId: 'trace-1' }, { operation: 'Balance', headers });
    expect(error).toMatchObject({ requestId: 'req-1', headers, status: 500 });
    expect(errorFromHttp(500, { traceId: 'trace-1' }, { operation: 'Balance' }).requestId).toBe('trace-1');
    expect(errorFromHttp(500, undefined, { operation: 'Balance', requestId: 'given', headers }).requestId).toBe(
      'given',
    );
  });

  it('quotes the detail, else the title, trimmed, then each validation error', () => {
    const said = (body: unknown) => errorFromHttp(400, body, { operation: 'RegisterOrder' }).message;
    const prefix = 'the API rejected the RegisterOrder request (HTTP 400)';
    expect(said({ title: 'Bad', detail: '  The quantity is too small.  ' })).toBe(
      `${prefix}: The quantity is too small.`,
    );
    expect(said({ title: ' Bad request ', detail: 42 })).toBe(`${prefix}: Bad request`);
    expect(said({ detail: '   ', errors: { quantity: ['Too small.'] } })).toBe(`${prefix}: quantity: Too small.`);
    expect(said({ detail: '   ' })).toBe(prefix);
    expect(said({ title: 'Bad', errors: null })).toBe(`${prefix}: Bad`);
    expect(said({ errors: { quantity: ['Too small.', 7, 'At least 10.'], link: 'not a list' } })).toBe(
      `${prefix}: quantity: Too small. At least 10.; link: `,
    );
  });

  it('cuts a quoted text after 300 characters', () => {
    const said = (detail: string) => errorFromHttp(500, { detail }, { operation: 'Balance' }).message;
    const exactly = 'a'.repeat(300);
    expect(said(exactly)).toBe(
      `the API failed to handle Balance (HTTP 500) (the API said: ${exactly}); try again later`,
    );
    expect(said(`${exactly}bc`)).toBe(
      `the API failed to handle Balance (HTTP 500) (the API said: ${exactly}...); try again later`,
    );
    const long = errorFromHttp(400, { errors: { link: [`${exactly}b`] } }, { operation: 'RegisterOrder' });
    expect(long.message).toBe(`the API rejected the RegisterOrder request (HTTP 400): link: ${exactly}...`);
  });

  it('reads no problem out of a body that is not an object', () => {
    for (const body of [null, 'Internal Server Error', 500, ['error']]) {
      const error = errorFromHttp(500, body, { operation: 'Balance' });
      expect(error.message).toBe('the API failed to handle Balance (HTTP 500); try again later');
      expect(error.requestId).toBeUndefined();
    }
  });
});

describe('requestIdOf', () => {
  const NAMES = ['x-request-id', 'request-id', 'x-correlation-id', 'x-trace-id', 'traceparent'];

  it('reads the most specific request-id header there is', () => {
    NAMES.forEach((_, first) => {
      const headers = Object.fromEntries(NAMES.slice(first).map((name) => [name, ` id-${name} `]));
      expect(requestIdOf({ 'content-type': 'application/json', ...headers }, undefined)).toBe(`id-${NAMES[first]}`);
    });
  });

  it('skips a blank header, then falls back to the problem traceId, trimmed', () => {
    expect(requestIdOf({ 'x-request-id': '  ', 'x-trace-id': 'abc' }, undefined)).toBe('abc');
    expect(requestIdOf({ 'x-request-id': '' }, { traceId: ' 00-abc-01 ' })).toBe('00-abc-01');
    expect(requestIdOf({ date: 'today' }, { traceId: '00-abc-01' })).toBe('00-abc-01');
    expect(requestIdOf(undefined, { traceId: '00-abc-01' })).toBe('00-abc-01');
  });

  it('is undefined when the answer carried neither', () => {
    expect(requestIdOf(undefined, undefined)).toBeUndefined();
    expect(requestIdOf({ 'x-request-id': ' ' }, { traceId: '  ' })).toBeUndefined();
    expect(requestIdOf({}, { traceId: 12 })).toBeUndefined();
    expect(requestIdOf({}, null)).toBeUndefined();
  });
});

describe('errorFromRefusal, every message and field', () => {
  const FUNDS = { success: false, orderId: null, insufficientFunds: true };

  it('without amounts or a reason, says the balance does not cover the order', () => {
    for (const error of [errorFromRefusal(FUNDS), errorFromRefusal({ ...FUNDS, error: '   ' })]) {
      expect(error.message).toBe(
        'insufficient funds: the balance does not cover this order; nothing was placed. Top up the balance or order less',
      );
      expect(fieldsOf(error)).toEqual(['code', 'currency', 'name', 'operation', 'retryable']);
      expect(error).toMatchObject({ operation: 'RegisterOrder', currency: 'USD' });
    }
    expect(errorFromRefusal({ ...FUNDS, error: '  Not enough money.  ' }).message).toBe(
      'insufficient funds: the balance does not cover this order (the API said: Not enough money.); nothing was placed. Top up the balance or order less',
    );
  });

  it('says the amounts it knows, in the currency (USD rounded half up to cents)', () => {
    const balance = errorFromRefusal(FUNDS, { balance: 1.005 });
    expect(balance.message).toBe(
      'insufficient funds: balance is 1.01 USD; nothing was placed. Top up the balance or order less',
    );
    expect(fieldsOf(balance)).toEqual(['balance', 'code', 'currency', 'name', 'operation', 'retryable']);
    const cost = errorFromRefusal(FUNDS, { cost: 4.8, currency: 'usd' });
    expect(cost.message).toBe(
      'insufficient funds: this order costs 4.80 USD; nothing was placed. Top up the balance or order less',
    );
    expect(fieldsOf(cost)).toEqual(['code', 'cost', 'currency', 'name', 'operation', 'retryable']);
    expect(errorFromRefusal(FUNDS, { balance: 3.2, cost: 4.8, currency: 'EUR' }).message).toBe(
      'insufficient funds: balance is 3.20 EUR, this order costs 4.80 EUR; nothing was placed. Top up the balance or order less',
    );
  });

  it('copies the operation and what the answer said about itself', () => {
    const headers = { 'request-id': 'r-9' };
    const error = errorFromRefusal(
      { success: false, error: 'No.' },
      { operation: 'RegisterOrder', status: 200, headers },
    );
    expect(error).toMatchObject({ operation: 'RegisterOrder', status: 200, requestId: 'r-9', headers });
    expect(errorFromRefusal({ success: false }, { requestId: 'given', headers }).requestId).toBe('given');
    expect(fieldsOf(errorFromRefusal({ success: false }))).toEqual(['code', 'name', 'operation', 'retryable']);
    expect(errorFromRefusal({ success: false }).operation).toBe('RegisterOrder');
  });

  it('guesses the field from the reason, trimmed', () => {
    const refusal = (error: string) => errorFromRefusal({ success: false, error }) as InvalidRequestError;
    expect(refusal('  The link is not valid.  ').message).toBe(
      'the order was refused, nothing was placed: The link is not valid.',
    );
    expect(refusal('The link is not valid.').field).toBe('link');
    expect(refusal('Bad URL').field).toBe('link');
    expect(refusal('Maximum is 1000').field).toBe('quantity');
    expect(refusal('Below the MINIMUM').field).toBe('quantity');
    expect(refusal('Service 7 is disabled.').field).toBe('serviceId');
    const none = refusal('Daily limit reached.');
    expect(fieldsOf(none)).toEqual(['code', 'name', 'operation', 'retryable']);
    expect(errorFromRefusal({ success: false, error: '  ' }).message).toBe(
      'the order was refused, nothing was placed: the API gave no reason',
    );
  });

  it('on a quantity refusal, gives the allowed quantities it knows; on another refusal, none', () => {
    const quantity = { success: false, error: 'Quantity is too small.' };
    const both = errorFromRefusal(quantity, { order: ORDER, min: 10, max: 1000 });
    expect(both.message).toBe(
      'the order was refused, nothing was placed: Quantity is too small. (allowed: 10 to 1000)',
    );
    expect(both).toMatchObject({ field: 'quantity', serviceId: 7, min: 10, max: 1000 });
    const minOnly = errorFromRefusal(quantity, { min: 10 });
    expect(minOnly.message).toBe('the order was refused, nothing was placed: Quantity is too small.');
    expect(fieldsOf(minOnly)).toEqual(['code', 'field', 'min', 'name', 'operation', 'retryable']);
    const maxOnly = errorFromRefusal(quantity, { max: 1000 });
    expect(maxOnly.message).toBe('the order was refused, nothing was placed: Quantity is too small.');
    expect(fieldsOf(maxOnly)).toEqual(['code', 'field', 'max', 'name', 'operation', 'retryable']);
    const link = errorFromRefusal({ success: false, error: 'Invalid link.' }, { order: ORDER, min: 10, max: 1000 });
    expect(link.message).toBe('the order was refused, nothing was placed: Invalid link.');
    expect(fieldsOf(link)).toEqual(['code', 'field', 'name', 'operation', 'retryable', 'serviceId']);
  });
});

describe('withRefusalFacts', () => {
  const headers = { 'x-request-id': 'r-1' };
  const answer = { operation: 'RegisterOrder' as const, status: 200, headers };
  const funds = errorFromRefusal({ success: false, insufficientFunds: true }, answer);
  const quantity = errorFromRefusal({ success: false, error: 'Quantity is too small.' }, { ...answer, order: ORDER });

  it('adds the balance and the cost to an insufficient-funds refusal that lacks them', () => {
    const error = withRefusalFacts(funds, { balance: 3.2, cost: 4.8 });
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error.message).toBe(
      'insufficient funds: balance is 3.20 USD, this order costs 4.80 USD; nothing was placed. Top up the balance or order less',
    );
    expect(error).toMatchObject({ balance: 3.2, cost: 4.8, currency: 'USD', requestId: 'r-1', status: 200, headers });
    expect(error.operation).toBe('RegisterOrder');
  });

  it('says the amounts in the currency of the facts, else of the error', () => {
    expect(withRefusalFacts(funds, { balance: 3.2, currency: 'EUR' }).message).toMatch(
      /^insufficient funds: balance is 3\.20 EUR;/,
    );
    const inEur = errorFromRefusal({ success: false, insufficientFunds: true }, { currency: 'EUR' });
    expect(withRefusalFacts(inEur, { balance: 3.2 }).message).toMatch(/^insufficient funds: balance is 3\.20 EUR;/);
  });

  it('adds the allowed quantities to a quantity refusal that lacks them', () => {
    const error = withRefusalFacts(quantity, { min: 10, max: 1000, balance: 50 });
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe(
      'the order was refused, nothing was placed: Quantity is too small. (allowed: 10 to 1000)',
    );
    expect(error).toMatchObject({ field: 'quantity', serviceId: 7, min: 10, max: 1000, requestId: 'r-1', headers });
    const noService = withRefusalFacts(errorFromRefusal({ success: false, error: 'Quantity is too small.' }), {
      min: 10,
      max: 1000,
    });
    expect(fieldsOf(noService)).toEqual(['code', 'field', 'max', 'min', 'name', 'operation', 'retryable']);
  });

  it('gives back the error itself when the facts add nothing', () => {
    const known = errorFromRefusal({ success: false, insufficientFunds: true }, { balance: 1, cost: 2 });
    expect(withRefusalFacts(known, { balance: 3, cost: 4 })).toBe(known);
    expect(withRefusalFacts(funds, { cost: 4 })).toBe(funds);
    const limited = errorFromRefusal({ success: false, error: 'Quantity is too small.' }, { min: 10, max: 1000 });
    expect(withRefusalFacts(limited, { min: 5, max: 50 })).toBe(limited);
    expect(withRefusalFacts(quantity, { min: 10 })).toBe(quantity);
    expect(withRefusalFacts(quantity, { max: 1000 })).toBe(quantity);
    const link = errorFromRefusal({ success: false, error: 'Invalid link.' });
    expect(withRefusalFacts(link, { min: 10, max: 1000, balance: 5 })).toBe(link);
    const server = errorFromHttp(500, undefined, { operation: 'RegisterOrder' });
    expect(withRefusalFacts(server, { min: 10, max: 1000, balance: 5 })).toBe(server);
  });
});
