import { describe, expect, it } from 'vitest';
import { checkBalance, diffCatalog, diffOrderStatuses, parseOrderIds } from '../nodes/CappiResellerTrigger/changes';
import { normalizeOrderStatus } from '../nodes/shared/core/domain/status';
import type { NormalizedOrderStatus, Service } from '../nodes/shared/core/domain/types';

function status(text: string): NormalizedOrderStatus {
  return normalizeOrderStatus({
    status: text,
    charge: 1.5,
    walletReturn: 0,
    mode: 'Default',
    success: 0,
    failed: 0,
    observation: null,
    currency: 'USD',
  });
}

function service(id: number, rate: number | undefined): Service {
  return {
    service: id,
    category: 'Steam',
    name: `Service ${id}`,
    min: 10,
    max: 1000,
    desc: null,
    ...(rate === undefined ? {} : { rate }),
  };
}

describe('order status changes', () => {
  it('the first poll is a baseline: nothing fires', () => {
    const { events, next } = diffOrderStatuses(undefined, new Map([[1, status('pending')]]));
    expect(events).toEqual([]);
    expect(next).toEqual({ '1': 'pending' });
  });

  it('a change fires once, with the previous state; the same state later does not fire again', () => {
    const first = diffOrderStatuses(
      { '1': 'pending', '2': 'pending' },
      new Map([
        [1, status('In Progress')],
        [2, status('pending')],
      ]),
    );
    expect(first.events).toHaveLength(1);
    expect(first.events[0]).toMatchObject({
      event: 'orderStatusChanged',
      orderId: 1,
      previousState: 'pending',
      state: 'in_progress',
    });
    const second = diffOrderStatuses(
      first.next,
      new Map([
        [1, status('in progress')],
        [2, status('pending')],
      ]),
    );
    expect(second.events).toEqual([]);
  });

  it('an order added to the watch list starts as a baseline', () => {
    const { events, next } = diffOrderStatuses(
      { '1': 'pending' },
      new Map([
        [1, status('pending')],
        [2, status('completed')],
      ]),
    );
    expect(events).toEqual([]);
    expect(next).toEqual({ '1': 'pending', '2': 'completed' });
  });

  it('unknown status texts are compared as written', () => {
    const { events } = diffOrderStatuses({ '1': 'unknown:awaiting review' }, new Map([[1, status('Under review')]]));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ previousState: 'unknown', state: 'unknown', rawStatus: 'Under review' });
  });
});

describe('balance below a threshold', () => {
  const usd = (balance: number) => ({ balance, currency: 'USD' });

  it('does not fire on the first poll, even when already below', () => {
    expect(checkBalance(undefined, usd(5), 10).events).toEqual([]);
  });

  it('fires once when crossing downwards, again only after rising above', () => {
    let baseline = checkBalance(undefined, usd(50), 10).next;
    const crossing = checkBalance(baseline, usd(9.99), 10);
    expect(crossing.events).toEqual([
      { event: 'balanceBelowThreshold', balance: 9.99, currency: 'USD', threshold: 10, previousBalance: 50 },
    ]);
    baseline = crossing.next;
    const stillBelow = checkBalance(baseline, usd(3), 10);
    expect(stillBelow.events).toEqual([]);
    const above = checkBalance(stillBelow.next, usd(10), 10);
    expect(above.events).toEqual([]);
    expect(checkBalance(above.next, usd(2), 10).events).toHaveLength(1);
  });
});

describe('catalog changes', () => {
  it('the first poll is a baseline', () => {
    const { events, next } = diffCatalog(undefined, [service(1, 0.5), service(2, undefined)]);
    expect(events).toEqual([]);
    expect(next).toEqual({ '1': 0.5, '2': null });
  });

  it('reports added, removed and re-priced services once each', () => {
    const baseline = diffCatalog(undefined, [service(1, 0.5), service(2, 1), service(3, 2)]).next;
    const { events, next } = diffCatalog(baseline, [service(1, 0.5), service(2, 1.25), service(4, 3)]);
    expect(events).toEqual([
      expect.objectContaining({ change: 'rateChanged', serviceId: 2, previousRate: 1, rate: 1.25 }),
      expect.objectContaining({ change: 'added', serviceId: 4, rate: 3 }),
      { event: 'catalogChanged', change: 'removed', serviceId: 3, previousRate: 2 },
    ]);
    expect(diffCatalog(next, [service(1, 0.5), service(2, 1.25), service(4, 3)]).events).toEqual([]);
  });
});

describe('order IDs', () => {
  it('reads a comma-separated list, without duplicates', () => {
    expect(parseOrderIds(' 12, 13;14 12 ')).toEqual([12, 13, 14]);
    expect(parseOrderIds([5, '6'])).toEqual([5, 6]);
  });

  it('says what is wrong with a bad one', () => {
    expect(parseOrderIds('12, abc')).toBe(
      '"abc" is not an order ID: give whole numbers separated by commas, e.g. 12345, 12346',
    );
    expect(parseOrderIds('0')).toContain('"0" is not an order ID');
    expect(parseOrderIds('')).toContain('no order IDs given');
  });
});
