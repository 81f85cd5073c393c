import type { ApiCheckExchange } from './domain/api-check.js';
import {
  AbortedError,
  type AnyResellerError,
  ConnectionError,
  errorFromHttp,
  InvalidRequestError,
  InvalidResponseError,
  isResellerError,
  type ResellerError,
  requestIdOf,
  TimeoutError,
} from './domain/errors.js';
import { classifyOrderAttempt, isNotSentCode, type OrderAttempt, type OrderOutcome } from './domain/order-outcome.js';
import { redact, redactHeaders, redactUrl } from './domain/redact.js';
import type { AnswerInfo, OperationName, OrderRequest } from './domain/types.js';
import type { Log } from './log.js';
import { isResponseTooLarge, limitResponseBody } from './response-limit.js';

/** What onRetry receives before each retry of a read: the operation, the attempt that failed, the wait and the redacted error. */
export interface RetryInfo {
  operation: OperationName;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long the client waits before the next attempt. */
  delayMs: number;
  /** Why the attempt failed (redacted like every error of this package). */
  error: AnyResellerError;
}

export interface TransportSettings {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  fetch: typeof fetch;
  onRetry: ((info: RetryInfo) => void) | undefined;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  maxRetryAfterMs: number;
  random: () => number;
  /** How much of each operation's answer is read at most (response-limit.ts). */
  maxResponseBytes: Readonly<Record<OperationName, number>>;
  /** Where the client's log lines go (already filtered by level). Default: none. */
  log?: Log;
}

/** Per-call overrides of the client's settings. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** A parsed answer with what the answer said about itself. */
export interface Answered<T> {
  data: T;
  response: AnswerInfo;
}

/** What openapi-fetch answers; `data` is the parsed body of a 2xx answer, `error` that of any other. */
export interface ExchangeResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** One HTTP exchange, made with the signal and the fetch the transport gives it. */
export type Exchange = (init: {
  signal: AbortSignal;
  fetch: (request: Request) => Promise<Response>;
}) => Promise<ExchangeResult>;

type Outcome =
  | { kind: 'answer'; data: unknown; response: AnswerInfo }
  /** The server answered with an error status: a definite answer. */
  | { kind: 'refused'; error: AnyResellerError }
  /** No usable answer. */
  | { kind: 'lost'; error: AnyResellerError };

/** What one HTTP exchange came to, before anyone decides what it means for a read or for an order. */
type Exchanged =
  /** A complete answer; `body` is the parsed JSON of a 2xx answer or of an error answer. */
  | { kind: 'answer'; response: Response; body: unknown }
  /** An answer whose status arrived but whose body was not JSON, broke off, or passed the size limit (`tooLarge`). */
  | {
      kind: 'unreadable';
      response: Response;
      reason: string;
      cause: Record<string, unknown> | undefined;
      tooLarge?: boolean;
    }
  /** Nothing was handed to the network. */
  | { kind: 'not_sent'; error: AnyResellerError }
  /** The network failed before an answer arrived. */
  | { kind: 'network_error'; code: string | undefined; reason: string; cause: Record<string, unknown> | undefined }
  | { kind: 'timeout'; cause: Record<string, unknown> | undefined }
  | { kind: 'canceled'; cause: Record<string, unknown> | undefined };

/**
 * The HTTP layer under the client: adds the key at the last moment, bounds every attempt with its own timeout,
 * retries reads, and turns every failure into a redacted ResellerError.
 */
export function createTransport(settings: TransportSettings) {
  const secrets = [settings.apiKey];
  const scrub = (text: string): string => redactUrl(redact(text, secrets));
  const origin = scrub(new URL(settings.baseUrl).origin);
  const log = settings.log;
  const answerOf = (response: Response, body: unknown): AnswerInfo => {
    const headers = redactHeaders(response.headers, secrets);
    const requestId = requestIdOf(headers, body);
    return { status: response.status, ...(requestId === undefined ? {} : { requestId }), headers };
  };

  /** The only place the key is ever added: the URL that leaves this function is never kept or shown. */
  function sendWithKey(request: Request): Promise<Response> {
    const url = new URL(request.url);
    url.searchParams.set('key', settings.apiKey);
    // A redirect would carry the key to wherever it points: never follow one, report it instead.
    return settings.fetch(url, {
      method: request.method,
      headers: request.headers,
      signal: request.signal,
      redirect: 'manual',
    });
  }

  /** Makes every message, stack and cause of an error safe to show, whatever text it picked up. */
  function sanitize<E extends ResellerError>(error: E): E {
    error.message = scrub(error.message);
    if (typeof error.stack === 'string') error.stack = scrub(error.stack);
    return error;
  }

  /**
   * One request as it is, for the API check: no retry, no parsing, no mapping to errors. Sent like every other
   * request (the key added by sendWithKey, redirects never followed); what comes back is scrubbed of the key.
   */
  async function exchangeRaw(request: RawRequest): Promise<RawExchange> {
    const timeoutMs = request.timeoutMs ?? settings.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal === undefined ? timeout : AbortSignal.any([request.signal, timeout]);
    const url = new URL(`${settings.baseUrl}${request.path}`);
    for (const [name, value] of Object.entries(request.query)) url.searchParams.set(name, value);
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    try {
      const response = await sendWithKey(new Request(url, { method: 'GET', signal }));
      const body = await readCapped(response, request.maxBodyBytes ?? MAX_RAW_BODY_BYTES);
      return {
        kind: 'answer',
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        location: nullToUndefined(response.headers.get('location'), scrub),
        body: scrub(body),
        durationMs: elapsed(),
      };
    } catch (thrown) {
      const reason = request.signal?.aborted ? 'aborted' : timeout.aborted ? 'timeout' : 'connection';
      return { kind: 'no_answer', reason, detail: scrub(reasonOf(thrown)), durationMs: elapsed() };
    }
  }

  /** A redacted, plain description of a thrown value, to keep as `cause` without keeping the value. */
  function describeCause(thrown: unknown, depth = 0): Record<string, unknown> | undefined {
    if (typeof thrown !== 'object' || thrown === null || depth > 3) return undefined;
    const source = thrown as { name?: unknown; message?: unknown; code?: unknown; cause?: unknown };
    const described: Record<string, unknown> = {};
    if (typeof source.name === 'string') described.name = source.name;
    if (typeof source.message === 'string') described.message = scrub(source.message);
    if (typeof source.code === 'string') described.code = source.code;
    const inner = describeCause(source.cause, depth + 1);
    if (inner !== undefined) described.cause = inner;
    return described;
  }

  async function exchange(operation: OperationName, call: Exchange, options: CallOptions): Promise<Exchanged> {
    const callerSignal = options.signal;
    if (callerSignal?.aborted) {
      return { kind: 'not_sent', error: new AbortedError(`${operation} was canceled by the caller`, { operation }) };
    }
    const timeout = AbortSignal.timeout(options.timeoutMs ?? settings.timeoutMs);
    const signal = callerSignal === undefined ? timeout : AbortSignal.any([callerSignal, timeout]);
    let response: Response | undefined;
    let handedToFetch = false;
    const fetchOnce = async (request: Request): Promise<Response> => {
      handedToFetch = true;
      log?.debug(`${operation}: ${request.method} ${new URL(request.url).pathname} sent`);
      response = limitResponseBody(await sendWithKey(request), settings.maxResponseBytes[operation], operation);
      log?.debug(`${operation}: HTTP ${response.status} answered`);
      return response;
    };
    try {
      const result = await call({ signal, fetch: fetchOnce });
      return { kind: 'answer', response: result.response, body: result.response.ok ? result.data : result.error };
    } catch (thrown) {
      const cause = describeCause(thrown);
      if (!handedToFetch) {
        // Building the request failed (e.g. a value that cannot be URL-encoded): nothing can have been sent.
        const error = new InvalidRequestError(
          `the ${operation} request could not be built: ${scrub(reasonOf(thrown))}`,
          { operation, cause },
        );
        return { kind: 'not_sent', error };
      }
      const answered = response as Response | undefined;
      if (answered !== undefined && !answered.ok && answered.status < 500) {
        // A refusal whose body broke off is still a refusal: the status is the answer.
        return { kind: 'unreadable', response: answered, reason: scrub(reasonOf(thrown)), cause };
      }
      if (callerSignal?.aborted) return { kind: 'canceled', cause };
      if (timeout.aborted) return { kind: 'timeout', cause };
      if (answered !== undefined && isResponseTooLarge(thrown)) {
        return { kind: 'unreadable', response: answered, reason: scrub(thrown.message), cause, tooLarge: true };
      }
      if (answered !== undefined) {
        const reason = thrown instanceof SyntaxError ? 'the body is not valid JSON' : scrub(reasonOf(thrown));
        return { kind: 'unreadable', response: answered, reason, cause };
      }
      const code = errorCodeOf(thrown);
      if (code === undefined && innermostMessage(thrown) === 'bad port') {
        // fetch refuses some ports itself, before connecting.
        const error = new ConnectionError(
          `could not connect to the Cappi API at ${origin} for ${operation} (the port is one fetch refuses): check baseUrl`,
          { operation, cause },
        );
        return { kind: 'not_sent', error };
      }
      return { kind: 'network_error', code, reason: scrub(reasonOf(thrown)), cause };
    }
  }

  /** What an exchange means for a read: an answer to parse, or an error that may be worth retrying. */
  function readOutcome(
    operation: OperationName,
    exchanged: Exchanged,
    orderId: number | undefined,
    timeoutMs: number,
  ): Outcome {
    switch (exchanged.kind) {
      case 'answer':
      case 'unreadable': {
        const { response } = exchanged;
        if (response.ok && exchanged.kind === 'answer') {
          return { kind: 'answer', data: exchanged.body, response: answerOf(response, exchanged.body) };
        }
        if (response.ok) {
          // A body past the size limit would be as large again: not worth a retry.
          const tooLarge = exchanged.kind === 'unreadable' && exchanged.tooLarge === true;
          const message = tooLarge
            ? exchanged.reason
            : `the API answered ${operation} with a body that is not valid JSON`;
          const error = new InvalidResponseError(message, {
            operation,
            status: response.status,
            retryable: !tooLarge,
            cause: exchanged.kind === 'unreadable' ? exchanged.cause : undefined,
          });
          return { kind: 'lost', error };
        }
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now());
        const body = exchanged.kind === 'answer' ? exchanged.body : undefined;
        const error = errorFromHttp(response.status, body, {
          operation,
          ...answerOf(response, body),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          ...(orderId === undefined ? {} : { orderId }),
        });
        return { kind: 'refused', error };
      }
      case 'not_sent':
        return { kind: 'lost', error: exchanged.error };
      case 'canceled':
        return {
          kind: 'lost',
          error: new AbortedError(`${operation} was canceled by the caller`, { operation, cause: exchanged.cause }),
        };
      case 'timeout':
        return {
          kind: 'lost',
          error: new TimeoutError(`the Cappi API did not answer ${operation} within ${timeoutMs} ms`, {
            operation,
            timeoutMs,
            cause: exchanged.cause,
          }),
        };
      case 'network_error': {
        const what = isNotSentCode(exchanged.code)
          ? `could not connect to the Cappi API at ${origin} for ${operation}`
          : `the connection to the Cappi API at ${origin} failed before an answer to ${operation} arrived`;
        const error = new ConnectionError(`${what} (${exchanged.reason}): check baseUrl and the network`, {
          operation,
          cause: exchanged.cause,
        });
        return { kind: 'lost', error };
      }
    }
  }

  /** What an exchange means for an order: the shared rules of core's domain decide (classifyOrderAttempt). */
  function orderAttemptOf(exchanged: Exchanged, timeoutMs: number): OrderAttempt {
    switch (exchanged.kind) {
      case 'answer':
      case 'unreadable': {
        const retryAfterMs = parseRetryAfter(exchanged.response.headers.get('retry-after'), Date.now());
        return {
          kind: 'answer',
          status: exchanged.response.status,
          body: exchanged.kind === 'answer' ? exchanged.body : undefined,
          ...(exchanged.kind === 'unreadable' ? { bodyUnreadable: true } : {}),
          headers: redactHeaders(exchanged.response.headers, secrets),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        };
      }
      case 'not_sent':
        return { kind: 'not_sent', error: exchanged.error };
      case 'network_error':
        return { kind: 'network_error', code: exchanged.code, reason: exchanged.reason };
      case 'timeout':
        return { kind: 'timeout', timeoutMs };
      case 'canceled':
        return { kind: 'canceled' };
    }
  }

  /**
   * A read: retried on connection errors, timeouts, 408, 429, 5xx and malformed bodies, at most `retries` times
   * (default: the client's).
   */
  async function read<T>(
    operation: OperationName,
    call: Exchange,
    parse: (data: unknown) => T,
    options: CallOptions & { orderId?: number; retries?: number | undefined },
  ): Promise<Answered<T>> {
    const timeoutMs = options.timeoutMs ?? settings.timeoutMs;
    const retries = options.retries ?? settings.retries;
    for (let attempt = 1; ; attempt += 1) {
      const exchanged = await exchange(operation, call, options);
      const outcome = readOutcome(operation, exchanged, options.orderId, timeoutMs);
      let error: AnyResellerError;
      if (outcome.kind === 'answer') {
        try {
          return { data: parse(outcome.data), response: outcome.response };
        } catch (thrown) {
          if (!isResellerError(thrown)) throw thrown;
          error = thrown;
        }
      } else {
        error = outcome.error;
      }
      sanitize(error);
      const delayMs = attempt <= retries ? retryDelay(error, attempt) : undefined;
      if (delayMs === undefined) {
        log?.error(`${operation} failed: ${error.message}`);
        throw error;
      }
      log?.warn(`${operation} attempt ${attempt} failed, retrying in ${delayMs} ms: ${error.message}`);
      settings.onRetry?.({ operation, attempt, delayMs, error });
      await sleep(delayMs, options.signal, operation);
    }
  }

  /**
   * Sends RegisterOrder exactly once, never retried, and tells what became of it (classifyOrderAttempt): placed,
   * not placed, refused, or unknown ("may have been placed"). Every error in the outcome is redacted.
   */
  async function attemptOrder(call: Exchange, options: CallOptions & { order: OrderRequest }): Promise<OrderOutcome> {
    const sentAt = new Date().toISOString();
    const exchanged = await exchange('RegisterOrder', call, options);
    const attempt = orderAttemptOf(exchanged, options.timeoutMs ?? settings.timeoutMs);
    const outcome = classifyOrderAttempt(attempt, { order: options.order, sentAt, origin });
    if (outcome.kind !== 'placed') {
      const line = `RegisterOrder ${outcome.kind}: ${sanitize(outcome.error).message}`;
      if (outcome.kind === 'unknown') log?.error(line);
      else log?.warn(line);
      return outcome;
    }
    log?.info(`RegisterOrder placed order ${outcome.orderId}`);
    return exchanged.kind === 'answer'
      ? { ...outcome, response: answerOf(exchanged.response, exchanged.body) }
      : outcome;
  }

  function retryDelay(error: ResellerError, attempt: number): number | undefined {
    if (!error.retryable) return undefined;
    const asked = 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined;
    if (asked !== undefined) {
      // Retrying before the server's Retry-After is pointless; waiting longer than the cap is the caller's call.
      return asked <= settings.maxRetryAfterMs ? asked : undefined;
    }
    const ceiling = Math.min(settings.maxRetryDelayMs, settings.retryDelayMs * 2 ** (attempt - 1));
    return Math.floor(settings.random() * ceiling); // "full jitter": spreads the retries of many clients
  }

  return { read, attemptOrder, sanitize, exchangeRaw };
}

const CODE_MEANINGS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the other side',
  UND_ERR_CONNECT_TIMEOUT: 'could not connect in time',
  ETIMEDOUT: 'connection timed out',
};

/**
 * Retry-After in ms: delay-seconds or an HTTP date (RFC 9110). Undefined when absent or not understood.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Waits, unless the caller's signal aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined, operation: OperationName): Promise<void> {
  return new Promise((resolve, reject) => {
    const canceled = () => new AbortedError(`${operation} was canceled by the caller`, { operation });
    if (signal?.aborted) {
      reject(canceled());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(canceled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function errorCodeOf(thrown: unknown): string | undefined {
  let current: unknown = thrown;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof candidate.code === 'string') return candidate.code;
    current = candidate.cause ?? (Array.isArray(candidate.errors) ? candidate.errors[0] : undefined);
  }
  return undefined;
}

function innermostMessage(thrown: unknown): string | undefined {
  let message: string | undefined;
  let current: unknown = thrown;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const candidate = current as { message?: unknown; cause?: unknown };
    if (typeof candidate.message === 'string') message = candidate.message;
    current = candidate.cause;
  }
  return message;
}

/** A short reason for a network failure: its code and what it means, else the innermost message (to be scrubbed). */
function reasonOf(thrown: unknown): string {
  const code = errorCodeOf(thrown);
  if (code !== undefined) return CODE_MEANINGS[code] === undefined ? code : `${CODE_MEANINGS[code]}, ${code}`;
  return innermostMessage(thrown) ?? 'network error';
}

/** A request of the API check: a GET of `path` under the base URL. */
export interface RawRequest {
  path: string;
  query: Readonly<Record<string, string>>;
  signal?: AbortSignal | undefined;
  /** Default: the client's timeoutMs. */
  timeoutMs?: number | undefined;
  /** Longer bodies are cut here. Default 64 MiB. */
  maxBodyBytes?: number;
}

/** What came back, scrubbed of the key: the shape core's domain (analyzeApiCheck) reads. */
export type RawExchange = ApiCheckExchange;

const MAX_RAW_BODY_BYTES = 64 * 1024 * 1024;

/** The body as text, at most `maxBytes` of it (the rest is not read). */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    read += value.byteLength;
    if (read > maxBytes) {
      text += decoder.decode(value.subarray(0, value.byteLength - (read - maxBytes)));
      await reader.cancel();
      break;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function nullToUndefined(value: string | null, scrub: (text: string) => string): string | undefined {
  return value === null ? undefined : scrub(value);
}
