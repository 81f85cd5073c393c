// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/status.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import type { NormalizedOrderStatus, OrderState, OrderStatus } from './types.js';

// The API's status is free text. These are the spellings panels of this kind use; anything else is 'unknown'
// (not final), so a new spelling makes a wait last longer instead of ending it early.
const STATES: Record<string, OrderState> = {
  pending: 'pending',
  queued: 'pending',
  waiting: 'pending',
  new: 'pending',
  'in progress': 'in_progress',
  inprogress: 'in_progress',
  processing: 'in_progress',
  active: 'in_progress',
  running: 'in_progress',
  started: 'in_progress',
  completed: 'completed',
  complete: 'completed',
  done: 'completed',
  finished: 'completed',
  partial: 'partial',
  partially: 'partial',
  'partially completed': 'partial',
  canceled: 'canceled',
  cancelled: 'canceled',
  refunded: 'canceled',
  // Nothing more will happen to a failed or rejected order: for a caller that is a cancellation.
  failed: 'canceled',
  rejected: 'canceled',
};

const FINAL_STATES: ReadonlySet<OrderState> = new Set(['completed', 'partial', 'canceled']);

/** Maps a status text ("In Progress", "in_progress", "Cancelled", ...) to one of a few known states. */
export function normalizeStatusText(text: string): OrderState {
  const key = text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  return STATES[key] ?? 'unknown';
}

/** Whether an order in this state will not change any more (completed, partial or canceled). */
export function isFinalState(state: OrderState): boolean {
  return FINAL_STATES.has(state);
}

/** The API's order status with a known state, whether it is final, and fields named for what they mean. */
export function normalizeOrderStatus(status: OrderStatus): NormalizedOrderStatus {
  const state = normalizeStatusText(status.status);
  return {
    state,
    isFinal: isFinalState(state),
    rawStatus: status.status,
    charge: status.charge,
    refund: status.walletReturn,
    delivered: status.success,
    failed: status.failed,
    currency: status.currency,
    observation: status.observation,
    mode: status.mode,
  };
}
