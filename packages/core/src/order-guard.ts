// The money kernel: how an order is placed when a ledger and a spending policy guard it. Write-ahead: the checks
// and a 'sending' row are one transaction before the request leaves; the row then becomes placed, refused, not
// placed or unknown. A row that cannot be written means nothing is sent. Faces (the MCP server, a developer's
// program) call this; they do not re-implement any of it.
import type { ResellerError, UnknownOutcomeError } from './domain/errors.js';
import type { OrderOutcome } from './domain/order-outcome.js';
import {
  checkOrder,
  checkPriceAgainstQuote,
  checkSpendingLimits,
  LedgerDataError,
  type LedgerRow,
  ledgerHorizon,
  parseLedgerRow,
  type Refusal,
  type SpendingPolicy,
  type SpendingSnapshot,
  snapshotOf,
} from './domain/spending.js';
import type { OrderRequest, Service } from './domain/types.js';
import type { OrderLedgerStore } from './order-ledger.js';

/** The ledger, the spending policy, the account and owner to record, and the attempt that sends the order once. */
export interface OrderGuardOptions {
  ledger: OrderLedgerStore;
  policy: SpendingPolicy;
  /** Fingerprint of the account's key (accountFingerprint): budgets are per account. */
  account: string;
  /** Identifies this process in the rows it writes (host, pid, a per-start id). */
  owner: string;
  /** Sends RegisterOrder once and reports its outcome: a client's attemptOrder. */
  attemptOrder(order: OrderRequest): Promise<OrderOutcome>;
  /** Whether the account is the sandbox's (recorded on each row). */
  sandbox?: boolean;
  /** Removes secrets from text written to the ledger (catalog data can echo a key). */
  scrub?: (text: string) => string;
  now?: () => number;
}

/** An order as the guard places it: the order, its service read fresh, its price and what the person agreed to. */
export interface GuardedOrder {
  order: OrderRequest;
  /** The service as the catalog describes it right now (read fresh, not from a cache). */
  service: Service;
  /** The price by the fresh rate, in cents. */
  priceCents: number;
  currency: string;
  /** The price the person agreed to (a quote), in cents: an order that now costs more is refused. */
  agreedPriceCents?: number;
  /** The person confirmed that an identical recent order is intended. */
  confirmDuplicate: boolean;
}

/** What became of a guarded order: refused by the policy, not recorded (nothing sent), or sent and placed, not placed, refused or unknown. */
export type GuardedOrderResult =
  /** The policy refused: nothing was written, nothing was sent. */
  | { kind: 'refused_by_policy'; refusal: Refusal }
  /** The intent could not be recorded (database unreachable, read-only, full, damaged): nothing was sent. */
  | { kind: 'ledger_unavailable'; message: string }
  | (SentOrder & { kind: 'placed'; orderId: number })
  | (SentOrder & { kind: 'not_placed' | 'refused'; error: ResellerError })
  | (SentOrder & { kind: 'unknown'; error: UnknownOutcomeError });

interface SentOrder {
  /** The ledger row of this attempt. */
  rowId: number;
  /** Set when the outcome could not be written: the row stays 'sending', which still counts against the budget. */
  ledgerWarning?: string;
}

/** What createOrderGuard returns: snapshot, checks without writing, and place(). */
export interface OrderGuard {
  /** What the ledger says now: today's spend and the most recent identical order (for quotes and cards). */
  snapshot(order?: { serviceId: number; link: string; quantity: number }): Promise<SpendingSnapshot>;
  /**
   * The checks a quote must pass (allow-list, cap, today's budget), without writing anything; the snapshot also
   * names a recent identical order, when `order` is given.
   */
  checkQuote(
    service: Service,
    priceCents: number,
    order?: { serviceId: number; link: string; quantity: number },
  ): Promise<{ refusal: Refusal | undefined; snapshot: SpendingSnapshot }>;
  /** Every check place() will make, without writing or sending anything: ask a person only about orders that pass. */
  check(order: GuardedOrder): Promise<Refusal | undefined>;
  /** Checks, records, sends once, records the outcome. */
  place(order: GuardedOrder): Promise<GuardedOrderResult>;
}

/** The money kernel: checks an order against the spending policy and the ledger, records the intent, sends it once through `attemptOrder`, records the outcome. */
export function createOrderGuard(options: OrderGuardOptions): OrderGuard {
  const { ledger, policy, account } = options;
  const now = options.now ?? Date.now;
  const scrub = options.scrub ?? ((text: string) => text);

  function validRows(rows: unknown[]): LedgerRow[] {
    return rows.map((row) => parseLedgerRow(row, ledger.location));
  }

  async function snapshot(order?: { serviceId: number; link: string; quantity: number }): Promise<SpendingSnapshot> {
    const at = now();
    const rows = validRows(await ledger.rowsSince(account, ledgerHorizon(policy, at)));
    return snapshotOf(rows, order, policy, at);
  }

  /** The decision place() makes inside its transaction, over the account's rows since the horizon. */
  function decide(request: GuardedOrder, rows: unknown[], at: number): Refusal | undefined {
    if (request.agreedPriceCents !== undefined) {
      const rose = checkPriceAgainstQuote(request.agreedPriceCents, request.priceCents);
      if (rose !== undefined) return rose;
    }
    const { order, service } = request;
    const state = snapshotOf(validRows(rows), order, policy, at);
    return checkOrder(
      policy,
      { ...order, service, priceCents: request.priceCents, confirmDuplicate: request.confirmDuplicate },
      state,
      at,
    );
  }

  async function reserve(request: GuardedOrder): Promise<{ id: number } | { refusal: Refusal } | { failed: string }> {
    const at = now();
    const { order, service } = request;
    try {
      return await ledger.reserve(
        {
          account,
          createdAt: at,
          serviceId: service.service,
          serviceName: scrub(service.name),
          link: order.link,
          quantity: order.quantity,
          priceCents: request.priceCents,
          currency: request.currency,
          owner: options.owner,
          sandbox: options.sandbox === true,
        },
        ledgerHorizon(policy, at),
        (rows) => decide(request, rows, at),
      );
    } catch (error) {
      const reason = error instanceof LedgerDataError ? error.message : ledgerFailure(ledger.location, error);
      return { failed: `nothing was placed: ${scrub(reason)}` };
    }
  }

  async function place(request: GuardedOrder): Promise<GuardedOrderResult> {
    const reserved = await reserve(request);
    if ('failed' in reserved) return { kind: 'ledger_unavailable', message: reserved.failed };
    if ('refusal' in reserved) return { kind: 'refused_by_policy', refusal: reserved.refusal };
    const rowId = reserved.id;
    // No abort signal from here on: once sent, cancelling could only turn a placed order into an unknown one.
    const outcome = await options.attemptOrder(request.order);
    let ledgerWarning: string | undefined;
    try {
      await ledger.settle(
        rowId,
        outcome.kind === 'placed'
          ? { status: 'placed', orderId: outcome.orderId }
          : { status: outcome.kind, detail: scrub(outcome.error.message) },
      );
    } catch (error) {
      ledgerWarning = `the outcome could not be written to the order ledger (${scrub(ledgerFailure(ledger.location, error))}); it stays recorded as being sent, which counts against the budget, and is marked unknown at the next start`;
    }
    const sent = { rowId, ...(ledgerWarning === undefined ? {} : { ledgerWarning }) };
    switch (outcome.kind) {
      case 'placed':
        return { ...sent, kind: 'placed', orderId: outcome.orderId };
      case 'unknown':
        return { ...sent, kind: 'unknown', error: outcome.error };
      default:
        return { ...sent, kind: outcome.kind, error: outcome.error };
    }
  }

  return {
    snapshot,
    async checkQuote(service, priceCents, order) {
      const state = await snapshot(order);
      return { refusal: checkSpendingLimits(policy, service, priceCents, state), snapshot: state };
    },
    async check(request) {
      const at = now();
      return decide(request, await ledger.rowsSince(account, ledgerHorizon(policy, at)), at);
    },
    place,
  };
}

function ledgerFailure(location: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // A store's own errors already name the ledger and say what to do.
  if (message.startsWith(`the order ledger ${location}`)) return message;
  return `the order ledger ${location} cannot be used (${message})`;
}

/** What recoverInterrupted did: the rows it turned from 'sending' into 'unknown'. */
export interface RecoveredRow {
  id: number;
  account: string;
  createdAt: number;
  serviceId: number;
  quantity: number;
  priceCents: number;
}

/** The detail written on a ledger row whose process ended while it was being sent: it may have been placed. */
export const INTERRUPTED_DETAIL =
  'interrupted: the process sending it ended before the answer was recorded, so it may have been placed';

/**
 * Rows left 'sending' by a process that is gone (it crashed or was killed mid-order) become 'unknown': they keep
 * counting against the budget, and now say so. `isGone` decides from the row's owner and age; a row of a live
 * process is left alone (its answer may still come).
 */
export async function recoverInterrupted(
  ledger: OrderLedgerStore,
  isGone: (row: LedgerRow) => boolean,
): Promise<RecoveredRow[]> {
  const recovered: RecoveredRow[] = [];
  for (const raw of await ledger.sendingRows()) {
    const row = parseLedgerRow(raw, ledger.location);
    if (row.status !== 'sending' || !isGone(row)) continue;
    if (await ledger.markUnknown(row.id, INTERRUPTED_DETAIL)) {
      const { id, account, createdAt, serviceId, quantity, priceCents } = row;
      recovered.push({ id, account, createdAt, serviceId, quantity, priceCents });
    }
  }
  return recovered;
}
