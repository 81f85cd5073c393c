// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/errors.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import { formatUsd } from './money.js';
import type { OperationName, OrderRequest, ProblemDetails, RegisterOrderResult } from './types.js';

export type ErrorCode =
  | 'authentication'
  | 'insufficient_funds'
  | 'invalid_request'
  | 'not_found'
  | 'rate_limited'
  | 'server'
  | 'connection'
  | 'timeout'
  | 'invalid_response'
  | 'unknown_outcome'
  | 'aborted';

export type OrderField = 'serviceId' | 'link' | 'quantity' | 'orderId';

interface CommonDetails {
  operation?: OperationName;
  status?: number;
  /** A description of the underlying failure. Callers must pass it redacted: it is shown by util.inspect(). */
  cause?: unknown;
}

/**
 * Base class of every error this package throws. Branch on `code` (or instanceof); `retryable` says whether
 * trying the same request again later may succeed. No instance ever holds the API key, a URL carrying it or a
 * raw Request.
 */
export class ResellerError extends Error {
  override name = 'ResellerError';
  readonly code: ErrorCode;
  declare readonly operation?: OperationName;
  declare readonly status?: number;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, details: CommonDetails & { retryable?: boolean } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = details.retryable ?? false;
    if (details.operation !== undefined) this.operation = details.operation;
    if (details.status !== undefined) this.status = details.status;
  }

  /** Plain data for logs and tool results: name, message and the fields a caller can act on. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [field, value] of Object.entries(this)) {
      if (value !== undefined && field !== 'name') json[field] = value;
    }
    return json;
  }
}

export function isResellerError(value: unknown): value is ResellerError {
  return value instanceof ResellerError;
}

export class AuthenticationError extends ResellerError {
  override name = 'AuthenticationError';
  constructor(message: string, details: CommonDetails = {}) {
    super('authentication', message, details);
  }
}

export class InsufficientFundsError extends ResellerError {
  override name = 'InsufficientFundsError';
  declare readonly balance?: number;
  declare readonly cost?: number;
  declare readonly currency?: string;
  constructor(message: string, details: CommonDetails & { balance?: number; cost?: number; currency?: string } = {}) {
    super('insufficient_funds', message, details);
    if (details.balance !== undefined) this.balance = details.balance;
    if (details.cost !== undefined) this.cost = details.cost;
    if (details.currency !== undefined) this.currency = details.currency;
  }
}

export class InvalidRequestError extends ResellerError {
  override name = 'InvalidRequestError';
  declare readonly field?: OrderField;
  declare readonly serviceId?: number;
  declare readonly min?: number;
  declare readonly max?: number;
  constructor(
    message: string,
    details: CommonDetails & { field?: OrderField; serviceId?: number; min?: number; max?: number } = {},
  ) {
    super('invalid_request', message, details);
    if (details.field !== undefined) this.field = details.field;
    if (details.serviceId !== undefined) this.serviceId = details.serviceId;
    if (details.min !== undefined) this.min = details.min;
    if (details.max !== undefined) this.max = details.max;
  }
}

export class NotFoundError extends ResellerError {
  override name = 'NotFoundError';
  declare readonly orderId?: number;
  constructor(message: string, details: CommonDetails & { orderId?: number } = {}) {
    super('not_found', message, details);
    if (details.orderId !== undefined) this.orderId = details.orderId;
  }
}

export class RateLimitedError extends ResellerError {
  override name = 'RateLimitedError';
  /** How long the API asked to wait (its Retry-After), in ms. */
  declare readonly retryAfterMs?: number;
  constructor(message: string, details: CommonDetails & { retryAfterMs?: number } = {}) {
    super('rate_limited', message, { ...details, retryable: true });
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

export class ServerError extends ResellerError {
  override name = 'ServerError';
  declare readonly status: number;
  /** How long the API asked to wait (a 503's Retry-After), in ms. */
  declare readonly retryAfterMs?: number;
  constructor(message: string, details: CommonDetails & { status: number; retryAfterMs?: number }) {
    super('server', message, { ...details, retryable: true });
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

export class ConnectionError extends ResellerError {
  override name = 'ConnectionError';
  constructor(message: string, details: CommonDetails = {}) {
    super('connection', message, { ...details, retryable: true });
  }
}

export class TimeoutError extends ResellerError {
  override name = 'TimeoutError';
  readonly timeoutMs: number;
  constructor(message: string, details: CommonDetails & { timeoutMs: number }) {
    super('timeout', message, { ...details, retryable: true });
    this.timeoutMs = details.timeoutMs;
  }
}

export class InvalidResponseError extends ResellerError {
  override name = 'InvalidResponseError';
  constructor(message: string, details: CommonDetails & { retryable?: boolean } = {}) {
    super('invalid_response', message, details);
  }
}

/**
 * The order was sent and no answer could be read: it may or may not have been placed. Never retry it blindly;
 * check the recent orders first. `order` and `sentAt` say which order and when.
 */
export class UnknownOutcomeError extends ResellerError {
  override name = 'UnknownOutcomeError';
  readonly order: OrderRequest;
  /** When the request was sent, ISO 8601. */
  readonly sentAt: string;
  constructor(message: string, details: CommonDetails & { order: OrderRequest; sentAt: string }) {
    super('unknown_outcome', message, { ...details, operation: details.operation ?? 'RegisterOrder' });
    this.order = { serviceId: details.order.serviceId, link: details.order.link, quantity: details.order.quantity };
    this.sentAt = details.sentAt;
  }
}

export class AbortedError extends ResellerError {
  override name = 'AbortedError';
  constructor(message: string, details: CommonDetails = {}) {
    super('aborted', message, details);
  }
}

/** The sentence every unknown outcome starts with; faces and tests rely on it. */
export function unknownOutcomeMessage(order: OrderRequest, sentAt: string, what: string): string {
  return (
    `the order may have been placed: ${what} (service ${order.serviceId}, quantity ${order.quantity}, ` +
    `link ${order.link}, sent at ${sentAt}). Check your recent orders and your balance before placing it again; ` +
    'do not simply retry it'
  );
}

export interface HttpErrorContext {
  operation: OperationName;
  /** The Retry-After of the answer, already converted to ms. */
  retryAfterMs?: number;
  /** The order id asked about (OrderStatus), for a 404. */
  orderId?: number;
}

/**
 * Maps an HTTP error answer (status and parsed body, ideally RFC 9457 problem details) to a typed error.
 * Every mapped error is a definite answer from the server: for RegisterOrder it means nothing was placed.
 */
export function errorFromHttp(status: number, body: unknown, context: HttpErrorContext): ResellerError {
  const { operation } = context;
  const problem = asProblem(body);
  const said = problemSummary(problem);
  const apiSaid = said === '' ? '' : ` (the API said: ${said})`;
  const common = { operation, status };

  if (status === 401 || status === 403) {
    return new AuthenticationError(`the API key was rejected (HTTP ${status}): check CAPPI_API_KEY${apiSaid}`, common);
  }
  if (status === 400 || status === 422) {
    const field = firstKnownField(problem);
    return new InvalidRequestError(
      `the API rejected the ${operation} request (HTTP ${status})${said === '' ? '' : `: ${said}`}`,
      {
        ...common,
        ...(field === undefined ? {} : { field }),
      },
    );
  }
  if (status === 404) {
    if (operation === 'OrderStatus' && context.orderId !== undefined) {
      return new NotFoundError(
        `order ${context.orderId} was not found for this API key (HTTP 404): check the order id`,
        { ...common, orderId: context.orderId },
      );
    }
    return new NotFoundError(`the API has no ${operation} endpoint at this address (HTTP 404): check baseUrl`, common);
  }
  if (status === 429) {
    const wait =
      context.retryAfterMs === undefined ? '' : `; the API asked to wait ${formatWait(context.retryAfterMs)}`;
    return new RateLimitedError(`the API is rate limiting requests (HTTP 429)${wait}: slow down and try again later`, {
      ...common,
      ...(context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs }),
    });
  }
  if (status === 408 || status >= 500) {
    return new ServerError(`the API failed to handle ${operation} (HTTP ${status})${apiSaid}; try again later`, {
      ...common,
      ...(context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs }),
    });
  }
  return new InvalidResponseError(
    `the API answered ${operation} with an unexpected HTTP ${status}${apiSaid}: check baseUrl`,
    common,
  );
}

export interface RefusalContext {
  operation?: OperationName;
  order?: OrderRequest;
  /** The balance before the order, when known, to say how far short it is. */
  balance?: number;
  /** The price of the order, when known (from a quote). */
  cost?: number;
  currency?: string;
}

/** Maps a `success: false` answer of RegisterOrder (an HTTP 200 refusal: nothing was placed) to a typed error. */
export function errorFromRefusal(result: RegisterOrderResult, context: RefusalContext = {}): ResellerError {
  const operation = context.operation ?? 'RegisterOrder';
  const said = typeof result.error === 'string' && result.error.trim() !== '' ? result.error.trim() : undefined;
  if (result.insufficientFunds === true) {
    const currency = context.currency ?? 'USD';
    const known: string[] = [];
    if (context.balance !== undefined) known.push(`balance is ${formatMoney(context.balance, currency)}`);
    if (context.cost !== undefined) known.push(`this order costs ${formatMoney(context.cost, currency)}`);
    const message =
      known.length > 0
        ? `insufficient funds: ${known.join(', ')}`
        : `insufficient funds: the balance does not cover this order${said === undefined ? '' : ` (the API said: ${said})`}`;
    return new InsufficientFundsError(`${message}; nothing was placed. Top up the balance or order less`, {
      operation,
      ...(context.balance === undefined ? {} : { balance: context.balance }),
      ...(context.cost === undefined ? {} : { cost: context.cost }),
      currency,
    });
  }
  const field = said === undefined ? undefined : guessField(said);
  const serviceId = context.order?.serviceId;
  return new InvalidRequestError(`the order was refused, nothing was placed: ${said ?? 'the API gave no reason'}`, {
    operation,
    ...(field === undefined ? {} : { field }),
    ...(serviceId === undefined ? {} : { serviceId }),
  });
}

function formatMoney(amount: number, currency: string): string {
  return currency.toUpperCase() === 'USD' ? formatUsd(amount) : `${amount.toFixed(2)} ${currency}`;
}

function formatWait(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function asProblem(body: unknown): ProblemDetails | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as ProblemDetails) : undefined;
}

/** A short human summary of a problem body: its detail or title, then its validation errors. */
function problemSummary(problem: ProblemDetails | undefined): string {
  if (problem === undefined) return '';
  const parts: string[] = [];
  const text = typeof problem.detail === 'string' ? problem.detail : problem.title;
  if (typeof text === 'string' && text.trim() !== '') parts.push(clip(text.trim()));
  if (typeof problem.errors === 'object' && problem.errors !== null) {
    for (const [name, messages] of Object.entries(problem.errors)) {
      const list = Array.isArray(messages) ? messages.filter((m) => typeof m === 'string') : [];
      parts.push(`${name}: ${clip(list.join(' '))}`);
    }
  }
  return parts.join('; ');
}

function clip(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

const ORDER_FIELDS: Record<string, OrderField> = {
  serviceid: 'serviceId',
  link: 'link',
  quantity: 'quantity',
  orderid: 'orderId',
};

function firstKnownField(problem: ProblemDetails | undefined): OrderField | undefined {
  for (const name of Object.keys(problem?.errors ?? {})) {
    const field = ORDER_FIELDS[name.replace(/^\$\./, '').toLowerCase()];
    if (field !== undefined) return field;
  }
  return undefined;
}

function guessField(reason: string): OrderField | undefined {
  const text = reason.toLowerCase();
  if (/quantity|minimum|maximum/.test(text)) return 'quantity';
  if (/link|url/.test(text)) return 'link';
  if (/service/.test(text)) return 'serviceId';
  return undefined;
}
