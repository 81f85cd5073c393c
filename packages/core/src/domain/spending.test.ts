import { describe, expect, it } from 'vitest';
import {
  checkOrder,
  checkOrderLimits,
  checkPriceAgainstQuote,
  checkSpendingLimits,
  countedCents,
  dailyBudgetLeftCents,
  type LedgerRow,
  ledgerHorizon,
  parseLedgerRow,
  type SpendingPolicy,
  snapshotOf,
  usdToCents,
} from './spending.js';
import type { Service } from './types.js';

const policy: SpendingPolicy = {
  maxOrderUsd: 10,
  dailyBudgetUsd: 20,
  allowServices: [],
  allowCategories: [],
  duplicateWindowMs: 600_000,
};
const service: Service = { service: 199825, category: 'Steam', name: 'Steam Likes', rate: 0.012, min: 10, max: 5000 };
const now = Date.parse('2030-01-01T12:00:00Z');
const terms = { serviceId: 199825, link: 'https://s.example/1', quantity: 100 };

function row(overrides: Partial<LedgerRow> = {}): LedgerRow {
  return {
    id: 1,
    account: 'acc',
    createdAt: Date.parse('2030-01-01T08:00:00Z'),
    status: 'placed',
    serviceId: 1,
    serviceName: 'x',
    link: 'https://other.example/',
    quantity: 1,
    priceCents: 500,
    chargedCents: null,
    currency: 'USD',
    orderId: 7,
    detail: null,
    owner: 'h/1/a',
    sandbox: false,
    ...overrides,
  };
}

describe('the spending policy', () => {
  it('allows every service with an empty allow-list, else only the ids and categories on it', () => {
    expect(checkOrderLimits(policy, service, 120)).toBeUndefined();
    const listed = { ...policy, allowServices: [5], allowCategories: ['steam'] };
    expect(checkOrderLimits(listed, service, 120)).toBeUndefined(); // category, any case
    const refusal = checkOrderLimits({ ...policy, allowServices: [5], allowCategories: ['TikTok'] }, service, 120);
    expect(refusal).toMatchObject({ kind: 'not_allowed' });
    expect(refusal?.message).toContain('service 199825 (Steam) is not on the allow-list; allowed: service 5, TikTok');
  });

  it('refuses above the per-order cap, and accepts exactly the cap', () => {
    expect(checkOrderLimits(policy, service, 1000)).toBeUndefined();
    expect(checkOrderLimits(policy, service, 1001)?.message).toContain(
      'this order costs 10.01 USD, above the per-order cap of 10.00 USD',
    );
  });

  it('counts orders that may exist (sending, placed, unknown) against the day, at the higher of price and charge', () => {
    const rows = [
      row({ id: 1, status: 'placed', priceCents: 500 }),
      row({ id: 2, status: 'unknown', priceCents: 300, orderId: null }),
      row({ id: 3, status: 'sending', priceCents: 200, orderId: null }),
      row({ id: 4, status: 'placed', priceCents: 100, chargedCents: 400 }),
      row({ id: 5, status: 'refused', priceCents: 900, orderId: null }),
      row({ id: 6, status: 'not_placed', priceCents: 900, orderId: null }),
      row({ id: 7, status: 'placed', createdAt: Date.parse('2029-12-31T23:59:59Z') }), // yesterday (UTC)
    ];
    expect(snapshotOf(rows, undefined, policy, now).spentTodayCents).toBe(1400);
    expect(countedCents(row({ status: 'placed', priceCents: 100, chargedCents: 90 }))).toBe(100);
  });

  it('refuses an order that would pass the daily budget, saying what is left', () => {
    const state = { spentTodayCents: 1900 };
    expect(checkSpendingLimits(policy, service, 100, state)).toBeUndefined(); // exactly the budget
    expect(checkSpendingLimits(policy, service, 101, state)?.message).toContain(
      'daily budget reached: 19.00 USD of 20.00 USD spent or possibly spent today (UTC), 1.00 USD left, and this order costs 1.01 USD',
    );
  });

  it('says what is left of the daily budget, never below zero', () => {
    expect(dailyBudgetLeftCents(policy, { spentTodayCents: 1900 })).toBe(100);
    expect(dailyBudgetLeftCents(policy, { spentTodayCents: 2500 })).toBe(0);
    expect(dailyBudgetLeftCents({ dailyBudgetUsd: Number.POSITIVE_INFINITY }, { spentTodayCents: 5 })).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(dailyBudgetLeftCents(policy, { spentTodayCents: Number.NaN })).toBeNaN();
  });

  it('fails closed: a spend or a price that is not a finite number refuses', () => {
    expect(checkSpendingLimits(policy, service, 100, { spentTodayCents: Number.NaN })?.kind).toBe('over_budget');
    expect(checkSpendingLimits(policy, service, Number.NaN, { spentTodayCents: 0 })?.kind).toBe('over_cap');
    expect(checkOrderLimits({ ...policy, maxOrderUsd: Number.NaN }, service, 1)?.kind).toBe('over_cap');
    expect(checkPriceAgainstQuote(100, Number.NaN)?.kind).toBe('price_rose');
  });

  it('refuses an identical order within the window (sending, placed or unknown), unless confirmed', () => {
    const previous = row({ ...terms, id: 9, status: 'placed', createdAt: now - 30_000, orderId: 77 });
    const state = snapshotOf([previous], terms, policy, now);
    expect(state.recentIdentical?.id).toBe(9);
    const check = { ...terms, service, priceCents: 120, confirmDuplicate: false };
    expect(checkOrder(policy, check, state, now)?.message).toMatch(
      /^an identical order \(service 199825, same link, quantity 100\) was sent 30 s ago: order 77 was placed\. Nothing was placed now/,
    );
    expect(checkOrder(policy, { ...check, confirmDuplicate: true }, state, now)).toBeUndefined();
    // Outside the window, another link, or an order that was refused: not a duplicate.
    expect(snapshotOf([{ ...previous, createdAt: now - 600_001 }], terms, policy, now).recentIdentical).toBeUndefined();
    expect(
      snapshotOf([{ ...previous, link: 'https://s.example/2' }], terms, policy, now).recentIdentical,
    ).toBeUndefined();
    expect(snapshotOf([{ ...previous, status: 'refused' }], terms, policy, now).recentIdentical).toBeUndefined();
    expect(
      checkOrder(
        policy,
        check,
        snapshotOf([{ ...previous, status: 'sending', orderId: null }], terms, policy, now),
        now,
      )?.message,
    ).toContain('an order is being sent right now');
  });

  it('reads back far enough for both the day and the duplicate window', () => {
    expect(ledgerHorizon(policy, now)).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(ledgerHorizon(policy, Date.parse('2030-01-01T00:05:00Z'))).toBe(Date.parse('2029-12-31T23:55:00Z'));
  });

  it('refuses a price that rose above the agreed one, and accepts an equal or lower one', () => {
    expect(checkPriceAgainstQuote(120, 120)).toBeUndefined();
    expect(checkPriceAgainstQuote(120, 100)).toBeUndefined();
    expect(checkPriceAgainstQuote(60, 600)?.message).toBe(
      'the price rose since the quote: it was 0.60 USD, it is now 6.00 USD. Nothing was placed. Quote the order again and confirm the new price.',
    );
  });

  it('turns USD limits into whole cents, rounding down', () => {
    expect(usdToCents(10)).toBe(1000);
    expect(usdToCents(0.019)).toBe(1);
    expect(usdToCents(1.1)).toBe(110);
  });
});

describe('parseLedgerRow', () => {
  it('accepts the rows a ledger writes', () => {
    expect(parseLedgerRow(row(), 'db')).toEqual(row());
    expect(parseLedgerRow(row({ status: 'unknown', orderId: null, detail: 'why' }), 'db').status).toBe('unknown');
  });

  it.each([
    ['null', null],
    ['a number', 7],
  ])('refuses %s, naming the ledger', (_what, value) => {
    expect(() => parseLedgerRow(value, '/x/ledger.sqlite')).toThrow(
      'the order ledger /x/ledger.sqlite holds a row that is not a record',
    );
  });

  it.each([
    ['priceCents', Number.NaN],
    ['priceCents', -1],
    ['priceCents', 1.5],
    ['priceCents', '12'],
    ['chargedCents', -3],
    ['status', 'maybe'],
    ['createdAt', 'yesterday'],
    ['quantity', 0],
    ['account', ''],
    ['sandbox', 1],
  ] as const)('refuses a row with %s %j, naming the row', (field, value) => {
    expect(() => parseLedgerRow({ ...row({ id: 42 }), [field]: value }, 'db')).toThrow(
      new RegExp(`^the order ledger db is damaged: row 42 has ${field} `),
    );
  });
});
