import createClient from 'openapi-fetch';
import { type AnyResellerError, InvalidRequestError, isResellerError, withRefusalFacts } from './domain/errors.js';
import type { OrderOutcome } from './domain/order-outcome.js';
import { priceOf } from './domain/quote.js';
import { redact, redactUrl } from './domain/redact.js';
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
import { createLog, isLogLevel, type LogLevel, logLevelOf, type ResellerLogger } from './log.js';
import { ResellerPromise, type WithResponse } from './reseller-promise.js';
import { responseLimits } from './response-limit.js';
import {
  createTransport,
  type RawExchange,
  type RawRequest,
  type RetryInfo,
  type TransportSettings,
} from './transport.js';

/**
 * How a client is made. Every optional field also takes `undefined` (so `baseUrl: process.env.CAPPI_BASE_URL`
 * compiles under exactOptionalPropertyTypes) and then means its default.
 */
export interface ResellerClientOptions {
  /** The API key of the Cappi account. Kept out of every URL, error and log line this package produces. */
  apiKey: string;
  /** Defaults to the production API, DEFAULT_BASE_URL (real money). */
  baseUrl?: string | undefined;
  /** Time limit of each attempt, in ms. Default 15 000. */
  timeoutMs?: number | undefined;
  /** Extra attempts for reads (never for registerOrder). Default 3. */
  retries?: number | undefined;
  /** The fetch to send requests with. Default: the global fetch. */
  fetch?: typeof fetch | undefined;
  /** Called before each retry of a read. */
  onRetry?: ((info: RetryInfo) => void) | undefined;
  /** First backoff step, in ms: attempt n waits a random time below retryDelayMs * 2^(n-1). Default 500. */
  retryDelayMs?: number | undefined;
  /** Longest backoff step, in ms. Default 10 000. */
  maxRetryDelayMs?: number | undefined;
  /** Longest Retry-After the client waits for; a longer one ends the retries with its error. Default 30 000. */
  maxRetryAfterMs?: number | undefined;
  /**
   * Largest answer read per operation, in bytes; reading stops there with an InvalidResponseError (for an order:
   * "may have been placed"). Defaults: ServicesList 32 MiB, the others 256 KiB (DEFAULT_MAX_RESPONSE_BYTES).
   */
  maxResponseBytes?: Partial<Record<OperationName, number>> | undefined;
  /** Where log lines go (each one redacted). Default: `console`, when a log level is on. */
  logger?: ResellerLogger | undefined;
  /**
   * How much to log. Default: the CAPPI_LOG environment variable where the runtime has one (`CAPPI_LOG=debug` is
   * the debug switch), else 'warn' when a logger is given, else 'off'.
   */
  logLevel?: LogLevel | undefined;
}

/** Options of one call; each also takes `undefined`, meaning the client's setting. */
export interface RequestOptions {
  /** Cancels the call (and any wait between retries). */
  signal?: AbortSignal | undefined;
  /** Time limit of each attempt of this call, in ms. Default: the client's timeoutMs. */
  timeoutMs?: number | undefined;
}

/** Options of one read (Balance, ServicesList, OrderStatus): a read may also be retried. */
export interface ReadOptions extends RequestOptions {
  /** Extra attempts of this read, 0 to 10. Default: the client's retries. */
  retries?: number | undefined;
}

/**
 * The four operations of the API. Each method returns a ResellerPromise: await it for the parsed answer, or call
 * `.withResponse()` for the answer's status, request id and headers too. Errors are AnyResellerError.
 *
 * @example
 * ```ts
 * const client = createResellerClient({ apiKey: 'sbx_example_key', baseUrl: 'http://127.0.0.1:4010' });
 * const { balance, currency } = await client.getBalance();
 * ```
 */
export interface ResellerClient {
  /** The base URL requests go to (without a trailing slash). */
  readonly baseUrl: string;
  /**
   * The account's balance. A read: retried on failures that may pass.
   *
   * @example
   * ```ts
   * const { balance, currency } = await client.getBalance({ timeoutMs: 5_000, retries: 1 });
   * ```
   */
  getBalance(options?: ReadOptions): ResellerPromise<Balance>;
  /**
   * The whole service catalog. A read: retried on failures that may pass.
   *
   * @example
   * ```ts
   * const services = await client.listServices();
   * const cheapest = services.filter((service) => service.rate !== undefined).sort((a, b) => a.rate! - b.rate!)[0];
   * ```
   */
  listServices(options?: ReadOptions): ResellerPromise<Service[]>;
  /**
   * The status of one order (NotFoundError when this key has no such order). A read: retried on failures that
   * may pass.
   *
   * @example
   * ```ts
   * const { data: status, response } = await client.getOrderStatus(12345).withResponse();
   * console.log(status.status, response.requestId);
   * ```
   */
  getOrderStatus(orderId: number, options?: ReadOptions): ResellerPromise<OrderStatus>;
  /**
   * Places an order, paid from the balance. Sent at most once, never retried (a `retries` option is refused).
   * Throws when it was not placed (an InsufficientFundsError then carries the balance and the cost, a quantity
   * refusal the allowed min and max, read after the refusal); throws UnknownOutcomeError ("may have been placed")
   * when that cannot be known.
   *
   * @example
   * ```ts
   * const { orderId } = await client.registerOrder({ serviceId: 1, link: 'https://example.com/p/1', quantity: 100 });
   * ```
   */
  registerOrder(order: OrderRequest, options?: RequestOptions): ResellerPromise<RegisteredOrder>;
  /**
   * The same single attempt as registerOrder, but its outcome is returned, never thrown: `placed` (with the order
   * id), `not_placed` (nothing reached the API, the order was invalid or could not be sent), `refused` (the API said
   * no) or `unknown` (it may have been placed: never retry it). For code that records every attempt (a ledger).
   *
   * @example
   * ```ts
   * const outcome = await client.attemptOrder({ serviceId: 1, link: 'https://example.com/p/1', quantity: 100 });
   * if (outcome.kind === 'unknown') console.log('may have been placed at', outcome.error.sentAt);
   * ```
   */
  attemptOrder(order: OrderRequest, options?: RequestOptions): Promise<OrderOutcome>;
}

/**
 * A client for the Cappi Services Reseller API: one method per operation, typed errors, retries for reads,
 * and an order placement that is never sent twice.
 *
 * @example
 * ```ts
 * import { createResellerClient, isResellerError } from '@cappi-reseller/core';
 *
 * const client = createResellerClient({
 *   apiKey: process.env.CAPPI_API_KEY ?? '',
 *   baseUrl: process.env.CAPPI_BASE_URL,
 * });
 * try {
 *   console.log(await client.getBalance());
 * } catch (error) {
 *   if (isResellerError(error) && error.code === 'authentication') console.error(error.message);
 * }
 * ```
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
    log: createLog(options.logger, checkLogLevel(options.logLevel, options.logger !== undefined), (text) =>
      redactUrl(redact(text, [apiKey])),
    ),
  };
  const transport = createTransport(settings);
  // The openapi-fetch client builds key-less requests; the transport hands each one the fetch that adds the key.
  const api = createClient<paths>({ baseUrl });

  const readBalance = async (request: ReadOptions) =>
    transport.read('Balance', (init) => api.GET('/Balance', init), parseBalance, checkRead(request));
  const readServices = async (request: ReadOptions) =>
    transport.read('ServicesList', (init) => api.GET('/ServicesList', init), parseServices, checkRead(request));

  /**
   * A refusal with what it takes to fix it: the balance and the cost, or the allowed quantities, read after the
   * refusal (reads only, once each, no retry). When they cannot be read the refusal is returned as it was.
   */
  async function explainRefusal(
    error: AnyResellerError,
    order: OrderRequest,
    request: RequestOptions,
  ): Promise<AnyResellerError> {
    const needsFunds = error.code === 'insufficient_funds' && error.balance === undefined;
    const needsLimits = error.code === 'invalid_request' && error.field === 'quantity' && error.min === undefined;
    if (!needsFunds && !needsLimits) return error;
    const once = { signal: request.signal, timeoutMs: request.timeoutMs, retries: 0 };
    try {
      const services = await readServices(once);
      const service = services.data.find((candidate) => candidate.service === order.serviceId);
      if (needsLimits) return withRefusalFacts(error, { min: service?.min, max: service?.max });
      const balance = (await readBalance(once)).data;
      const cost = service?.rate === undefined ? undefined : priceOf(service.rate, order.quantity);
      return withRefusalFacts(error, { balance: balance.balance, currency: balance.currency, cost });
    } catch {
      return error;
    }
  }

  async function attemptOrder(order: OrderRequest, request: RequestOptions = {}): Promise<OrderOutcome> {
    let checked: OrderRequest;
    try {
      checked = validateOrderInput(order);
      checkOrderOptions(request);
    } catch (error) {
      if (!isResellerError(error)) throw error;
      return { kind: 'not_placed', error };
    }
    const outcome = await transport.attemptOrder(
      (init) => api.POST('/RegisterOrder', { ...init, params: { query: checked } }),
      { signal: request.signal, timeoutMs: optionalPositive('timeoutMs', request.timeoutMs), order: checked },
    );
    if (outcome.kind !== 'refused') return outcome;
    return { kind: 'refused', error: await explainRefusal(outcome.error, checked, request) };
  }

  async function placeOrder(order: OrderRequest, request: RequestOptions): Promise<WithResponse<RegisteredOrder>> {
    const checked = validateOrderInput(order);
    checkOrderOptions(request);
    const outcome = await attemptOrder(checked, request);
    if (outcome.kind !== 'placed') throw outcome.error;
    return {
      data: { orderId: outcome.orderId, success: true, insufficientFunds: false, error: null },
      response: outcome.response ?? { status: 200, headers: {} },
    };
  }

  const client: ResellerClient = Object.freeze({
    baseUrl,
    getBalance(request: ReadOptions = {}) {
      return new ResellerPromise(readBalance(request));
    },
    listServices(request: ReadOptions = {}) {
      return new ResellerPromise(readServices(request));
    },
    getOrderStatus(orderId: number, request: ReadOptions = {}) {
      const reading = async () => {
        const checkedId = validateOrderId(orderId);
        return transport.read(
          'OrderStatus',
          (init) => api.GET('/OrderStatus', { ...init, params: { query: { orderId: checkedId } } }),
          parseOrderStatus,
          { ...checkRead(request), orderId: checkedId },
        );
      };
      return new ResellerPromise(reading());
    },
    registerOrder(order: OrderRequest, request: RequestOptions = {}) {
      return new ResellerPromise(placeOrder(order, request));
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

/** The options of one read, checked like the client's own. */
function checkRead(request: ReadOptions): ReadOptions {
  return {
    signal: request.signal,
    timeoutMs: optionalPositive('timeoutMs', request.timeoutMs),
    retries: request.retries === undefined ? undefined : checkRetries(request.retries),
  };
}

/** An order is sent once: a retry count for it is a mistake to point out, not to ignore. */
function checkOrderOptions(request: RequestOptions): void {
  const retries = (request as ReadOptions).retries;
  if (retries !== undefined) {
    throw new InvalidRequestError(
      `retries cannot be set for an order (got ${printable(retries)}): RegisterOrder is sent at most once and never retried, since a retry could place it twice`,
    );
  }
}

function optionalPositive(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : positive(name, value, 0);
}

function checkLogLevel(value: LogLevel | undefined, loggerGiven: boolean): LogLevel {
  if (value !== undefined && !isLogLevel(value)) {
    throw new InvalidRequestError(
      `logLevel must be 'off', 'error', 'warn', 'info' or 'debug' (got ${printable(value)})`,
    );
  }
  return logLevelOf(value, loggerGiven);
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
