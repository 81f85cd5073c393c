import createClient from 'openapi-fetch';
import { InvalidRequestError, isResellerError } from './domain/errors.js';
import type { OrderOutcome } from './domain/order-outcome.js';
import { parseBalance, parseOrderStatus, parseServices } from './domain/responses.js';
import {
  type Balance,
  DEFAULT_BASE_URL,
  type OperationName,
  type OrderRequest,
  type OrderStatus,
  type RegisteredOrder,
  type Service,
} from './domain/types.js';
import { validateOrderId, validateOrderInput } from './domain/validate.js';
import type { paths } from './generated/schema.js';
import { responseLimits } from './response-limit.js';
import {
  createTransport,
  type RawExchange,
  type RawRequest,
  type RetryInfo,
  type TransportSettings,
} from './transport.js';

export interface ResellerClientOptions {
  /** The API key of the Cappi account. Kept out of every URL, error and log line this package produces. */
  apiKey: string;
  /** Defaults to the production API, DEFAULT_BASE_URL (real money). */
  baseUrl?: string;
  /** Time limit of each attempt, in ms. Default 15 000. */
  timeoutMs?: number;
  /** Extra attempts for reads (never for registerOrder). Default 3. */
  retries?: number;
  /** The fetch to send requests with. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Called before each retry of a read. */
  onRetry?: (info: RetryInfo) => void;
  /** First backoff step, in ms: attempt n waits a random time below retryDelayMs * 2^(n-1). Default 500. */
  retryDelayMs?: number;
  /** Longest backoff step, in ms. Default 10 000. */
  maxRetryDelayMs?: number;
  /** Longest Retry-After the client waits for; a longer one ends the retries with its error. Default 30 000. */
  maxRetryAfterMs?: number;
  /**
   * Largest answer read per operation, in bytes; reading stops there with an InvalidResponseError (for an order:
   * "may have been placed"). Defaults: ServicesList 32 MiB, the others 256 KiB (DEFAULT_MAX_RESPONSE_BYTES).
   */
  maxResponseBytes?: Partial<Record<OperationName, number>>;
}

export interface RequestOptions {
  /** Cancels the call (and any wait between retries). */
  signal?: AbortSignal;
}

export interface ResellerClient {
  readonly baseUrl: string;
  getBalance(options?: RequestOptions): Promise<Balance>;
  listServices(options?: RequestOptions): Promise<Service[]>;
  getOrderStatus(orderId: number, options?: RequestOptions): Promise<OrderStatus>;
  /**
   * Places an order, paid from the balance. Sent at most once, never retried. Throws when it was not placed; throws
   * UnknownOutcomeError ("may have been placed") when that cannot be known.
   */
  registerOrder(order: OrderRequest, options?: RequestOptions): Promise<RegisteredOrder>;
  /**
   * The same single attempt as registerOrder, but its outcome is returned, never thrown: `placed` (with the order
   * id), `not_placed` (nothing reached the API, the order was invalid or could not be sent), `refused` (the API said
   * no) or `unknown` (it may have been placed: never retry it). For code that records every attempt (a ledger).
   */
  attemptOrder(order: OrderRequest, options?: RequestOptions): Promise<OrderOutcome>;
}

/**
 * A client for the Cappi Services Reseller API: one method per operation, typed errors, retries for reads,
 * and an order placement that is never sent twice.
 */
export function createResellerClient(options: ResellerClientOptions): ResellerClient {
  const apiKey = checkApiKey(options.apiKey);
  const baseUrl = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const settings: TransportSettings = {
    apiKey,
    baseUrl,
    timeoutMs: positive('timeoutMs', options.timeoutMs, 15_000),
    retries: checkRetries(options.retries),
    fetch: options.fetch ?? globalThis.fetch,
    onRetry: options.onRetry,
    retryDelayMs: positive('retryDelayMs', options.retryDelayMs, 500),
    maxRetryDelayMs: positive('maxRetryDelayMs', options.maxRetryDelayMs, 10_000),
    maxRetryAfterMs: positive('maxRetryAfterMs', options.maxRetryAfterMs, 30_000),
    random: Math.random,
    maxResponseBytes: responseLimits(options.maxResponseBytes, (message) => new InvalidRequestError(message)),
  };
  const transport = createTransport(settings);
  // The openapi-fetch client builds key-less requests; the transport hands each one the fetch that adds the key.
  const api = createClient<paths>({ baseUrl });

  async function attemptOrder(order: OrderRequest, request: RequestOptions = {}): Promise<OrderOutcome> {
    let checked: OrderRequest;
    try {
      checked = validateOrderInput(order);
    } catch (error) {
      if (!isResellerError(error)) throw error;
      return { kind: 'not_placed', error };
    }
    return transport.attemptOrder((init) => api.POST('/RegisterOrder', { ...init, params: { query: checked } }), {
      ...request,
      order: checked,
    });
  }

  const client: ResellerClient = Object.freeze({
    baseUrl,
    getBalance(request: RequestOptions = {}) {
      return transport.read('Balance', (init) => api.GET('/Balance', init), parseBalance, request);
    },
    listServices(request: RequestOptions = {}) {
      return transport.read('ServicesList', (init) => api.GET('/ServicesList', init), parseServices, request);
    },
    async getOrderStatus(orderId: number, request: RequestOptions = {}) {
      const checkedId = validateOrderId(orderId);
      return transport.read(
        'OrderStatus',
        (init) => api.GET('/OrderStatus', { ...init, params: { query: { orderId: checkedId } } }),
        parseOrderStatus,
        { ...request, orderId: checkedId },
      );
    },
    async registerOrder(order: OrderRequest, request: RequestOptions = {}): Promise<RegisteredOrder> {
      const outcome = await attemptOrder(validateOrderInput(order), request);
      if (outcome.kind !== 'placed') throw outcome.error;
      return { orderId: outcome.orderId, success: true, insufficientFunds: false, error: null };
    },
    attemptOrder,
  });
  rawAccess.set(client, {
    timeoutMs: settings.timeoutMs,
    exchange: transport.exchangeRaw,
    // The same transport with another key (the API check's deliberately wrong one): the key is still added in one place.
    exchangeWithKey: (otherKey) => createTransport({ ...settings, apiKey: otherKey }).exchangeRaw,
  });
  return client;
}

/** Raw exchanges through a client's transport, for checkApi; not part of the public API. */
export interface RawAccess {
  timeoutMs: number;
  exchange(request: RawRequest): Promise<RawExchange>;
  exchangeWithKey(apiKey: string): (request: RawRequest) => Promise<RawExchange>;
}

const rawAccess = new WeakMap<ResellerClient, RawAccess>();

/** The raw access of a client made by createResellerClient (undefined for any other object). */
export function rawAccessOf(client: ResellerClient): RawAccess | undefined {
  return rawAccess.get(client);
}

function checkApiKey(apiKey: unknown): string {
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new InvalidRequestError(
      'apiKey is missing: pass the API key of your Cappi account (for example from the CAPPI_API_KEY environment variable)',
    );
  }
  return apiKey.trim();
}

function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InvalidRequestError(`baseUrl must be an http(s) URL such as ${DEFAULT_BASE_URL}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidRequestError(`baseUrl must be an http(s) URL such as ${DEFAULT_BASE_URL} (got ${url.protocol})`);
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    // A query could smuggle a key into every URL we show; the key belongs in apiKey only.
    throw new InvalidRequestError('baseUrl must not carry a query, fragment or credentials: pass the key as apiKey');
  }
  return url.href.replace(/\/+$/, '');
}

// Node timers hold at most 2^31-1 ms (about 24.8 days); a longer one fires at once.
const MAX_TIMER_MS = 2_147_483_647;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new InvalidRequestError(
      `${name} must be a number of milliseconds from 1 to ${MAX_TIMER_MS} (got ${printable(value)})`,
    );
  }
  // Timers and AbortSignal.timeout() take whole milliseconds.
  return Math.ceil(value);
}

function checkRetries(value: number | undefined): number {
  if (value === undefined) return 3;
  if (!Number.isSafeInteger(value) || value < 0 || value > 10) {
    throw new InvalidRequestError(`retries must be a whole number from 0 to 10 (got ${printable(value)})`);
  }
  return value;
}

/** A value as text for an error message, whatever it is (String() throws on a null-prototype object). */
function printable(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`;
}
