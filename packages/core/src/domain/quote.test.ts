import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.js';
import { formatUsd, priceOf, quoteOrder, roundMoney } from './quote.js';
import type { Service } from './types.js';

const service: Service = { service: 7, category: 'Steam', name: 'Steam Likes', rate: 0.012, min: 10, max: 5000 };
const order = { serviceId: 7, link: 'https://example.com/p/1', quantity: 400 };

describe('priceOf', () => {
  it.each([
    [0.012, 400, 4.8],
    [1.005, 1, 1.01], // 1.005 * 100 is 100.49999... in binary: exact decimal rounds it up
    [0.005, 1, 0.01],
    [0.0049, 1, 0],
    [0.015, 3, 0.05], // 0.045 -> 0.05, half up
    [0.33, 3, 0.99],
    [1e-7, 10_000_000, 1],
    [2.5, 0, 0],
  ])('priceOf(%d, %d) = %d', (rate, quantity, price) => {
    expect(priceOf(rate, quantity)).toBe(price);
  });

  it('is always whole cents, within half a cent of the exact product, and never falls as quantity grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }).map((micros) => micros / 1_000_000),
        fc.integer({ min: 0, max: 100_000 }),
        (rate, quantity) => {
          const price = priceOf(rate, quantity);
          expect(Number.isInteger(Math.round(price * 100))).toBe(true);
          expect(Math.round(price * 100) / 100).toBe(price);
          expect(Math.abs(price - rate * quantity)).toBeLessThanOrEqual(0.005 + 1e-9);
          expect(priceOf(rate, quantity + 1)).toBeGreaterThanOrEqual(price);
        },
      ),
    );
  });

  it('rounds half up: an exact half cent always goes up', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (cents) => {
        // rate = cents + 0.5 hundredths, quantity 1: exactly half way
        const rate = (cents * 10 + 5) / 1000;
        expect(priceOf(rate, 1)).toBe((cents + 1) / 100);
      }),
    );
  });

  it('rejects rates and quantities that are not prices', () => {
    expect(() => priceOf(-1, 1)).toThrow(InvalidRequestError);
    expect(() => priceOf(Number.NaN, 1)).toThrow('rate NaN is not a price');
    expect(() => priceOf(1, 1.5)).toThrow('quantity 1.5 is not valid');
  });
});

describe('formatUsd and roundMoney', () => {
  it('formats to cents with the currency', () => {
    expect(formatUsd(3.2)).toBe('3.20 USD');
    expect(formatUsd(4.8)).toBe('4.80 USD');
    expect(formatUsd(1.005)).toBe('1.01 USD');
    expect(formatUsd(-1.5)).toBe('-1.50 USD');
    expect(roundMoney(0.1 + 0.2)).toBe(0.3);
  });
});

describe('quoteOrder', () => {
  it('prices the order from the rate', () => {
    expect(quoteOrder(order, service)).toEqual({
      serviceId: 7,
      serviceName: 'Steam Likes',
      category: 'Steam',
      link: 'https://example.com/p/1',
      quantity: 400,
      rate: 0.012,
      price: 4.8,
      currency: 'USD',
    });
  });

  it('says whether a USD balance covers it and what is left', () => {
    expect(quoteOrder(order, service, { balance: 3.2, currency: 'USD' })).toMatchObject({
      balance: 3.2,
      balanceAfter: -1.6,
      affordable: false,
    });
    expect(quoteOrder(order, service, { balance: 4.8, currency: 'usd' })).toMatchObject({
      balanceAfter: 0,
      affordable: true,
    });
  });

  it('does not guess affordability across currencies', () => {
    const quote = quoteOrder(order, service, { balance: 1000, currency: 'EUR' });
    expect(quote.balance).toBe(1000);
    expect(quote.affordable).toBeUndefined();
    expect(quote.balanceAfter).toBeUndefined();
  });

  it('refuses quantities outside min/max and services without a rate', () => {
    expect(() => quoteOrder({ ...order, quantity: 5 }, service)).toThrow(
      'quantity 5 is below the minimum of 10 for service 7 (allowed: 10 to 5000)',
    );
    const { rate: _rate, ...unpriced } = service;
    expect(() => quoteOrder(order, unpriced)).toThrow('service 7 has no price (rate) in the catalog');
  });
});
