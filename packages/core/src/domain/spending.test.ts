import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  centsOf,
  checkOrder,
  checkOrderLimits,
  checkPriceAgainstQuote,
  checkSpendingLimits,
  countedCents,
  dailyBudgetLeftCents,
  formatCents,
  isServiceAllowed,
  LEDGER_STATUSES,
  LedgerDataError,
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

const PROPERTY_RUNS = Number(process.env.CAPPI_PROPERTY_RUNS ?? 200);

describe('the allow-list', () => {
  const steam = { service: 199825, category: 'Steam' };

  it('allows every service only when both lists are empty', () => {
    expect(isServiceAllowed({ allowServices: [], allowCategories: [] }, steam)).toBe(true);
    // One list set and the other empty: only what is on the set list.
    expect(isServiceAllowed({ allowServices: [5], allowCategories: [] }, steam)).toBe(false);
    expect(isServiceAllowed({ allowServices: [], allowCategories: ['TikTok'] }, steam)).toBe(false);
  });

  it('allows a service by its id, whatever its category', () => {
    expect(isServiceAllowed({ allowServices: [5, 199825], allowCategories: [] }, steam)).toBe(true);
    expect(isServiceAllowed({ allowServices: [199825], allowCategories: ['TikTok'] }, steam)).toBe(true);
  });

  it('allows a service whose category is any one of the listed ones, in any case', () => {
    expect(isServiceAllowed({ allowServices: [], allowCategories: ['TikTok', 'STEAM'] }, steam)).toBe(true);
    expect(isServiceAllowed({ allowServices: [], allowCategories: ['TikTok', 'Steam Likes'] }, steam)).toBe(false);
  });

  it('says which service was refused and lists everything allowed', () => {
    expect(checkOrderLimits({ ...policy, allowServices: [5, 6], allowCategories: [] }, service, 120)).toEqual({
      kind: 'not_allowed',
      message:
        'service 199825 (Steam) is not on the allow-list; allowed: service 5, service 6. Pick an allowed service or ask whoever set the limits to allow it.',
    });
  });
});

describe('the day and the duplicate window', () => {
  const midnight = Date.parse('2030-01-01T00:00:00Z');
  const tomorrow = Date.parse('2030-01-02T00:00:00Z');

  it('counts a row on the UTC day it was written: from midnight, up to but not including the next midnight', () => {
    const rows = [
      row({ id: 1, createdAt: midnight, priceCents: 100 }),
      row({ id: 2, createdAt: tomorrow - 1, priceCents: 20 }),
      row({ id: 3, createdAt: midnight - 1, priceCents: 4000 }),
      row({ id: 4, createdAt: tomorrow, priceCents: 8000 }),
    ];
    expect(snapshotOf(rows, undefined, policy, now).spentTodayCents).toBe(120);
  });

  it('finds an identical order only with the same service, link and quantity', () => {
    const previous = row({ ...terms, createdAt: now - 1000 });
    expect(snapshotOf([previous], terms, policy, now).recentIdentical).toBe(previous);
    expect(snapshotOf([{ ...previous, serviceId: 5 }], terms, policy, now).recentIdentical).toBeUndefined();
    expect(snapshotOf([{ ...previous, quantity: 101 }], terms, policy, now).recentIdentical).toBeUndefined();
  });

  it('treats an order made exactly one window ago as still inside the window', () => {
    const previous = row({ ...terms, createdAt: now - policy.duplicateWindowMs });
    expect(snapshotOf([previous], terms, policy, now).recentIdentical).toBe(previous);
  });

  it('names the most recent of several identical orders, whatever the order of the rows', () => {
    const older = row({ ...terms, id: 1, orderId: 71, createdAt: now - 300_000 });
    const newer = row({ ...terms, id: 2, orderId: 72, createdAt: now - 60_000 });
    expect(snapshotOf([older, newer], terms, policy, now).recentIdentical).toBe(newer);
    expect(snapshotOf([newer, older], terms, policy, now).recentIdentical).toBe(newer);
  });
});

describe('checkOrder', () => {
  const check = { ...terms, service, priceCents: 120, confirmDuplicate: false };
  const state = (previous?: LedgerRow) => ({ spentTodayCents: 0, recentIdentical: previous });

  it('passes an allowed order within the limits when there is no identical recent one', () => {
    expect(checkOrder(policy, check, state(), now)).toBeUndefined();
  });

  it('refuses by the spending limits before looking for a duplicate', () => {
    const previous = row({ ...terms, createdAt: now - 1000 });
    expect(checkOrder(policy, { ...check, priceCents: 1001 }, state(previous), now)?.kind).toBe('over_cap');
    expect(checkOrder(policy, check, { ...state(), spentTodayCents: 1950 }, now)?.kind).toBe('over_budget');
  });

  it('says how long ago the identical order was sent: seconds up to 119 s, then minutes', () => {
    const ago = (ms: number) =>
      checkOrder(policy, check, state(row({ ...terms, orderId: 77, createdAt: now - ms })), now)?.message;
    expect(ago(119_000)).toContain('was sent 119 s ago: order 77 was placed.');
    expect(ago(120_000)).toContain('was sent 2 min ago: order 77 was placed.');
    expect(ago(150_000)).toContain('was sent 3 min ago: order 77 was placed.');
    expect(ago(599_000)).toContain('was sent 10 min ago: order 77 was placed.');
  });

  it('says what became of the identical order: placed, being sent, or unknown', () => {
    const previous = row({ ...terms, createdAt: now - 45_000, status: 'unknown', orderId: null });
    expect(checkOrder(policy, check, state(previous), now)).toEqual({
      kind: 'duplicate',
      message:
        'an identical order (service 199825, same link, quantity 100) was sent 45 s ago: an order whose outcome is unknown (it may have been placed) was sent. Nothing was placed now. If a second identical order is really intended, confirm the duplicate.',
    });
  });
});

describe('cents', () => {
  it('reads a catalog amount in USD as whole cents, and prints cents as USD', () => {
    expect(centsOf(0.3)).toBe(30);
    expect(centsOf(0.07)).toBe(7);
    expect(centsOf(12.34)).toBe(1234);
    expect(formatCents(1234)).toBe('12.34 USD');
    expect(formatCents(5)).toBe('0.05 USD');
  });

  it('turns every amount of whole cents into the same cents, both ways of converting', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (cents) => {
        expect(centsOf(cents / 100)).toBe(cents);
        expect(usdToCents(cents / 100)).toBe(cents);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

describe('parseLedgerRow on every field', () => {
  function refusal(raw: unknown): unknown {
    try {
      parseLedgerRow(raw, 'db');
    } catch (error) {
      return error;
    }
    return 'accepted';
  }
  const damaged = (id: unknown, what: string) =>
    new LedgerDataError(
      `the order ledger db is damaged: row ${id} has ${what}; nothing is ordered until it is repaired`,
    );

  it('names its error LedgerDataError', () => {
    const error = refusal(null);
    expect(error).toBeInstanceOf(LedgerDataError);
    expect((error as Error).name).toBe('LedgerDataError');
  });

  it('accepts a row in each state the ledger writes, and zero cents', () => {
    expect(LEDGER_STATUSES).toEqual(['sending', 'placed', 'unknown', 'refused', 'not_placed']);
    for (const status of LEDGER_STATUSES) {
      const written = row({
        status,
        orderId: status === 'placed' ? 7 : null,
        detail: status === 'placed' ? null : 'why',
      });
      expect(parseLedgerRow(written, 'db')).toEqual(written);
    }
    expect(parseLedgerRow(row({ priceCents: 0, chargedCents: 0 }), 'db')).toEqual(
      row({ priceCents: 0, chargedCents: 0 }),
    );
  });

  const cases: [string, keyof LedgerRow, unknown, string][] = [
    ['an id that is not a whole number', 'id', 1.5, 'id 1.5'],
    ['an account that is not text', 'account', 5, 'account 5'],
    ['a creation time of zero', 'createdAt', 0, 'createdAt 0'],
    ['a negative creation time', 'createdAt', -5, 'createdAt -5'],
    ['a service id of zero', 'serviceId', 0, 'serviceId 0'],
    ['a service id that is not a whole number', 'serviceId', 2.5, 'serviceId 2.5'],
    ['a service name that is not text', 'serviceName', 3, 'serviceName 3'],
    ['a link that is not text', 'link', null, 'link null'],
    ['a currency that is not text', 'currency', false, 'currency false'],
    ['an order id that is not a whole number', 'orderId', '77', 'orderId "77"'],
    ['a detail that is not text', 'detail', 9, 'detail 9'],
    ['an owner that is not text', 'owner', 1, 'owner 1'],
  ];
  for (const [what, field, value, shown] of cases) {
    it(`refuses ${what}, showing the value`, () => {
      const id = field === 'id' ? value : 42;
      expect(refusal({ ...row({ id: 42 }), [field]: value })).toEqual(damaged(id, shown));
    });
  }

  it('refuses a placed row without an order id', () => {
    expect(refusal(row({ id: 42, status: 'placed', orderId: null }))).toEqual(damaged(42, 'orderId null'));
  });

  it('says a field is missing when the row has none', () => {
    const { owner: _owner, ...withoutOwner } = row({ id: 42 });
    expect(refusal(withoutOwner)).toEqual(damaged(42, 'owner missing'));
  });
});
