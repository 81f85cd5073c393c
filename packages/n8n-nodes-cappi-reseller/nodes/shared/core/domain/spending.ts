// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/spending.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
// The spending policy: the limits someone chose (a per-order cap, a daily budget per account and UTC day, an
// allow-list, a duplicate window) checked against the order ledger. Pure: rows and the clock come in, a refusal
// (or nothing) comes out. Amounts are whole cents, so sums are exact; every comparison is written so that a value
// that is not a finite number refuses (`!(a <= b)`), never passes.
import { formatUsd } from './money.js';
import type { Service } from './types.js';

/** The limits of one place that spends (an MCP server, an n8n node, a developer's program). */
export interface SpendingPolicy {
  /** Largest price of one order, USD. */
  maxOrderUsd: number;
  /** Largest total of orders that may exist per account and UTC day, USD. */
  dailyBudgetUsd: number;
  /** Service ids allowed; with no categories either, every service is allowed. */
  allowServices: readonly number[];
  /** Category names allowed, case-insensitive. */
  allowCategories: readonly string[];
  /** An identical order (service, link, quantity) within this many ms is refused unless confirmed. */
  duplicateWindowMs: number;
}

/**
 * Where an order is in its life. `sending`: written before the request left and not settled yet (a process that
 * died mid-order leaves it so); `unknown`: it may have been placed. Both count against the budget like `placed`.
 */
export type LedgerStatus = 'sending' | 'placed' | 'unknown' | 'refused' | 'not_placed';

/** The states of a ledger row: sending, placed, unknown, refused, not placed. */
export const LEDGER_STATUSES: readonly LedgerStatus[] = ['sending', 'placed', 'unknown', 'refused', 'not_placed'];

/** One order attempt as the ledger keeps it. Never holds the API key: `account` is a fingerprint of it. */
export interface LedgerRow {
  id: number;
  account: string;
  /** When the row was written, before sending: epoch ms. It decides the UTC day the order counts on. */
  createdAt: number;
  status: LedgerStatus;
  serviceId: number;
  serviceName: string;
  link: string;
  quantity: number;
  /** What the order costs by the catalog's rate read just before sending, in cents. */
  priceCents: number;
  /** What the API later reported as charged (OrderStatus), in cents; null until then. */
  chargedCents: number | null;
  currency: string;
  orderId: number | null;
  /** Why a row is refused, not placed or unknown, in words; null otherwise. */
  detail: string | null;
  /** Which process wrote it (host, pid and a per-start id), to tell a crashed sender from a slow one. */
  owner: string;
  sandbox: boolean;
}

/** What a refusal is about, for faces that branch on it. */
export type RefusalKind = 'not_allowed' | 'over_cap' | 'over_budget' | 'duplicate' | 'price_rose' | 'no_limit';

/** Why the spending policy refuses an order: its kind and a sentence saying what was wrong and what is allowed. */
export interface Refusal {
  kind: RefusalKind;
  /** A sentence for the person: what was wrong and what is allowed. Nothing was placed. */
  message: string;
}

/** A ledger row that is not what the ledger writes: the guard cannot know what was spent, so it refuses. */
export class LedgerDataError extends Error {
  override name = 'LedgerDataError';
}

const MS_PER_DAY = 86_400_000;

/** USD -> whole cents, rounded down: a limit of 0.019 USD allows 1 cent, never 2. */
export function usdToCents(usd: number): number {
  return Math.floor(usd * 100 + 1e-6);
}

/** The UTC day of `now`: [start, end) in epoch ms. */
export function utcDayOf(now: number): { start: number; end: number } {
  const start = Math.floor(now / MS_PER_DAY) * MS_PER_DAY;
  return { start, end: start + MS_PER_DAY };
}

/** The earliest creation time of a row the guard must see at `now`: today's rows and the duplicate window's. */
export function ledgerHorizon(policy: Pick<SpendingPolicy, 'duplicateWindowMs'>, now: number): number {
  return Math.min(utcDayOf(now).start, now - Math.max(0, policy.duplicateWindowMs));
}

/** Whether an order of this status may exist, and so counts against the budget. */
export function mayExist(status: LedgerStatus): boolean {
  return status === 'sending' || status === 'placed' || status === 'unknown';
}

/** What a row counts against the budget, in cents: the higher of its price and its reported charge. */
export function countedCents(row: LedgerRow): number {
  if (!mayExist(row.status)) return 0;
  return Math.max(row.priceCents, row.chargedCents ?? 0);
}

function wholeCents(value: unknown): value is number {
  // Number.isSafeInteger is false for anything that is not a number.
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/**
 * Checks one row read from a ledger database (`where` names the database) and returns it typed. Throws
 * LedgerDataError naming the row and the field when a value is not one the ledger writes, so that a damaged
 * row makes the guard refuse instead of counting as zero.
 */
export function parseLedgerRow(raw: unknown, where: string): LedgerRow {
  if (typeof raw !== 'object' || raw === null) {
    throw new LedgerDataError(`the order ledger ${where} holds a row that is not a record`);
  }
  const row = raw as Record<string, unknown>;
  const bad = (field: string) =>
    new LedgerDataError(
      `the order ledger ${where} is damaged: row ${String(row.id)} has ${field} ${JSON.stringify(row[field]) ?? 'missing'}; nothing is ordered until it is repaired`,
    );
  if (!Number.isSafeInteger(row.id)) throw bad('id');
  if (typeof row.account !== 'string' || row.account === '') throw bad('account');
  if (!Number.isSafeInteger(row.createdAt) || (row.createdAt as number) <= 0) throw bad('createdAt');
  if (!LEDGER_STATUSES.includes(row.status as LedgerStatus)) throw bad('status');
  if (!Number.isSafeInteger(row.serviceId) || (row.serviceId as number) < 1) throw bad('serviceId');
  if (typeof row.serviceName !== 'string') throw bad('serviceName');
  if (typeof row.link !== 'string') throw bad('link');
  if (!Number.isSafeInteger(row.quantity) || (row.quantity as number) < 1) throw bad('quantity');
  if (!wholeCents(row.priceCents)) throw bad('priceCents');
  if (row.chargedCents !== null && !wholeCents(row.chargedCents)) throw bad('chargedCents');
  if (typeof row.currency !== 'string') throw bad('currency');
  if (row.orderId !== null && !Number.isSafeInteger(row.orderId)) throw bad('orderId');
  if (row.status === 'placed' && row.orderId === null) throw bad('orderId');
  if (row.detail !== null && typeof row.detail !== 'string') throw bad('detail');
  if (typeof row.owner !== 'string') throw bad('owner');
  if (typeof row.sandbox !== 'boolean') throw bad('sandbox');
  return row as unknown as LedgerRow;
}

/** What the guard knows at `now` from the rows of one account since ledgerHorizon(). */
export interface SpendingSnapshot {
  /** Everything that may exist today (UTC), in cents. */
  spentTodayCents: number;
  /** The most recent identical order that may exist, within the duplicate window. */
  recentIdentical: LedgerRow | undefined;
}

/** The terms that identify an order (to find an identical recent one): service, link and quantity. */
export interface OrderTerms {
  serviceId: number;
  link: string;
  quantity: number;
}

/** Sums today's spend and finds a recent identical order; every row must be one parseLedgerRow accepted. */
export function snapshotOf(
  rows: readonly LedgerRow[],
  order: OrderTerms | undefined,
  policy: Pick<SpendingPolicy, 'duplicateWindowMs'>,
  now: number,
): SpendingSnapshot {
  const today = utcDayOf(now);
  let spentTodayCents = 0;
  let recentIdentical: LedgerRow | undefined;
  for (const row of rows) {
    if (row.createdAt >= today.start && row.createdAt < today.end) spentTodayCents += countedCents(row);
    const identical =
      order !== undefined &&
      mayExist(row.status) &&
      row.serviceId === order.serviceId &&
      row.link === order.link &&
      row.quantity === order.quantity &&
      now - row.createdAt <= policy.duplicateWindowMs;
    if (identical && (recentIdentical === undefined || row.createdAt > recentIdentical.createdAt)) {
      recentIdentical = row;
    }
  }
  return { spentTodayCents, recentIdentical };
}

/** Whether the policy allows ordering this service at all. */
export function isServiceAllowed(
  policy: Pick<SpendingPolicy, 'allowServices' | 'allowCategories'>,
  service: Pick<Service, 'service' | 'category'>,
): boolean {
  if (policy.allowServices.length === 0 && policy.allowCategories.length === 0) return true;
  if (policy.allowServices.includes(service.service)) return true;
  const category = service.category.toLowerCase();
  return policy.allowCategories.some((allowed) => allowed.toLowerCase() === category);
}

/** The allow-list and the per-order cap: all a place without a ledger (an n8n node) can check. */
export function checkOrderLimits(
  policy: Pick<SpendingPolicy, 'allowServices' | 'allowCategories' | 'maxOrderUsd'>,
  service: Pick<Service, 'service' | 'category'>,
  priceCents: number,
): Refusal | undefined {
  if (!isServiceAllowed(policy, service)) {
    const allowed = [...policy.allowServices.map((id) => `service ${id}`), ...policy.allowCategories].join(', ');
    return {
      kind: 'not_allowed',
      message: `service ${service.service} (${service.category}) is not on the allow-list; allowed: ${allowed}. Pick an allowed service or ask whoever set the limits to allow it.`,
    };
  }
  if (!(priceCents <= usdToCents(policy.maxOrderUsd))) {
    return {
      kind: 'over_cap',
      message: `this order costs ${formatCents(priceCents)}, above the per-order cap of ${formatUsd(policy.maxOrderUsd)}; order a smaller quantity or ask whoever set the limits to raise the cap.`,
    };
  }
  return undefined;
}

/**
 * What today's budget (UTC) still allows, in cents, never below zero; NaN when the spend is not a number (the
 * checks then refuse) and Infinity when the budget has no limit. What a quote shows as "budget left".
 */
export function dailyBudgetLeftCents(
  policy: Pick<SpendingPolicy, 'dailyBudgetUsd'>,
  snapshot: Pick<SpendingSnapshot, 'spentTodayCents'>,
): number {
  return Math.max(0, usdToCents(policy.dailyBudgetUsd) - snapshot.spentTodayCents);
}

/** The checks that apply to a quote as well as to an order: the allow-list, the cap and the day's budget. */
export function checkSpendingLimits(
  policy: SpendingPolicy,
  service: Pick<Service, 'service' | 'category'>,
  priceCents: number,
  snapshot: Pick<SpendingSnapshot, 'spentTodayCents'>,
): Refusal | undefined {
  const refusal = checkOrderLimits(policy, service, priceCents);
  if (refusal !== undefined) return refusal;
  const budgetCents = usdToCents(policy.dailyBudgetUsd);
  const spent = snapshot.spentTodayCents;
  if (!(spent + priceCents <= budgetCents)) {
    const left = dailyBudgetLeftCents(policy, snapshot);
    return {
      kind: 'over_budget',
      message: `daily budget reached: ${formatCents(spent)} of ${formatUsd(policy.dailyBudgetUsd)} spent or possibly spent today (UTC), ${formatCents(Number.isFinite(left) ? left : 0)} left, and this order costs ${formatCents(priceCents)}; wait until tomorrow (UTC) or ask whoever set the limits to raise the daily budget.`,
    };
  }
  return undefined;
}

/** What checkOrder is given about one order: the order, its service, its price in cents and whether a duplicate was confirmed. */
export interface OrderCheck extends OrderTerms {
  service: Pick<Service, 'service' | 'category'>;
  priceCents: number;
  /** The person said an identical recent order is really intended. */
  confirmDuplicate: boolean;
}

/** Every check an order must pass before it is sent. */
export function checkOrder(
  policy: SpendingPolicy,
  order: OrderCheck,
  snapshot: SpendingSnapshot,
  now: number,
): Refusal | undefined {
  const refusal = checkSpendingLimits(policy, order.service, order.priceCents, snapshot);
  if (refusal !== undefined) return refusal;
  const previous = snapshot.recentIdentical;
  if (order.confirmDuplicate || previous === undefined) return undefined;
  const seconds = Math.max(0, Math.round((now - previous.createdAt) / 1000));
  const ago = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  const what =
    previous.status === 'placed'
      ? `order ${previous.orderId} was placed`
      : previous.status === 'sending'
        ? 'an order is being sent right now'
        : 'an order whose outcome is unknown (it may have been placed) was sent';
  return {
    kind: 'duplicate',
    message: `an identical order (service ${order.serviceId}, same link, quantity ${order.quantity}) was sent ${ago} ago: ${what}. Nothing was placed now. If a second identical order is really intended, confirm the duplicate.`,
  };
}

/** The price read just before sending must not exceed the price the person agreed to. */
export function checkPriceAgainstQuote(quotedCents: number, currentCents: number): Refusal | undefined {
  if (currentCents <= quotedCents) return undefined;
  return {
    kind: 'price_rose',
    message: `the price rose since the quote: it was ${formatCents(quotedCents)}, it is now ${formatCents(currentCents)}. Nothing was placed. Quote the order again and confirm the new price.`,
  };
}

/** A number of cents as "12.34 USD". */
export function formatCents(cents: number): string {
  return formatUsd(cents / 100);
}

/** USD amount (as the catalog prices it, already rounded to cents) -> cents. */
export function centsOf(usd: number): number {
  return Math.round(usd * 100);
}
