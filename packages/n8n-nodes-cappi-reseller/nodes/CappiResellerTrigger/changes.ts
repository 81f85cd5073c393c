import type { IDataObject } from 'n8n-workflow';
import type { NormalizedOrderStatus, Service } from '../shared/core/domain/types';

// Each event keeps what it last saw in the workflow's static data and compares the new reading with it.
// The first reading only becomes the baseline (nothing fires); a change fires once, because the reading
// that fired is the new baseline. These functions are pure so the rules can be tested without n8n.

/** What an order-status poll remembers: the status last seen, per order ID. */
export type OrderBaseline = Record<string, string>;

/** The status text compared between polls: the normalized state, or the raw text when it is not a known one. */
export function statusKey(status: NormalizedOrderStatus): string {
  return status.state === 'unknown' ? `unknown:${status.rawStatus.trim().toLowerCase()}` : status.state;
}

export function diffOrderStatuses(
  baseline: OrderBaseline | undefined,
  current: ReadonlyMap<number, NormalizedOrderStatus>,
): { events: IDataObject[]; next: OrderBaseline } {
  const next: OrderBaseline = {};
  const events: IDataObject[] = [];
  for (const [orderId, status] of current) {
    const key = statusKey(status);
    next[String(orderId)] = key;
    const previous = baseline?.[String(orderId)];
    // An order seen for the first time (or a first poll) is a baseline, not a change.
    if (previous !== undefined && previous !== key) {
      events.push({ event: 'orderStatusChanged', orderId, previousState: stateOf(previous), ...status });
    }
  }
  return { events, next };
}

function stateOf(key: string): string {
  return key.startsWith('unknown:') ? 'unknown' : key;
}

/** What a balance poll remembers: whether the balance was below the threshold last time. */
export interface BalanceBaseline {
  below: boolean;
  balance: number;
}

export function checkBalance(
  baseline: BalanceBaseline | undefined,
  balance: { balance: number; currency: string },
  threshold: number,
): { events: IDataObject[]; next: BalanceBaseline } {
  const below = balance.balance < threshold;
  const next = { below, balance: balance.balance };
  // Fires when the balance crosses the threshold downwards; staying below does not fire again, and rising
  // above re-arms it.
  const fired = baseline !== undefined && !baseline.below && below;
  return {
    events: fired
      ? [
          {
            event: 'balanceBelowThreshold',
            balance: balance.balance,
            currency: balance.currency,
            threshold,
            previousBalance: baseline.balance,
          },
        ]
      : [],
    next,
  };
}

/** What a catalog poll remembers: the rate of every service, by ID (null when the service has no rate). */
export type CatalogBaseline = Record<string, number | null>;

export function diffCatalog(
  baseline: CatalogBaseline | undefined,
  services: readonly Service[],
): { events: IDataObject[]; next: CatalogBaseline } {
  const next: CatalogBaseline = {};
  for (const service of services) next[String(service.service)] = service.rate ?? null;
  if (baseline === undefined) return { events: [], next };

  const events: IDataObject[] = [];
  for (const service of services) {
    const id = String(service.service);
    const rate = service.rate ?? null;
    if (!(id in baseline)) {
      events.push({ event: 'catalogChanged', change: 'added', ...serviceFields(service) });
    } else if (baseline[id] !== rate) {
      events.push({
        event: 'catalogChanged',
        change: 'rateChanged',
        previousRate: baseline[id],
        ...serviceFields(service),
      });
    }
  }
  for (const [id, rate] of Object.entries(baseline)) {
    if (!(id in next))
      events.push({ event: 'catalogChanged', change: 'removed', serviceId: Number(id), previousRate: rate });
  }
  return { events, next };
}

function serviceFields(service: Service): IDataObject {
  return {
    serviceId: service.service,
    name: service.name,
    category: service.category,
    rate: service.rate ?? null,
    min: service.min,
    max: service.max,
  };
}

/** Order IDs typed as "123, 456" (or a list from an expression): whole numbers, no duplicates. */
export function parseOrderIds(value: unknown): number[] | string {
  const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\s,;]+/);
  const ids: number[] = [];
  for (const part of parts.map((p) => p.trim()).filter((p) => p !== '')) {
    if (!/^[0-9]+$/.test(part) || Number(part) < 1 || !Number.isSafeInteger(Number(part))) {
      return `"${part.slice(0, 40)}" is not an order ID: give whole numbers separated by commas, e.g. 12345, 12346`;
    }
    if (!ids.includes(Number(part))) ids.push(Number(part));
  }
  return ids.length === 0 ? 'no order IDs given: list the orders to watch, e.g. 12345, 12346' : ids;
}
