import { describe, expect, it } from 'vitest';
import { InvalidResponseError } from './errors.js';
import { parseBalance, parseOrderStatus, parseRegisterOrderResult, parseServices } from './responses.js';

const status = {
  status: 'in progress',
  charge: 1.2,
  walletReturn: 0,
  mode: null,
  success: 3,
  failed: 0,
  observation: null,
  currency: 'USD',
};

describe('response shape checks', () => {
  it('accept what the contract describes', () => {
    expect(parseBalance({ balance: 250.75, currency: 'USD' })).toEqual({ balance: 250.75, currency: 'USD' });
    const services = [
      { service: 1, category: 'Steam', name: 'x', min: 1, max: 100, desc: null },
      { service: 2, category: 'Steam', name: 'y', rate: 0.01, min: 1, max: 100 },
    ];
    expect(parseServices(services)).toEqual(services);
    expect(parseOrderStatus(status)).toEqual(status);
    expect(
      parseRegisterOrderResult({ success: true, orderId: 5, insufficientFunds: false, error: null }),
    ).toMatchObject({
      orderId: 5,
    });
  });

  it('reject the rest, naming what is wrong; retryable for reads only', () => {
    const cases: [() => unknown, string, boolean][] = [
      [() => parseBalance('oops'), 'the balance is not an object (got the text "oops")', true],
      [
        () => parseBalance({ balance: '5', currency: 'USD' }),
        'the balance has no valid \'balance\' (got the text "5")',
        true,
      ],
      [() => parseServices({}), 'the catalog is not a list (got a value of type object)', true],
      [
        () =>
          parseServices([
            { service: 1, category: 'a', name: 'b', min: 1, max: 2 },
            { service: 2, category: 'a', name: 'b', min: 'x', max: 2 },
          ]),
        "service #2 of the catalog has no valid 'min'",
        true,
      ],
      [() => parseOrderStatus({ ...status, success: 1.5 }), "the order status has no valid 'success' (got 1.5)", true],
      [() => parseRegisterOrderResult({ orderId: 5 }), "the order result has no valid 'success' (got nothing)", false],
      [() => parseRegisterOrderResult(null), 'the order result is not an object (got null)', false],
    ];
    for (const [parse, message, retryable] of cases) {
      let caught: unknown;
      try {
        parse();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidResponseError);
      expect((caught as InvalidResponseError).message).toContain(message);
      expect((caught as InvalidResponseError).retryable).toBe(retryable);
    }
  });
});
