import { describe, expect, test } from 'vitest';
import { chargeCents, rateToMicros, refundCents } from './money.js';

describe('money in integer cents', () => {
  test('a charge is rate * quantity rounded to cents, half up', () => {
    expect(chargeCents(rateToMicros(0.012), 50)).toBe(60);
    expect(chargeCents(rateToMicros(0.015), 37)).toBe(56); // 0.555 -> 0.56
    expect(chargeCents(rateToMicros(0.0008), 125)).toBe(10); // 0.1, where 0.0008 * 125 in floats is 0.10000000000000002
    expect(chargeCents(rateToMicros(0.0011), 45)).toBe(5); // 0.0495 -> 0.05
    expect(chargeCents(rateToMicros(0.0011), 40)).toBe(4); // 0.044 -> 0.04
  });

  test('a refund is charge * failed / quantity rounded to cents, half up', () => {
    expect(refundCents(100, 1, 8)).toBe(13); // 12.5 -> 13
    expect(refundCents(100, 3, 4)).toBe(75);
    expect(refundCents(56, 10, 37)).toBe(15); // 15.13...
    expect(refundCents(56, 37, 37)).toBe(56);
  });
});
