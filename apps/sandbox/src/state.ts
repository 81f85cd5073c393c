import { type CatalogEntry, catalogFromServices, type Service } from './catalog.js';
import type { components } from './generated/schema.js';
import { centsToDollars, chargeCents, dollarsToCents, formatCents, refundCents } from './money.js';
import { createRandom, randomHex, randomInt } from './random.js';
import type { SandboxOrder, SandboxOrderStatus } from './types.js';

type Balance = components['schemas']['Balance'];
type OrderStatus = components['schemas']['OrderStatus'];
type RegisterOrderResult = components['schemas']['RegisterOrderResult'];

const CURRENCY = 'USD';
const MAX_LINK_LENGTH = 2048;

export interface StateOptions {
  seed: number;
  catalog: CatalogEntry[];
  keys: { key: string; balance: number }[];
  pendingMs: number;
  deliveryMs: number;
  partialRate: number;
  clock: () => number;
}

interface Account {
  key: string;
  balanceCents: number;
}

interface StoredOrder {
  orderId: number;
  key: string;
  entry: CatalogEntry;
  link: string;
  quantity: number;
  chargeCents: number;
  placedAt: number;
  /** Units that will never be delivered; 0 for an order that completes. Decided when placed, from the seed. */
  failedUnits: number;
  /** Set once the refund of a partial order has been credited, so it is credited exactly once. */
  settled: boolean;
}

export interface OrderRequest {
  serviceId: number;
  link: string;
  quantity: number;
}

/** The key derived from a seed when none is given: same seed, same key. */
export function defaultKey(seed: number): string {
  return `sbx_${randomHex(createRandom(seed, 'key'), 16)}`;
}

function checkBalance(balance: number, what: string): number {
  if (typeof balance !== 'number' || !Number.isFinite(balance) || balance < 0) {
    throw new RangeError(`${what} must be a finite number of USD >= 0, got ${balance}`);
  }
  return dollarsToCents(balance);
}

function isHttpUrl(link: string): boolean {
  if (!URL.canParse(link)) return false;
  const { protocol, hostname } = new URL(link);
  return (protocol === 'http:' || protocol === 'https:') && hostname !== '';
}

/** Accounts, balances and orders, and the four operations on them. Statuses are computed from the clock when read. */
export function createState(options: StateOptions) {
  const { seed, pendingMs, deliveryMs, partialRate, clock } = options;
  // Replaced as a whole by setCatalog; an order keeps the entry it was placed with (its mode, what it was charged).
  let catalog = options.catalog;
  let services = new Map(catalog.map((entry) => [entry.service.service, entry]));
  const accounts = new Map<string, Account>();
  for (const [index, { key, balance }] of options.keys.entries()) {
    if (typeof key !== 'string' || key.length === 0)
      throw new TypeError(`keys[${index}].key must be a non-empty string`);
    if (accounts.has(key)) throw new TypeError(`keys[${index}] repeats a key given before`);
    accounts.set(key, { key, balanceCents: checkBalance(balance, `keys[${index}].balance`) });
  }
  const orders: StoredOrder[] = [];
  let nextOrderId = randomInt(createRandom(seed, 'order-ids'), 100_000, 899_999);

  function finalAt(order: StoredOrder): number {
    return order.placedAt + pendingMs + deliveryMs;
  }

  /** Credits the refund of every partial order that has become final and was not credited yet. */
  function settle(): void {
    const now = clock();
    for (const order of orders) {
      if (order.settled || now < finalAt(order)) continue;
      order.settled = true;
      const account = accounts.get(order.key);
      if (account && order.failedUnits > 0) {
        account.balanceCents += refundCents(order.chargeCents, order.failedUnits, order.quantity);
      }
    }
  }

  function statusOf(
    order: StoredOrder,
  ): Omit<SandboxOrder, 'orderId' | 'serviceId' | 'link' | 'quantity' | 'placedAt'> {
    const elapsed = clock() - order.placedAt;
    const charge = centsToDollars(order.chargeCents);
    if (elapsed < pendingMs) return { status: 'pending', charge, success: 0, failed: 0, walletReturn: 0 };
    const deliverable = order.quantity - order.failedUnits;
    if (elapsed < pendingMs + deliveryMs) {
      const success = Math.floor((deliverable * (elapsed - pendingMs)) / deliveryMs);
      return { status: 'in progress', charge, success, failed: 0, walletReturn: 0 };
    }
    if (order.failedUnits === 0) {
      return { status: 'completed', charge, success: order.quantity, failed: 0, walletReturn: 0 };
    }
    const walletReturn = centsToDollars(refundCents(order.chargeCents, order.failedUnits, order.quantity));
    return { status: 'partial', charge, success: deliverable, failed: order.failedUnits, walletReturn };
  }

  function observation(status: SandboxOrderStatus, order: StoredOrder, success: number, walletReturn: number): string {
    switch (status) {
      case 'pending':
        return 'Order received and queued for delivery.';
      case 'in progress':
        return `Delivering: ${success} of ${order.quantity} done.`;
      case 'completed':
        return 'Order completed successfully.';
      case 'partial':
        return `Partially completed: ${order.failedUnits} of ${order.quantity} could not be delivered; ${formatCents(dollarsToCents(walletReturn))} returned to the balance.`;
    }
  }

  function toSandboxOrder(order: StoredOrder): SandboxOrder {
    return {
      orderId: order.orderId,
      serviceId: order.entry.service.service,
      link: order.link,
      quantity: order.quantity,
      placedAt: order.placedAt,
      ...statusOf(order),
    };
  }

  /** Units a partial order will fail to deliver, decided from the seed and the order id. */
  function failedUnitsFor(orderId: number, quantity: number): number {
    const random = createRandom(seed, `order:${orderId}`);
    // An order of one unit cannot be partly delivered.
    if (quantity < 2 || random() >= partialRate) return 0;
    return randomInt(random, 1, Math.ceil(quantity / 2));
  }

  function refusal(error: string): RegisterOrderResult {
    return { success: false, orderId: null, insufficientFunds: false, error };
  }

  return {
    authenticate(key: string | undefined): Account | undefined {
      return key === undefined ? undefined : accounts.get(key);
    },

    balance(account: Account): Balance {
      settle();
      return { balance: centsToDollars(account.balanceCents), currency: CURRENCY };
    },

    listServices(): Service[] {
      return catalog.map((entry) => entry.service);
    },

    /** What /ServicesList lists and RegisterOrder checks from now on; throws (changing nothing) when invalid. */
    setCatalog(list: readonly Service[]): void {
      catalog = catalogFromServices(list, services);
      services = new Map(catalog.map((entry) => [entry.service.service, entry]));
    },

    registerOrder(account: Account, request: OrderRequest): RegisterOrderResult {
      settle();
      const { serviceId, link, quantity } = request;
      const entry = services.get(serviceId);
      if (!entry) return refusal(`Service ${serviceId} does not exist.`);
      const { min, max } = entry.service;
      if (quantity < min || quantity > max) {
        const side = quantity < min ? `below the minimum of ${min}` : `above the maximum of ${max}`;
        return refusal(`Quantity ${quantity} is ${side} for service ${serviceId} (allowed: ${min} to ${max}).`);
      }
      if (link.length > MAX_LINK_LENGTH) return refusal(`The link is longer than ${MAX_LINK_LENGTH} characters.`);
      if (!isHttpUrl(link)) return refusal(`The link "${link.slice(0, 100)}" is not valid: it must be an http(s) URL.`);
      const charge = chargeCents(entry.rateMicros, quantity);
      if (charge > account.balanceCents) {
        return { success: false, orderId: null, insufficientFunds: true, error: 'Insufficient funds.' };
      }
      account.balanceCents -= charge;
      const orderId = nextOrderId++;
      orders.push({
        orderId,
        key: account.key,
        entry,
        link,
        quantity,
        chargeCents: charge,
        placedAt: clock(),
        failedUnits: failedUnitsFor(orderId, quantity),
        settled: false,
      });
      return { success: true, orderId, insufficientFunds: false, error: null };
    },

    /** The order's status, or undefined when no order with this id belongs to this key. */
    orderStatus(account: Account, orderId: number): OrderStatus | undefined {
      settle();
      const order = orders.find((candidate) => candidate.orderId === orderId && candidate.key === account.key);
      if (!order) return undefined;
      const { status, charge, success, failed, walletReturn } = statusOf(order);
      return {
        status,
        charge,
        walletReturn,
        mode: order.entry.mode,
        success,
        failed,
        observation: observation(status, order, success, walletReturn),
        currency: CURRENCY,
      };
    },

    orders(key?: string): SandboxOrder[] {
      settle();
      return orders.filter((order) => key === undefined || order.key === key).map(toSandboxOrder);
    },

    balanceOf(key: string): number {
      settle();
      const account = accounts.get(key);
      if (!account) throw new RangeError('balanceOf: no such key in this sandbox');
      return centsToDollars(account.balanceCents);
    },

    setBalance(key: string, balance: number): void {
      settle();
      const account = accounts.get(key);
      if (!account) throw new RangeError('setBalance: no such key in this sandbox');
      account.balanceCents = checkBalance(balance, 'balance');
    },
  };
}

export type State = ReturnType<typeof createState>;
export type { Account };
