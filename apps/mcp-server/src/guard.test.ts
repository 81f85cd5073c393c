import type { Service } from '@cappi-reseller/core';
import { describe, expect, it } from 'vitest';
import type { SpendingPolicy } from './config.js';
import { checkLimits, checkOrder } from './guard.js';
import type { LedgerEntry } from './ledger.js';

const policy: SpendingPolicy = {
  readOnly: false,
  maxOrderUsd: 10,
  dailyBudgetUsd: 20,
  allowServices: [],
  allowCategories: [],
  allowUnquotedOrders: false,
  requireConfirmation: false,
  quoteTtlMs: 300_000,
  duplicateWindowMs: 600_000,
};
const service: Service = { service: 199825, category: 'Steam', name: 'Steam Likes', rate: 0.012, min: 10, max: 5000 };
const now = Date.parse('2030-01-01T12:00:00Z');
const order = { service, link: 'https://s.example/1', quantity: 100, price: 1.2, confirmDuplicate: false };

function spent(charge: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    time: '2030-01-01T08:00:00.000Z',
    account: 'acc',
    outcome: 'placed',
    orderId: 7,
    serviceId: 1,
    serviceName: 'x',
    link: 'https://other.example/',
    quantity: 1,
    charge,
    currency: 'USD',
    ...overrides,
  };
}

const context = (entries: LedgerEntry[] = []) => ({ entries, account: 'acc', now });

describe('spending guard', () => {
  it('lets an order within every limit through', () => {
    expect(checkOrder(policy, order, context())).toBeUndefined();
  });

  it('refuses an order above the per-order cap, saying the price and the cap', () => {
    const refusal = checkLimits(policy, { service, price: 10.01 }, context());
    expect(refusal?.kind).toBe('over_cap');
    expect(refusal?.message).toContain('this order costs 10.01 USD, above the per-order cap of 10.00 USD');
    expect(checkLimits(policy, { service, price: 10 }, context())).toBeUndefined();
  });

  it("refuses past the daily budget, counting unknown outcomes, only today's and only this account's", () => {
    const entries = [
      spent(9),
      spent(9, { outcome: 'unknown', orderId: null }),
      spent(9, { account: 'other' }),
      spent(9, { time: '2029-12-31T12:00:00.000Z' }),
    ];
    expect(checkLimits(policy, { service, price: 2 }, context(entries))).toBeUndefined();
    const refusal = checkLimits(policy, { service, price: 2.01 }, context(entries));
    expect(refusal?.kind).toBe('over_budget');
    expect(refusal?.message).toContain('18.00 USD of 20.00 USD spent today (UTC), 2.00 USD left');
  });

  it('keeps to the allow-list of service ids and categories', () => {
    const byId = { ...policy, allowServices: [199825] };
    const byCategory = { ...policy, allowCategories: ['steam'] };
    const other = { ...policy, allowServices: [1], allowCategories: ['TikTok'] };
    expect(checkLimits(byId, order, context())).toBeUndefined();
    expect(checkLimits(byCategory, order, context())).toBeUndefined();
    const refusal = checkLimits(other, order, context());
    expect(refusal?.kind).toBe('not_allowed');
    expect(refusal?.message).toContain('allowed: service 1, TikTok');
  });

  it('refuses an identical order within the window unless confirmed', () => {
    const previous = spent(1.2, {
      serviceId: 199825,
      link: order.link,
      quantity: 100,
      orderId: 42,
      time: '2030-01-01T11:58:00.000Z',
    });
    const refusal = checkOrder(policy, order, context([previous]));
    expect(refusal?.kind).toBe('duplicate');
    expect(refusal?.message).toContain('order 42 was placed');
    expect(refusal?.message).toContain('confirm_duplicate: true');
    expect(checkOrder(policy, { ...order, confirmDuplicate: true }, context([previous]))).toBeUndefined();
    expect(checkOrder({ ...policy, duplicateWindowMs: 60_000 }, order, context([previous]))).toBeUndefined();
  });
});
