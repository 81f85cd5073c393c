import type {
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  ILoadOptionsFunctions,
  IN8nHttpFullResponse,
  IPollFunctions,
} from 'n8n-workflow';
import {
  ConnectionError,
  errorFromHttp,
  InvalidRequestError,
  InvalidResponseError,
  isResellerError,
  type ResellerError,
  TimeoutError,
} from '../../shared/core/domain/errors';
import { classifyOrderAttempt, type OrderAttempt, type OrderOutcome } from '../../shared/core/domain/order-outcome';
import { redact, redactUrl } from '../../shared/core/domain/redact';
import { parseBalance, parseOrderStatus, parseServices } from '../../shared/core/domain/responses';
import {
  type Balance,
  DEFAULT_BASE_URL,
  type OperationName,
  type OrderRequest,
  type OrderStatus,
  type Service,
} from '../../shared/core/domain/types';
import { validateOrderInput } from '../../shared/core/domain/validate';

export const CREDENTIAL_TYPE = 'cappiResellerApi';

/** How long one request may take. A RegisterOrder that times out has an unknown outcome, never a retry. */
export const REQUEST_TIMEOUT_MS = 30_000;

type Context = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface TransportOptions {
  /** How long one request may take, in ms. Default REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
}

interface Answer {
  status: number;
  body: unknown;
}

/**
 * One client per execution: reads the credential once (the base URL is needed to build URLs, the key only
 * to redact it from messages of foreign errors) and sends every request through n8n's
 * httpRequestWithAuthentication, so the key is added by the credential and n8n's proxy settings apply.
 * Every failure comes out as one of core's typed errors, with a message that holds no key.
 */
export async function createTransport(context: Context, options: TransportOptions = {}) {
  const timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const credentials = await context.getCredentials(CREDENTIAL_TYPE);
  const baseUrl = normalizeBaseUrl(credentials.baseUrl);
  const secrets = typeof credentials.apiKey === 'string' ? [credentials.apiKey] : [];
  const scrub = (text: string): string => redactUrl(redact(text, secrets));
  const origin = scrub(originOf(baseUrl));

  async function send(operation: OperationName, qs: IDataObject): Promise<Answer> {
    const request: IHttpRequestOptions = {
      method: operation === 'RegisterOrder' ? 'POST' : 'GET',
      url: `${baseUrl}/${operation}`,
      qs,
      // Statuses and bodies are mapped by core (errorFromHttp, classifyOrderAttempt), not by n8n's generic HTTP
      // error, whose context could carry the request (and so the key).
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      // A redirect is an answer, never followed: it could carry the key elsewhere, or send an order twice.
      disableFollowRedirect: true,
      json: false,
      encoding: 'text',
      timeout: timeoutMs,
    };
    const response = (await context.helpers.httpRequestWithAuthentication.call(
      context,
      CREDENTIAL_TYPE,
      request,
    )) as IN8nHttpFullResponse;
    return { status: response.statusCode, body: response.body };
  }

  /** A read that got no answer: a timeout or a connection error, both safe to retry. */
  function readFailure(operation: OperationName, error: unknown): ResellerError {
    const failure = describeFailure(error, scrub);
    if (failure.timedOut) {
      return new TimeoutError(`no answer to ${operation} within ${timeoutMs / 1000} s: try again later`, {
        operation,
        timeoutMs,
      });
    }
    return new ConnectionError(
      `could not reach the Reseller API at ${scrub(baseUrl)} (${failure.reason}): check the Base URL`,
      { operation },
    );
  }

  async function read(operation: Exclude<OperationName, 'RegisterOrder'>, qs: IDataObject = {}): Promise<unknown> {
    let answer: Answer;
    try {
      answer = await send(operation, qs);
    } catch (error) {
      throw readFailure(operation, error);
    }
    const body = parseBody(answer.body);
    if (answer.status < 200 || answer.status > 299) {
      throw errorFromHttp(answer.status, body.ok ? body.value : undefined, {
        operation,
        ...(typeof qs.orderId === 'number' ? { orderId: qs.orderId } : {}),
      });
    }
    if (!body.ok) {
      throw new InvalidResponseError(`the API answered ${operation} with a body that is not JSON`, {
        operation,
        retryable: true,
      });
    }
    return body.value;
  }

  return {
    baseUrl,
    /** For redacting messages of foreign errors; never put into output or errors. */
    secrets,

    async getBalance(): Promise<Balance> {
      return parseBalance(await read('Balance'));
    },

    async listServices(): Promise<Service[]> {
      return parseServices(await read('ServicesList'));
    },

    async getOrderStatus(orderId: number): Promise<OrderStatus> {
      return parseOrderStatus(await read('OrderStatus', { orderId }));
    },

    /**
     * Sends RegisterOrder exactly once (nothing here retries it) and tells what became of it: core's
     * classifyOrderAttempt decides from what happened (placed, not placed, refused, or unknown: "the order may
     * have been placed"). The error of an outcome never holds the key.
     */
    async attemptOrder(order: OrderRequest): Promise<OrderOutcome> {
      const sentAt = new Date().toISOString();
      const attempt = await attemptOnce(order);
      const outcome = classifyOrderAttempt(attempt, { order, sentAt, origin });
      if (outcome.kind !== 'placed') {
        outcome.error.message = scrub(outcome.error.message);
        if (typeof outcome.error.stack === 'string') outcome.error.stack = scrub(outcome.error.stack);
      }
      return outcome;
    },
  };

  /** What happened to one RegisterOrder request; an order that fails validation is not sent at all. */
  async function attemptOnce(order: OrderRequest): Promise<OrderAttempt> {
    let checked: OrderRequest;
    try {
      checked = validateOrderInput(order);
    } catch (error) {
      const refused = isResellerError(error)
        ? error
        : new InvalidRequestError(`the order could not be checked: ${scrub(String(error))}`);
      return { kind: 'not_sent', error: refused };
    }
    let answer: Answer;
    try {
      answer = await send('RegisterOrder', {
        serviceId: checked.serviceId,
        link: checked.link,
        quantity: checked.quantity,
      });
    } catch (error) {
      return attemptOfFailure(error, timeoutMs, scrub);
    }
    const body = parseBody(answer.body);
    return body.ok
      ? { kind: 'answer', status: answer.status, body: body.value }
      : { kind: 'answer', status: answer.status, body: undefined, bodyUnreadable: true };
  }
}

export type Transport = Awaited<ReturnType<typeof createTransport>>;

/**
 * What happened to a RegisterOrder request that threw, as core's classifier reads it. n8n wraps what its HTTP
 * library (axios) threw in a NodeApiError, so the facts are looked for along the chain of causes. Anything that
 * cannot be told apart (an error without a code) stays a network error without a code: the classifier calls it
 * unknown, never "not placed".
 */
function attemptOfFailure(error: unknown, timeoutMs: number, scrub: (text: string) => string): OrderAttempt {
  const failure = describeFailure(error, scrub);
  // An answer arrived but its body could not be read (cut off, undecodable): the status still counts.
  if (failure.status !== undefined) {
    return { kind: 'answer', status: failure.status, body: undefined, bodyUnreadable: true };
  }
  if (failure.code === 'ERR_CANCELED') return { kind: 'canceled' };
  if (failure.timedOut) return { kind: 'timeout', timeoutMs };
  return { kind: 'network_error', code: failure.code, reason: failure.reason };
}

export interface Failure {
  /** The system or library code (ECONNREFUSED, ERR_SSL_WRONG_VERSION_NUMBER, CERT_HAS_EXPIRED...). */
  code: string | undefined;
  /** The HTTP status of an answer whose body failed, when the error carries one. */
  status: number | undefined;
  timedOut: boolean;
  /** A short description, with the key redacted. */
  reason: string;
}

/**
 * The facts of a foreign error (n8n's, axios', Node's), with the key redacted. The reason never carries a raw code
 * such as ECONNRESET: n8n replaces any message holding one with its own generic wording ("You can retry the
 * request immediately"), which would be wrong advice for an order.
 */
export function describeFailure(error: unknown, scrub: (text: string) => string): Failure {
  const chain = causesOf(error);
  const rawCode = chain.map((link) => link.code).find((value) => typeof value === 'string' && CODE.test(value)) as
    | string
    | undefined;
  const status = chain.map((link) => statusOf(link.response)).find((value) => value !== undefined);
  const rawMessage = chain.map((link) => link.message).find((value) => typeof value === 'string' && value !== '');
  const message = typeof rawMessage === 'string' ? rawMessage : String(error);
  const code = rawCode === 'EPROTO' ? (tlsCodeOf(message) ?? rawCode) : rawCode;
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout|timed out/i.test(message);
  let reason: string;
  if (code !== undefined) reason = phraseFor(code);
  else if (/\bE[A-Z_]{4,}\b|getaddrinfo/i.test(message)) reason = 'the connection failed';
  else reason = scrub(message).slice(0, 300);
  return { code, status, timedOut, reason };
}

/**
 * Node's https module reports a failed TLS handshake as EPROTO with OpenSSL's reason in the message ("SSL
 * routines:...:wrong version number"), where fetch (undici) reports the code Node derives from that reason
 * (ERR_SSL_WRONG_VERSION_NUMBER). The same fact, named the way core's rules name it.
 */
function tlsCodeOf(message: string): string | undefined {
  const reason = /SSL routines:[^:]*:([a-z0-9 ]+)/i.exec(message)?.[1];
  return reason === undefined ? undefined : `ERR_SSL_${reason.trim().toUpperCase().replace(/ +/g, '_')}`;
}

/** Error codes look like ECONNRESET, ERR_SSL_WRONG_VERSION_NUMBER, UND_ERR_SOCKET, CERT_HAS_EXPIRED. */
const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/** The error and its causes, outermost first, as plain records (at most a few levels: causes can loop). */
function causesOf(error: unknown): Record<string, unknown>[] {
  const chain: Record<string, unknown>[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && chain.length < 6 && !chain.includes(current as never)) {
    chain.push(current as Record<string, unknown>);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function statusOf(response: unknown): number | undefined {
  if (typeof response !== 'object' || response === null) return undefined;
  const status = (response as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

function phraseFor(code: string): string {
  const phrase = CODE_PHRASES[code];
  if (phrase !== undefined) return phrase;
  if (/SSL|TLS|CERT/.test(code)) return 'the TLS connection could not be set up';
  return 'the connection failed';
}

const CODE_PHRASES: Record<string, string> = {
  ECONNRESET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  ECONNABORTED: 'the request timed out or was aborted',
  ETIMEDOUT: 'the connection timed out',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection broke',
  ERR_CANCELED: 'the request was canceled',
};

function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof body !== 'string') return body === undefined ? { ok: false } : { ok: true, value: body };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** The scheme, host and port of the base URL, for messages (no path, no user info); the text when it is no URL. */
function originOf(baseUrl: string): string {
  try {
    return new URL(baseUrl).origin;
  } catch {
    return baseUrl;
  }
}

/** The credential's base URL without trailing slashes; the documented default when empty. */
export function normalizeBaseUrl(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  return (text === '' ? DEFAULT_BASE_URL : text).replace(/\/+$/, '');
}
