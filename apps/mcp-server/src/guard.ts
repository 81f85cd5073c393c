// The spending guard: the operator's limits, checked before anything is sent. Pure: the ledger's
// entries and the clock come in, a refusal sentence (or nothing) comes out.
import { formatUsd, type Service } from '@cappi-reseller/core';
import type { SpendingPolicy } from './config.js';
import { type LedgerEntry, recentIdentical, spentToday } from './ledger.js';

export interface GuardInput {
  service: Service;
  link: string;
  quantity: number;
  price: number;
  /** The model said an identical recent order is intended. */
  confirmDuplicate: boolean;
}

export interface GuardContext {
  entries: readonly LedgerEntry[];
  account: string;
  now: number;
}

export type Refusal = { kind: 'not_allowed' | 'over_cap' | 'over_budget' | 'duplicate'; message: string };

export function isAllowed(policy: SpendingPolicy, service: Service): boolean {
  if (policy.allowServices.length === 0 && policy.allowCategories.length === 0) return true;
  if (policy.allowServices.includes(service.service)) return true;
  const category = service.category.toLowerCase();
  return policy.allowCategories.some((allowed) => allowed.toLowerCase() === category);
}

function describeAllowList(policy: SpendingPolicy): string {
  const parts = [...policy.allowServices.map((id) => `service ${id}`), ...policy.allowCategories];
  return parts.join(', ');
}

/** Checks that apply to a quote as well as to an order: refuse early, before anyone is asked. */
export function checkLimits(
  policy: SpendingPolicy,
  input: Omit<GuardInput, 'confirmDuplicate' | 'link' | 'quantity'>,
  context: GuardContext,
): Refusal | undefined {
  const { service, price } = input;
  if (!isAllowed(policy, service)) {
    return {
      kind: 'not_allowed',
      message: `service ${service.service} (${service.category}) is not on this server's allow-list; allowed: ${describeAllowList(policy)}. Pick an allowed service or ask the operator to allow it.`,
    };
  }
  if (price > policy.maxOrderUsd) {
    return {
      kind: 'over_cap',
      message: `this order costs ${formatUsd(price)}, above the per-order cap of ${formatUsd(policy.maxOrderUsd)}; order a smaller quantity or ask the operator to raise CAPPI_MAX_ORDER_USD.`,
    };
  }
  const spent = spentToday(context.entries, context.account, context.now);
  if (spent + price > policy.dailyBudgetUsd + 1e-9) {
    const left = Math.max(0, policy.dailyBudgetUsd - spent);
    return {
      kind: 'over_budget',
      message: `daily budget reached: ${formatUsd(spent)} of ${formatUsd(policy.dailyBudgetUsd)} spent today (UTC), ${formatUsd(left)} left, and this order costs ${formatUsd(price)}; wait until tomorrow (UTC) or ask the operator to raise CAPPI_DAILY_BUDGET_USD.`,
    };
  }
  return undefined;
}

export function checkOrder(policy: SpendingPolicy, input: GuardInput, context: GuardContext): Refusal | undefined {
  const refusal = checkLimits(policy, input, context);
  if (refusal !== undefined) return refusal;
  if (!input.confirmDuplicate && policy.duplicateWindowMs > 0) {
    const previous = recentIdentical(
      context.entries,
      context.account,
      { serviceId: input.service.service, link: input.link, quantity: input.quantity },
      context.now,
      policy.duplicateWindowMs,
    );
    if (previous !== undefined) {
      const seconds = Math.max(0, Math.round((context.now - Date.parse(previous.time)) / 1000));
      const ago = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
      const what =
        previous.outcome === 'placed'
          ? `order ${previous.orderId} was placed`
          : 'an order whose outcome is unknown (it may have been placed) was sent';
      return {
        kind: 'duplicate',
        message: `an identical order (service ${input.service.service}, same link, quantity ${input.quantity}) was sent ${ago} ago: ${what}. Nothing was placed now. If a second identical order is really intended, call register_order again with confirm_duplicate: true.`,
      };
    }
  }
  return undefined;
}
