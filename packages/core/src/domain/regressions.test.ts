// Cases written against the mutants that survived the first mutation run (docs/mutation-testing.md): each one
// pins a check whose removal no other test noticed.
import { describe, expect, it } from 'vitest';
import { InsufficientFundsError, InvalidRequestError, InvalidResponseError, withRefusalFacts } from './errors.js';
import { formatUsd, multiplyToCents, roundMoney } from './money.js';
import { priceOf, quoteOrder } from './quote.js';
import { redactHeaders, redactUrl } from './redact.js';
import { parseBalance, parseOrderStatus, parseRegisterOrderResult, parseServices } from './responses.js';
import { isFinalState, normalizeOrderStatus, normalizeStatusText } from './status.js';
import type { Service } from './types.js';
import { MAX_LINK_LENGTH, validateOrderId, validateOrderInput } from './validate.js';

const status = {
  status: 'Completed',
  charge: 1.2,
  walletReturn: 0.3,
  mode: null,
  success: 3,
  failed: 1,
  observation: null,
  currency: 'USD',
};

function responseError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidResponseError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidResponseError');
}

describe('responses: every field check', () => {
  it('a balance needs a finite number and a text currency', () => {
    expect(responseError(() => parseBalance({ balance: '5', currency: 'USD' }))).toBe(
      `the API answered Balance with an unexpected body: the balance has no valid 'balance' (got the text "5")`,
    );
    expect(responseError(() => parseBalance({ balance: Number.NaN, currency: 'USD' }))).toContain("'balance'");
    expect(responseError(() => parseBalance({ balance: 5, currency: 5 }))).toBe(
      "the API answered Balance with an unexpected body: the balance has no valid 'currency' (got 5)",
    );
    expect(responseError(() => parseBalance([]))).toBe(
      'the API answered Balance with an unexpected body: the balance is not an object (got a list)',
    );
    expect(responseError(() => parseBalance(null))).toContain('(got null)');
  });

  it('a service needs text names and a numeric rate when it has one', () => {
    const good = { service: 1, category: 'Steam', name: 'x', min: 1, max: 100 };
    for (const [field, value] of [
      ['category', 1],
      ['name', null],
      ['rate', '0.1'],
      ['rate', Number.POSITIVE_INFINITY],
      ['desc', 5],
      ['min', 1.5],
      ['max', '100'],
      ['service', undefined],
    ] as const) {
      const message = responseError(() => parseServices([good, { ...good, [field]: value }]));
      const expected = `the API answered ServicesList with an unexpected body: service #2 of the catalog has no valid '${field}' (got `;
      expect(message.startsWith(expected), `${field}=${String(value)}: ${message}`).toBe(true);
    }
    expect(
      parseServices([
        { ...good, desc: null },
        { ...good, desc: 'text', rate: 0 },
      ]),
    ).toHaveLength(2);
    expect(responseError(() => parseServices({}))).toBe(
      'the API answered ServicesList with an unexpected body: the catalog is not a list (got a value of type object)',
    );
    expect(responseError(() => parseServices([1]))).toBe(
      'the API answered ServicesList with an unexpected body: service #1 of the catalog is not an object (got 1)',
    );
  });

  it('an order status needs all eight fields, mode and observation text or null', () => {
    for (const field of Object.keys(status)) {
      if (field === 'mode' || field === 'observation') continue;
      const { [field]: _left, ...rest } = status as Record<string, unknown>;
      expect(
        responseError(() => parseOrderStatus(rest)),
        field,
      ).toBe(
        `the API answered OrderStatus with an unexpected body: the order status has no valid '${field}' (got nothing)`,
      );
    }
    const prefix = 'the API answered OrderStatus with an unexpected body: the order status';
    expect(responseError(() => parseOrderStatus({ ...status, mode: 3 }))).toBe(`${prefix} has no valid 'mode' (got 3)`);
    expect(responseError(() => parseOrderStatus({ ...status, observation: undefined }))).toBe(
      `${prefix} has no valid 'observation' (got nothing)`,
    );
    expect(responseError(() => parseOrderStatus('x'))).toBe(`${prefix} is not an object (got the text "x")`);
    expect(parseOrderStatus({ ...status, mode: 'auto', observation: 'ok' })).toMatchObject({ mode: 'auto' });
  });

  it('an order result needs a boolean success and, when present, well-typed fields', () => {
    expect(responseError(() => parseRegisterOrderResult({ success: 'true' }))).toContain("'success'");
    const prefix = 'the API answered RegisterOrder with an unexpected body: the order result';
    expect(responseError(() => parseRegisterOrderResult({ success: true, orderId: '5' }))).toBe(
      `${prefix} has no valid 'orderId' (got the text "5")`,
    );
    expect(responseError(() => parseRegisterOrderResult({ success: false, insufficientFunds: 1 }))).toBe(
      `${prefix} has no valid 'insufficientFunds' (got 1)`,
    );
    expect(responseError(() => parseRegisterOrderResult({ success: false, error: 5 }))).toBe(
      `${prefix} has no valid 'error' (got 5)`,
    );
    expect(responseError(() => parseRegisterOrderResult(null))).toBe(`${prefix} is not an object (got null)`);
    expect(parseRegisterOrderResult({ success: true, orderId: null, error: null })).toMatchObject({ success: true });
  });

  it('a malformed read is retryable, a malformed order answer is not', () => {
    try {
      parseRegisterOrderResult({});
    } catch (error) {
      expect((error as InvalidResponseError).retryable).toBe(false);
    }
    try {
      parseBalance({});
    } catch (error) {
      expect((error as InvalidResponseError).retryable).toBe(true);
    }
    expect(responseError(() => parseBalance({ balance: 'x'.repeat(50), currency: 'USD' }))).toContain(
      `(got the text "${'x'.repeat(40)}...")`,
    );
    expect(responseError(() => parseBalance({ balance: true, currency: 'USD' }))).toContain('(got true)');
    // Exactly 40 characters are shown whole; more are cut.
    expect(responseError(() => parseBalance({ balance: 'y'.repeat(40), currency: 'USD' }))).toContain(
      `(got the text "${'y'.repeat(40)}")`,
    );
  });
});

describe('status: every spelling', () => {
  const spellings: Record<string, string> = {
    Pending: 'pending',
    queued: 'pending',
    Waiting: 'pending',
    NEW: 'pending',
    'In Progress': 'in_progress',
    in_progress: 'in_progress',
    'in-progress': 'in_progress',
    InProgress: 'in_progress',
    processing: 'in_progress',
    Active: 'in_progress',
    running: 'in_progress',
    started: 'in_progress',
    Completed: 'completed',
    complete: 'completed',
    done: 'completed',
    finished: 'completed',
    Partial: 'partial',
    partially: 'partial',
    'Partially Completed': 'partial',
    Canceled: 'canceled',
    cancelled: 'canceled',
    refunded: 'canceled',
    Failed: 'canceled',
    rejected: 'canceled',
    '  done  ': 'completed',
    'in  progress': 'in_progress',
    'In - Progress': 'in_progress',
    partially__completed: 'partial',
    something: 'unknown',
    '': 'unknown',
  };
  for (const [text, state] of Object.entries(spellings)) {
    it(`${JSON.stringify(text)} is ${state}`, () => {
      expect(normalizeStatusText(text)).toBe(state);
    });
  }

  it('only completed, partial and canceled are final; a failed order ends a wait', () => {
    expect(['pending', 'in_progress', 'unknown'].map((state) => isFinalState(state as never))).toEqual([
      false,
      false,
      false,
    ]);
    expect(normalizeOrderStatus({ ...status, status: 'failed' })).toMatchObject({ state: 'canceled', isFinal: true });
    expect(normalizeOrderStatus(status)).toEqual({
      state: 'completed',
      isFinal: true,
      rawStatus: 'Completed',
      charge: 1.2,
      refund: 0.3,
      delivered: 3,
      failed: 1,
      currency: 'USD',
      observation: null,
      mode: null,
    });
  });
});

describe('quote and money', () => {
  const service: Service = { service: 7, category: 'Steam', name: 'Likes', rate: 0.5, min: 1, max: 100 };

  it('refuses a negative quantity and a negative or infinite rate, with the field', () => {
    expect(() => priceOf(0.1, -1)).toThrow('quantity -1 is not valid: it must be a whole number, 0 or more');
    expect(() => priceOf(0.1, 1.5)).toThrow(InvalidRequestError);
    expect(() => priceOf(-0.1, 1)).toThrow('rate -0.1 is not a price');
    expect(() => priceOf(Number.POSITIVE_INFINITY, 1)).toThrow('is not a price');
    expect(priceOf(0, 10)).toBe(0);
    let refusal: unknown;
    try {
      priceOf(0.1, -1);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'invalid_request', field: 'quantity' });
    expect(priceOf(0.1, 0)).toBe(0);
  });

  it('compares with a balance in USD whatever its case, and not with another currency', () => {
    expect(
      quoteOrder({ serviceId: 7, link: 'https://e.com', quantity: 10 }, service, { balance: 5, currency: ' usd ' }),
    ).toMatchObject({ price: 5, balance: 5, balanceAfter: 0, affordable: true });
    expect(
      quoteOrder({ serviceId: 7, link: 'https://e.com', quantity: 10 }, service, { balance: 4.99, currency: 'Usd' }),
    ).toMatchObject({ affordable: false, balanceAfter: -0.01 });
    const euro = quoteOrder({ serviceId: 7, link: 'https://e.com', quantity: 10 }, service, {
      balance: 500,
      currency: 'EUR',
    });
    expect(euro.balance).toBe(500);
    expect(euro).not.toHaveProperty('affordable');
    expect(euro).not.toHaveProperty('balanceAfter');
  });

  it('a service without a rate cannot be quoted, and the refusal names the service id', () => {
    const { rate: _rate, ...unpriced } = service;
    let refusal: unknown;
    try {
      quoteOrder({ serviceId: 7, link: 'https://e.com', quantity: 10 }, unpriced);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({
      code: 'invalid_request',
      field: 'serviceId',
      serviceId: 7,
      message: 'service 7 has no price (rate) in the catalog, so the order cannot be quoted',
    });
  });

  it('rounds half up away from zero, in exact decimals', () => {
    expect(roundMoney(1.005)).toBe(1.01);
    expect(roundMoney(-1.005)).toBe(-1.01);
    expect(roundMoney(1.004)).toBe(1);
    expect(roundMoney(2)).toBe(2);
    expect(roundMoney(1e-7)).toBe(0);
    expect(roundMoney(Number.NaN)).toBeNaN();
    expect(multiplyToCents(0.015, 3)).toBe(0.05);
    expect(multiplyToCents(1e-7, 1)).toBe(0);
    // Numbers JavaScript prints with an exponent: tiny rates times large quantities, and huge amounts.
    expect(multiplyToCents(2.5e-7, 20_000)).toBe(0.01);
    expect(multiplyToCents(-2.5e-7, 20_000)).toBe(-0.01);
    expect(roundMoney(1.5e21)).toBe(1.5e21);
    expect(roundMoney(-2e22)).toBe(-2e22);
    expect(formatUsd(3.2)).toBe('3.20 USD');
  });
});

describe('validation edges', () => {
  it('takes a link of exactly 2048 characters and refuses 2049', () => {
    const base = 'https://example.com/';
    const longest = base + 'a'.repeat(MAX_LINK_LENGTH - base.length);
    expect(validateOrderInput({ serviceId: 1, link: longest, quantity: 1 }).link).toHaveLength(2048);
    expect(() => validateOrderInput({ serviceId: 1, link: `${longest}a`, quantity: 1 })).toThrow(
      'link is 2049 characters long; at most 2048 are allowed',
    );
  });

  it('takes http:// as well as https://, in any case, and nothing else', () => {
    for (const link of ['http://example.com', 'HTTP://example.com/x', 'https://example.com?x=1', 'http://e.com#a']) {
      expect(validateOrderInput({ serviceId: 1, link, quantity: 1 }).link).toBe(link);
    }
    for (const link of ['ftp://example.com', 'example.com', 'https://', 'https://a b.com', 'https://u@h.com', 'x']) {
      expect(() => validateOrderInput({ serviceId: 1, link, quantity: 1 }), link).toThrow('is not an http(s) URL');
    }
  });

  it('order ids from 1, whole', () => {
    expect(validateOrderId(1)).toBe(1);
    for (const id of [0, -1, 1.5, Number.NaN, '1']) expect(() => validateOrderId(id), String(id)).toThrow();
  });
});

describe('redaction of URLs and headers', () => {
  it('redactUrl hides the key parameter after ?, & or ; whatever its case, up to the next separator', () => {
    expect(redactUrl('a?key=1 b&KEY=2"c;Key=3<d')).toBe('a?key=*** b&KEY=***"c;Key=***<d');
    expect(redactUrl("x?key=abc'y")).toBe("x?key=***'y");
    expect(redactUrl('x?key=abc#frag')).toBe('x?key=***#frag');
  });

  it('redactHeaders lower-cases names, hides credentials and cookies whole, and the key anywhere', () => {
    const headers = new Headers({
      'X-Request-Id': 'abc',
      'Set-Cookie': 'session=1',
      Authorization: 'Bearer t',
      Location: 'https://h/login?key=secret-key-1&next=/',
      'X-Echo': 'secret-key-1',
    });
    expect(redactHeaders(headers, ['secret-key-1'])).toEqual({
      'x-request-id': 'abc',
      'set-cookie': '***',
      authorization: '***',
      location: 'https://h/login?key=***&next=/',
      'x-echo': '***',
    });
    expect(
      redactHeaders(
        [
          ['Proxy-Authorization', 'x'],
          ['Cookie', 'y'],
        ],
        [],
      ),
    ).toEqual({
      'proxy-authorization': '***',
      cookie: '***',
    });
  });
});

describe('refusal facts', () => {
  it('adds the balance and cost to a bare funds refusal, and nothing to an error that has them', () => {
    const bare = new InsufficientFundsError('no funds', { operation: 'RegisterOrder', status: 200, requestId: 'r1' });
    const told = withRefusalFacts(bare, { balance: 1, cost: 2.5, currency: 'USD' });
    expect(told).toMatchObject({ balance: 1, cost: 2.5, status: 200, requestId: 'r1', code: 'insufficient_funds' });
    expect(told.message).toBe(
      'insufficient funds: balance is 1.00 USD, this order costs 2.50 USD; nothing was placed. Top up the balance or order less',
    );
    expect(withRefusalFacts(told, { balance: 9 })).toBe(told);
    expect(withRefusalFacts(bare, {})).toBe(bare);
  });

  it('adds min and max to a quantity refusal only', () => {
    const quantity = new InvalidRequestError('too many', { field: 'quantity', serviceId: 3 });
    expect(withRefusalFacts(quantity, { min: 10, max: 20 })).toMatchObject({
      message: 'too many (allowed: 10 to 20)',
      min: 10,
      max: 20,
      serviceId: 3,
    });
    expect(withRefusalFacts(quantity, { min: 10 })).toBe(quantity);
    const link = new InvalidRequestError('bad link', { field: 'link' });
    expect(withRefusalFacts(link, { min: 10, max: 20 })).toBe(link);
  });
});
