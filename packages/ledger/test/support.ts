// What the ledger suites share: a sandbox with a canary key, orders that it accepts, and the money kernel wired to
// a store and a real client over HTTP.
import {
  accountFingerprint,
  centsOf,
  createOrderGuard,
  createResellerClient,
  type GuardedOrder,
  type OrderGuard,
  type OrderLedgerStore,
  quoteOrder,
  redact,
  type Service,
  type SpendingPolicy,
} from '@cappi-reseller/core';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { ledgerOwner } from '../src/index.js';

/** The sandbox's key in every ledger test: it must never appear in a row or a file. */
export const CANARY_KEY = 'sbx_canary_ledger_C4n4ry_k3y_7f3e9a01';
export const ACCOUNT = await accountFingerprint(CANARY_KEY);

export const GENEROUS_POLICY: SpendingPolicy = {
  maxOrderUsd: 1_000,
  dailyBudgetUsd: 100_000,
  allowServices: [],
  allowCategories: [],
  duplicateWindowMs: 60_000,
};

export async function startLedgerSandbox(): Promise<Sandbox> {
  return startSandbox({ keys: [{ key: CANARY_KEY, balance: 100_000 }], services: 200, seed: 8 });
}

/** A cheap service of the sandbox with a price, to order its minimum of. */
export function cheapService(sandbox: Sandbox): Service {
  const services = sandbox
    .catalog()
    .filter((service) => service.rate !== undefined && service.rate > 0 && service.min <= 100)
    .sort((a, b) => (a.rate ?? 0) * a.min - (b.rate ?? 0) * b.min);
  const service = services[0];
  if (service === undefined) throw new Error('the sandbox has no priced service');
  return service as Service;
}

let orderNumber = 0;

/** An order the sandbox accepts, with a link of its own (so the duplicate check does not refuse it). */
export function orderFor(service: Service, options: { quantity?: number; link?: string } = {}): GuardedOrder {
  orderNumber++;
  const order = {
    serviceId: service.service,
    link: options.link ?? `https://steamcommunity.com/sharedfiles/filedetails/?id=${Date.now()}${orderNumber}`,
    quantity: options.quantity ?? service.min,
  };
  const price =
    service.rate === undefined
      ? 0
      : quoteOrder(order, { ...service, max: Math.max(service.max, order.quantity) }).price;
  return { order, service, priceCents: centsOf(price), currency: 'USD', confirmDuplicate: false };
}

export interface GuardSetup {
  policy?: SpendingPolicy;
  /** Removes the canary key from text written to the ledger (default: on). */
  scrub?: boolean;
  timeoutMs?: number;
}

/** The money kernel on `store`, sending through a real client to the sandbox. */
export function guardFor(store: OrderLedgerStore, sandbox: Sandbox, setup: GuardSetup = {}): OrderGuard {
  const client = createResellerClient({
    apiKey: CANARY_KEY,
    baseUrl: sandbox.url,
    timeoutMs: setup.timeoutMs ?? 30_000,
  });
  return createOrderGuard({
    ledger: store,
    policy: setup.policy ?? GENEROUS_POLICY,
    account: ACCOUNT,
    owner: ledgerOwner(),
    attemptOrder: (order) => client.attemptOrder(order),
    sandbox: true,
    ...(setup.scrub === false ? {} : { scrub: (text: string) => redact(text, [CANARY_KEY]) }),
  });
}
