import { describe, expect, it } from 'vitest';
import { normalizeOrderStatus, normalizeStatusText } from './status.js';

describe('normalizeStatusText', () => {
  it.each([
    ['pending', 'pending'],
    ['Pending', 'pending'],
    ['in progress', 'in_progress'],
    ['In Progress', 'in_progress'],
    ['in_progress', 'in_progress'],
    ['In-Progress', 'in_progress'],
    ['processing', 'in_progress'],
    ['completed', 'completed'],
    [' Completed ', 'completed'],
    ['partial', 'partial'],
    ['Partially Completed', 'partial'],
    ['canceled', 'canceled'],
    ['Cancelled', 'canceled'],
    ['refunded', 'canceled'],
    ['something new', 'unknown'],
    ['', 'unknown'],
  ] as const)('%j -> %s', (text, state) => {
    expect(normalizeStatusText(text)).toBe(state);
  });
});

describe('normalizeOrderStatus', () => {
  const raw = {
    status: 'completed',
    charge: 25.99,
    walletReturn: 3.5,
    mode: 'Workshop_Follower',
    success: 50,
    failed: 2,
    observation: 'Order completed successfully.',
    currency: 'USD',
  };

  it('names the fields for what they mean and says whether the order is final', () => {
    expect(normalizeOrderStatus(raw)).toEqual({
      state: 'completed',
      isFinal: true,
      rawStatus: 'completed',
      charge: 25.99,
      refund: 3.5,
      delivered: 50,
      failed: 2,
      currency: 'USD',
      observation: 'Order completed successfully.',
      mode: 'Workshop_Follower',
    });
  });

  it('treats only completed, partial and canceled as final', () => {
    const finality = ['pending', 'in progress', 'completed', 'partial', 'canceled', 'weird'].map(
      (status) => normalizeOrderStatus({ ...raw, status }).isFinal,
    );
    expect(finality).toEqual([false, false, true, true, true, false]);
  });
});
