import type { Service } from './catalog.js';
import type { Fault } from './faults.js';

export type { Service } from './catalog.js';
export type { Fault } from './faults.js';

/** The four operations of the API, named as in their paths. */
export type OperationName = 'Balance' | 'ServicesList' | 'OrderStatus' | 'RegisterOrder';

export const OPERATION_NAMES: readonly OperationName[] = ['Balance', 'ServicesList', 'OrderStatus', 'RegisterOrder'];

/** The statuses the sandbox sends, in the order an order goes through them. */
export type SandboxOrderStatus = 'pending' | 'in progress' | 'completed' | 'partial';

export interface SandboxOptions {
  /** 0 = a free port (default 0). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Same seed = same catalog, same key, same order outcomes. Default 1. */
  seed?: number;
  /** Catalog size, default 2400. */
  services?: number;
  /** Default: one key derived from the seed, with a balance of 100 USD. */
  keys?: { key: string; balance: number }[];
  /** Default 3000 ms pending, then 20000 ms in progress. */
  orderTiming?: { pendingMs?: number; deliveryMs?: number };
  /** Share of orders (of 2 units or more) that end partial, default 0.2. */
  partialRate?: number;
  /** Milliseconds; default Date.now. Orders progress by this clock. */
  clock?: () => number;
  /** Check every response against the contract; violations make stop() reject. */
  validateResponses?: boolean;
}

/** A committed order as it stands now (computed from the clock when asked). */
export interface SandboxOrder {
  orderId: number;
  serviceId: number;
  link: string;
  quantity: number;
  /** USD debited when the order was placed. */
  charge: number;
  /** Clock time (ms) at which it was placed. */
  placedAt: number;
  status: SandboxOrderStatus;
  /** Units delivered so far. */
  success: number;
  /** Units that will not be delivered (only once partial). */
  failed: number;
  /** USD credited back to the balance (only once partial). */
  walletReturn: number;
}

export interface FaultOptions {
  /** How many matching requests the fault applies to, default 1. */
  times?: number;
  /** Only requests to this operation; default any of the four. */
  operation?: OperationName;
}

export interface Sandbox {
  /** Base URL to give the client, e.g. http://127.0.0.1:4010 */
  url: string;
  /** The first key. */
  key: string;
  /** Closes the server; rejects with the list of contract violations if any were recorded. */
  stop(): Promise<void>;
  faults: {
    /** Applies `fault` to the next `times` matching requests (default 1). */
    inject(fault: Fault, options?: FaultOptions): void;
    /** Applies one of `faults` (chosen by the seeded generator) to a share `rate` of matching requests. */
    setRate(rate: number, faults: Fault[], options?: { operation?: OperationName }): void;
    clear(): void;
  };
  /** Requests received for one operation (or all four), faulted ones included. */
  requests(operation?: OperationName): number;
  /** Committed orders, of one key or of all. */
  orders(key?: string): SandboxOrder[];
  setBalance(key: string, balance: number): void;
  balanceOf(key: string): number;
  /** A copy of the services /ServicesList answers now. */
  catalog(): Service[];
  /**
   * Replaces the catalog: /ServicesList lists `services` (in this order) and RegisterOrder accepts only them, within
   * their min/max, charged at their rate. Start from catalog() and change a rate, drop or add a service, e.g. to
   * show a "catalog changed" trigger firing. A service kept without a rate keeps its price; a new one needs a rate.
   * Orders already placed are unaffected. Throws, changing nothing, when a service breaks the contract.
   */
  setCatalog(services: readonly Service[]): void;
  violations(): string[];
}
