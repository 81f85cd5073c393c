import type { components, operations } from '../generated/schema.js';

/** The account's prepaid balance, as `GET /Balance` answers it. */
export type Balance = components['schemas']['Balance'];
/** One entry of the catalog, as `GET /ServicesList` answers it. `rate` is USD per unit and may be absent. */
export type Service = components['schemas']['Service'];
/** An order's status, as `GET /OrderStatus` answers it. `status` is free text: see normalizeOrderStatus(). */
export type OrderStatus = components['schemas']['OrderStatus'];
/** What `POST /RegisterOrder` answers: a registration or (with `success: false`) a refusal. */
export type RegisterOrderResult = components['schemas']['RegisterOrderResult'];
/** RFC 9457 problem details, as the API sends them with 4xx/5xx answers. */
export type ProblemDetails = components['schemas']['ProblemDetails'];

/** The parameters of `POST /RegisterOrder`, as the generated schema types them. */
export type OrderRequest = operations['registerOrder']['parameters']['query'];

/** A registered order: the only successful outcome of registerOrder(). */
export interface RegisteredOrder {
  orderId: number;
  success: true;
  insufficientFunds: false;
  error: null;
}

/** The four operations of the API. */
export type OperationName = 'Balance' | 'ServicesList' | 'OrderStatus' | 'RegisterOrder';

/** The production API (real money): where a client goes when no baseUrl is given. */
export const DEFAULT_BASE_URL = 'https://cappiservices.com/api/Reseller';

/** A priced order, ready to be shown to whoever confirms it. */
export interface Quote {
  serviceId: number;
  serviceName: string;
  category: string;
  link: string;
  quantity: number;
  /** USD per unit. */
  rate: number;
  /** USD, rounded to cents (half up). */
  price: number;
  currency: 'USD';
  /** The balance the quote was checked against, when one was given. */
  balance?: number;
  /** The balance left after the order, when a balance in USD was given. */
  balanceAfter?: number;
  /** Whether the balance covers the price, when a balance in USD was given. */
  affordable?: boolean;
}

/** The few states a free-text order status is mapped to. */
export type OrderState = 'pending' | 'in_progress' | 'completed' | 'partial' | 'canceled' | 'unknown';

/** An order status with a known state and fields named for what they mean (see normalizeOrderStatus). */
export interface NormalizedOrderStatus {
  state: OrderState;
  /** True once the order will not change any more (completed, partial or canceled). */
  isFinal: boolean;
  /** The status text exactly as the API sent it. */
  rawStatus: string;
  charge: number;
  /** Amount returned to the balance for what was not delivered (the API's `walletReturn`). */
  refund: number;
  /** Units delivered (the API's `success`). */
  delivered: number;
  /** Units not delivered. */
  failed: number;
  currency: string;
  observation: string | null;
  mode: string | null;
}

/** What searchServices looks for: words, a category, a rate range. */
export interface SearchServicesOptions {
  /** Words to look for in the name, category, description or id; any order, case-insensitive. */
  query?: string;
  /** Exact category name, case-insensitive. */
  category?: string;
  /** Lowest rate (USD per unit) to include; services without a rate are left out when set. */
  minRate?: number;
  /** Highest rate (USD per unit) to include; services without a rate are left out when set. */
  maxRate?: number;
}

/** A category of the catalog and how many services it has. */
export interface CategoryCount {
  category: string;
  count: number;
}

/** One page of a longer list, with the cursor of the next page. */
export interface Page<T> {
  items: T[];
  /** Pass this to get the next page; absent on the last page. */
  nextCursor?: string;
  total: number;
}

/**
 * What an answer said about itself: its status, its request id and its headers (lower-case names, redacted: no
 * key, no cookie). Read it with `.withResponse()` on a client call; the raw Response is never handed out, since
 * its `url` carries the key.
 */
export interface AnswerInfo {
  status: number;
  /** A request-id header of the answer, else its problem details' `traceId`; quote it to the vendor's support. */
  requestId?: string;
  headers: Readonly<Record<string, string>>;
}
