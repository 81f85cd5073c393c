import { formatUsd } from './money.js';
import type { OperationName, OrderRequest, ProblemDetails, RegisterOrderResult } from './types.js';

/** The `code` of every error this package throws; each names one error class (see AnyResellerError). */
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

/** The order field an InvalidRequestError is about. */
export type OrderField = 'serviceId' | 'link' | 'quantity' | 'orderId';

/** What the API's answer said about itself, kept on an error so a user can quote it to the vendor's support. */
export interface AnswerDetails {
  /** The HTTP status of the answer. */
  status?: number | undefined;
  /** The request id: a request-id header of the answer, else the problem details' `traceId` (ASP.NET). */
  requestId?: string | undefined;
  /** The answer's headers, lower-case names, already redacted (no key, no cookie). */
  headers?: Readonly<Record<string, string>> | undefined;
}

interface CommonDetails extends AnswerDetails {
  operation?: OperationName | undefined;
  /** A description of the underlying failure. Callers must pass it redacted: it is shown by util.inspect(). */
  cause?: unknown;
}

/**
 * Base class of every error this package throws. Each subclass has its own literal `code` and `name`, so a
 * caught error typed as AnyResellerError (what isResellerError() narrows to) can be branched on by `code`;
 * `retryable` says whether trying the same request again later may succeed. No instance ever holds the API
 * key, a URL carrying it or a raw Request.
 *
 * @example
 * ```ts
 * try {
 *   await client.registerOrder({ serviceId: 1, link: 'https://example.com/p/1', quantity: 100 });
 * } catch (error) {
 *   if (!isResellerError(error)) throw error;
 *   if (error.code === 'insufficient_funds') console.log(error.balance, error.cost);
 *   console.log(error.requestId); // quote it to the vendor's support
 * }
 * ```
 */
export class ResellerError extends Error {
  override name = 'ResellerError';
  readonly code: ErrorCode;
  /** The operation that failed, when the error comes from one. */
  declare readonly operation?: OperationName;
  /** The HTTP status of the answer, when there was one. */
  declare readonly status?: number;
  /** The request id the API gave (request-id header or problem `traceId`): quote it to the vendor's support. */
  declare readonly requestId?: string;
  /** The headers of the answer, redacted, when there was one. */
  declare readonly headers?: Readonly<Record<string, string>>;
  /** Whether trying the same request again later may succeed (never true for an order that may be placed). */
  readonly retryable: boolean;

  /**
   * Used by this package's subclasses; branch on the subclasses' `code`, do not construct this one. A detail given
   * as undefined is left out (the error has no such field), here and in every subclass.
   */
  constructor(code: ErrorCode, message: string, details: CommonDetails & { retryable?: boolean | undefined } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = details.retryable ?? false;
    if (details.operation !== undefined) this.operation = details.operation;
    if (details.status !== undefined) this.status = details.status;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.headers !== undefined) this.headers = details.headers;
  }

  /** Plain data for logs and tool results: name, message and the fields a caller can act on. */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = { name: this.name, message: this.message };
    return Object.assign(json, this);
  }
}

/**
 * Whether a caught value is an error of this package; narrows it to AnyResellerError, so `code` then narrows
 * to one class.
 *
 * @example
 * ```ts
 * if (isResellerError(error) && error.code === 'unknown_outcome') console.log(error.order, error.sentAt);
 * ```
 */
export function isResellerError(value: unknown): value is AnyResellerError {
  return value instanceof ResellerError;
}

/** The API rejected the key (HTTP 401 or 403). Not retryable: check CAPPI_API_KEY. */
export class AuthenticationError extends ResellerError {
  override readonly name = 'AuthenticationError' as const;
  declare readonly code: 'authentication';
  constructor(message: string, details: CommonDetails = {}) {
    super('authentication', message, details);
  }
}

/** The balance does not cover the order: nothing was placed. `balance` and `cost` say by how much, when known. */
export class InsufficientFundsError extends ResellerError {
  override readonly name = 'InsufficientFundsError' as const;
  declare readonly code: 'insufficient_funds';
  /** The balance before the order, when known. */
  declare readonly balance?: number;
  /** The price of the order, when known. */
  declare readonly cost?: number;
  /** The currency of `balance` and `cost`. */
  declare readonly currency?: string;
  constructor(
    message: string,
    details: CommonDetails & {
      balance?: number | undefined;
      cost?: number | undefined;
      currency?: string | undefined;
    } = {},
  ) {
    super('insufficient_funds', message, details);
    if (details.balance !== undefined) this.balance = details.balance;
    if (details.cost !== undefined) this.cost = details.cost;
    if (details.currency !== undefined) this.currency = details.currency;
  }
}

/** The request is not valid (caught before sending, or refused by the API): nothing was placed. `field` names what was wrong; `min` and `max` the allowed quantities, when known. */
export class InvalidRequestError extends ResellerError {
  override readonly name = 'InvalidRequestError' as const;
  declare readonly code: 'invalid_request';
  /** The order field that was wrong, when known. */
  declare readonly field?: OrderField;
  /** The service the order was for, when known. */
  declare readonly serviceId?: number;
  /** The smallest quantity the service takes, on a quantity refusal, when known. */
  declare readonly min?: number;
  /** The largest quantity the service takes, on a quantity refusal, when known. */
  declare readonly max?: number;
  constructor(
    message: string,
    details: CommonDetails & {
      field?: OrderField | undefined;
      serviceId?: number | undefined;
      min?: number | undefined;
      max?: number | undefined;
    } = {},
  ) {
    super('invalid_request', message, details);
    if (details.field !== undefined) this.field = details.field;
    if (details.serviceId !== undefined) this.serviceId = details.serviceId;
    if (details.min !== undefined) this.min = details.min;
    if (details.max !== undefined) this.max = details.max;
  }
}

/** The API has no such order (OrderStatus: `orderId`) or no such endpoint (check baseUrl). */
export class NotFoundError extends ResellerError {
  override readonly name = 'NotFoundError' as const;
  declare readonly code: 'not_found';
  /** The order id that was not found (OrderStatus). */
  declare readonly orderId?: number;
  constructor(message: string, details: CommonDetails & { orderId?: number | undefined } = {}) {
    super('not_found', message, details);
    if (details.orderId !== undefined) this.orderId = details.orderId;
  }
}

/** The API is rate limiting (HTTP 429). Retryable after `retryAfterMs` when given. */
export class RateLimitedError extends ResellerError {
  override readonly name = 'RateLimitedError' as const;
  declare readonly code: 'rate_limited';
  /** How long the API asked to wait (its Retry-After), in ms. */
  declare readonly retryAfterMs?: number;
  constructor(message: string, details: CommonDetails & { retryAfterMs?: number | undefined } = {}) {
    super('rate_limited', message, { ...details, retryable: true });
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** The API failed to handle a request (HTTP 408 or 5xx). Retryable for reads; for an order this is an UnknownOutcomeError instead. */
export class ServerError extends ResellerError {
  override readonly name = 'ServerError' as const;
  declare readonly code: 'server';
  declare readonly status: number;
  /** How long the API asked to wait (a 503's Retry-After), in ms. */
  declare readonly retryAfterMs?: number;
  constructor(message: string, details: CommonDetails & { status: number; retryAfterMs?: number | undefined }) {
    super('server', message, { ...details, retryable: true });
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** No connection to the API could be made, or it broke before an answer to a read arrived. */
export class ConnectionError extends ResellerError {
  override readonly name = 'ConnectionError' as const;
  declare readonly code: 'connection';
  constructor(message: string, details: CommonDetails = {}) {
    super('connection', message, { ...details, retryable: true });
  }
}

/** No answer within `timeoutMs`. */
export class TimeoutError extends ResellerError {
  override readonly name = 'TimeoutError' as const;
  declare readonly code: 'timeout';
  /** The time limit that ran out, in ms. */
  readonly timeoutMs: number;
  constructor(message: string, details: CommonDetails & { timeoutMs: number }) {
    super('timeout', message, { ...details, retryable: true });
    this.timeoutMs = details.timeoutMs;
  }
}

/** The API answered with something this package cannot read (not the contract's shape, not JSON, an unexpected status). */
export class InvalidResponseError extends ResellerError {
  override readonly name = 'InvalidResponseError' as const;
  declare readonly code: 'invalid_response';
  constructor(message: string, details: CommonDetails & { retryable?: boolean | undefined } = {}) {
    super('invalid_response', message, details);
  }
}

/**
 * The order was sent and no answer could be read: it may or may not have been placed. Never retry it blindly;
 * check the recent orders first. `order` and `sentAt` say which order and when.
 */
export class UnknownOutcomeError extends ResellerError {
  override readonly name = 'UnknownOutcomeError' as const;
  declare readonly code: 'unknown_outcome';
  /** The order that may have been placed. */
  readonly order: OrderRequest;
  /** When the request was sent, ISO 8601. */
  readonly sentAt: string;
  constructor(message: string, details: CommonDetails & { order: OrderRequest; sentAt: string }) {
    super('unknown_outcome', message, { ...details, operation: details.operation ?? 'RegisterOrder' });
    this.order = { serviceId: details.order.serviceId, link: details.order.link, quantity: details.order.quantity };
    this.sentAt = details.sentAt;
  }
}

/** The caller's AbortSignal canceled the call. */
export class AbortedError extends ResellerError {
  override readonly name = 'AbortedError' as const;
  declare readonly code: 'aborted';
  constructor(message: string, details: CommonDetails = {}) {
    super('aborted', message, details);
  }
}

/**
 * Every error this package throws, as a union discriminated by `code` (and `name`): after
 * `error.code === 'insufficient_funds'`, `error.balance` is known to exist.
 */
export type AnyResellerError =
  | AuthenticationError
  | InsufficientFundsError
  | InvalidRequestError
  | NotFoundError
  | RateLimitedError
  | ServerError
  | ConnectionError
  | TimeoutError
  | InvalidResponseError
  | UnknownOutcomeError
  | AbortedError;

/** The sentence every unknown outcome starts with; faces and tests rely on it. */
export function unknownOutcomeMessage(order: OrderRequest, sentAt: string, what: string): string {
  return (
    `the order may have been placed: ${what} (service ${order.serviceId}, quantity ${order.quantity}, ` +
    `link ${order.link}, sent at ${sentAt}). Check your recent orders and your balance before placing it again; ` +
    'do not simply retry it'
  );
}

/** What errorFromHttp needs besides the status and body; the AnswerDetails are copied onto the error. */
export interface HttpErrorContext extends AnswerDetails {
  operation: OperationName;
  /** The Retry-After of the answer, already converted to ms. */
  retryAfterMs?: number | undefined;
  /** The order id asked about (OrderStatus), for a 404. */
  orderId?: number | undefined;
}

/**
 * Maps an HTTP error answer (status and parsed body, ideally RFC 9457 problem details) to a typed error.
 * Every mapped error is a definite answer from the server: for RegisterOrder it means nothing was placed.
 */
export function errorFromHttp(status: number, body: unknown, context: HttpErrorContext): AnyResellerError {
  const { operation } = context;
  const problem = asProblem(body);
  const said = problemSummary(problem);
  const apiSaid = said === '' ? '' : ` (the API said: ${said})`;
  const common = { operation, ...answerDetails(context, problem), status };

  if (status === 401 || status === 403) {
    return new AuthenticationError(`the API key was rejected (HTTP ${status}): check CAPPI_API_KEY${apiSaid}`, common);
  }
  if (status === 400 || status === 422) {
    return new InvalidRequestError(
      `the API rejected the ${operation} request (HTTP ${status})${said === '' ? '' : `: ${said}`}`,
      { ...common, field: firstKnownField(problem) },
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
      retryAfterMs: context.retryAfterMs,
    });
  }
  if (status === 408 || status >= 500) {
    return new ServerError(`the API failed to handle ${operation} (HTTP ${status})${apiSaid}; try again later`, {
      ...common,
      retryAfterMs: context.retryAfterMs,
    });
  }
  return new InvalidResponseError(
    `the API answered ${operation} with an unexpected HTTP ${status}${apiSaid}: check baseUrl`,
    common,
  );
}

/** What errorFromRefusal knows besides the API's answer; the AnswerDetails are copied onto the error. */
export interface RefusalContext extends AnswerDetails {
  operation?: OperationName | undefined;
  order?: OrderRequest | undefined;
  /** The service's smallest and largest quantity, when known: copied onto a quantity refusal. */
  min?: number | undefined;
  max?: number | undefined;
  /** The balance before the order, when known, to say how far short it is. */
  balance?: number | undefined;
  /** The price of the order, when known (from a quote). */
  cost?: number | undefined;
  currency?: string | undefined;
}

/** Maps a `success: false` answer of RegisterOrder (an HTTP 200 refusal: nothing was placed) to a typed error. */
export function errorFromRefusal(result: RegisterOrderResult, context: RefusalContext = {}): AnyResellerError {
  const operation = context.operation ?? 'RegisterOrder';
  const answer = answerDetails(context, undefined);
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
      ...answer,
      balance: context.balance,
      cost: context.cost,
      currency,
    });
  }
  const field = said === undefined ? undefined : guessField(said);
  const limits = field === 'quantity' ? { min: context.min, max: context.max } : {};
  const allowed =
    limits.min !== undefined && limits.max !== undefined ? ` (allowed: ${limits.min} to ${limits.max})` : '';
  return new InvalidRequestError(
    `the order was refused, nothing was placed: ${said ?? 'the API gave no reason'}${allowed}`,
    {
      operation,
      ...answer,
      field,
      serviceId: context.order?.serviceId,
      min: limits.min,
      max: limits.max,
    },
  );
}

/** Request-id headers, most specific first (ASP.NET services and their gateways send one of these). */
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-correlation-id', 'x-trace-id', 'traceparent'];

/**
 * The request id of an answer: a request-id header, else the `traceId` of its problem details (ASP.NET writes
 * the W3C trace id there). Undefined when the answer carried neither.
 */
export function requestIdOf(headers: Readonly<Record<string, string>> | undefined, body: unknown): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = headers?.[name]?.trim();
    if (value !== undefined && value !== '') return value;
  }
  const traceId = asProblem(body)?.traceId;
  return typeof traceId === 'string' && traceId.trim() !== '' ? traceId.trim() : undefined;
}

/** The status, request id and headers to copy onto an error (its constructor leaves out what is undefined). */
function answerDetails(answer: AnswerDetails, body: unknown): AnswerDetails {
  const requestId = answer.requestId ?? requestIdOf(answer.headers, body);
  return { status: answer.status, requestId, headers: answer.headers };
}

function formatMoney(amount: number, currency: string): string {
  return currency.toUpperCase() === 'USD' ? formatUsd(amount) : `${amount.toFixed(2)} ${currency}`;
}

function formatWait(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function asProblem(body: unknown): ProblemDetails | undefined {
  return typeof body === 'object' && body !== null ? (body as ProblemDetails) : undefined;
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

/** What a client can learn about a refused order after the fact (from the balance and the catalog). */
export interface RefusalFacts {
  balance?: number | undefined;
  cost?: number | undefined;
  currency?: string | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

/**
 * The same refusal with the facts that say how to fix it: the balance and the cost on an InsufficientFundsError
 * that lacks them, the allowed quantities on a quantity refusal that lacks them. Any other error, or facts that
 * add nothing, give back the error itself.
 */
export function withRefusalFacts(error: AnyResellerError, facts: RefusalFacts): AnyResellerError {
  const answer = {
    operation: error.operation,
    status: error.status,
    requestId: error.requestId,
    headers: error.headers,
  };
  if (error.code === 'insufficient_funds' && error.balance === undefined && facts.balance !== undefined) {
    return errorFromRefusal(
      { success: false, insufficientFunds: true },
      { ...answer, balance: facts.balance, cost: facts.cost, currency: facts.currency ?? error.currency },
    );
  }
  if (
    error.code === 'invalid_request' &&
    error.field === 'quantity' &&
    error.min === undefined &&
    facts.min !== undefined &&
    facts.max !== undefined
  ) {
    return new InvalidRequestError(`${error.message} (allowed: ${facts.min} to ${facts.max})`, {
      ...answer,
      field: 'quantity',
      serviceId: error.serviceId,
      min: facts.min,
      max: facts.max,
    });
  }
  return error;
}
