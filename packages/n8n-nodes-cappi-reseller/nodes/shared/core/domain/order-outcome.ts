// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/order-outcome.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
// What became of one RegisterOrder attempt, decided from what happened to it. RegisterOrder has no idempotency
// key, so this is where money is won or lost: an attempt that may have reached the service is never called "not
// placed", and nothing that may have been placed is ever worth retrying. Every transport (core's fetch-based one,
// the n8n node's) describes its attempt as an OrderAttempt and lets this one function decide.
import {
  type AnswerDetails,
  type AnyResellerError,
  ConnectionError,
  errorFromHttp,
  errorFromRefusal,
  requestIdOf,
  UnknownOutcomeError,
  unknownOutcomeMessage,
} from './errors.js';
import { parseRegisterOrderResult } from './responses.js';
import type { AnswerInfo, OrderRequest } from './types.js';

/** What a transport saw of one RegisterOrder request. */
export type OrderAttempt =
  /** Stopped before anything was handed to the network; `error` says why (a request that could not be built...). */
  | { kind: 'not_sent'; error: AnyResellerError }
  /**
   * The network failed before a complete answer was read. `code` is the system or library error code
   * (ECONNREFUSED, ECONNRESET, CERT_HAS_EXPIRED...), when there is one.
   */
  | { kind: 'network_error'; code: string | undefined; reason: string }
  /** No answer within the time limit, after the request was handed to the network. */
  | { kind: 'timeout'; timeoutMs: number }
  /** The caller cancelled after the request was handed to the network. */
  | { kind: 'canceled' }
  /** An HTTP answer: `body` is its parsed JSON; `bodyUnreadable` when it was not JSON or was cut off. */
  | {
      kind: 'answer';
      status: number;
      body: unknown;
      bodyUnreadable?: boolean;
      retryAfterMs?: number;
      /** The answer's headers, lower-case names, already redacted. */
      headers?: Readonly<Record<string, string>>;
    };

/** What became of one RegisterOrder attempt: placed, not placed (safe to retry), refused (nothing placed) or unknown (may have been placed: never retry). */
export type OrderOutcome =
  /** The service took the order; `response` is what its answer said about itself, when the transport kept it. */
  | { kind: 'placed'; orderId: number; response?: AnswerInfo }
  /** Nothing reached the service: it is safe to try again. */
  | { kind: 'not_placed'; error: AnyResellerError }
  /** The service answered and said no (HTTP 4xx, or 200 with `success: false`): nothing was placed. */
  | { kind: 'refused'; error: AnyResellerError }
  /** The order may have been placed. Never retryable, always counted against a budget. */
  | { kind: 'unknown'; error: UnknownOutcomeError };

/** What classifyOrderAttempt needs besides the attempt: the order, when it was sent and where (an origin, never a URL with the key). */
export interface OrderAttemptContext {
  order: OrderRequest;
  /** When the request was handed to the network, ISO 8601. */
  sentAt: string;
  /** Where the request went, for messages (an origin: never a URL with the key). */
  origin: string;
}

/**
 * Error codes that mean the connection to the service was never made, so no byte of the request reached it:
 * refused, unresolvable or unreachable hosts, a connect timeout, a TLS handshake that failed on the certificate.
 * Anything else after the request was handed over (a reset, a broken pipe, a socket closed mid-answer) may
 * have come after the service read the order.
 */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** Whether a network error code proves that nothing was sent. */
export function isNotSentCode(code: string | undefined): boolean {
  return code !== undefined && NOT_SENT_CODES.has(code);
}

/** Decides the outcome of one RegisterOrder attempt. The only place these rules are written. */
export function classifyOrderAttempt(attempt: OrderAttempt, context: OrderAttemptContext): OrderOutcome {
  const operation = 'RegisterOrder' as const;
  const unknown = (what: string, answer: AnswerDetails = {}): OrderOutcome => ({
    kind: 'unknown',
    error: new UnknownOutcomeError(unknownOutcomeMessage(context.order, context.sentAt, what), {
      operation,
      order: context.order,
      sentAt: context.sentAt,
      ...answer,
    }),
  });

  switch (attempt.kind) {
    case 'not_sent':
      return { kind: 'not_placed', error: attempt.error };
    case 'network_error':
      if (isNotSentCode(attempt.code)) {
        return {
          kind: 'not_placed',
          error: new ConnectionError(
            `could not connect to the Cappi API at ${context.origin} (${attempt.reason}); the order was not sent: check baseUrl and the network`,
            { operation },
          ),
        };
      }
      return unknown(`the connection was lost after the request was sent (${attempt.reason})`);
    case 'timeout':
      return unknown(`the request was sent but no answer arrived within ${attempt.timeoutMs} ms`);
    case 'canceled':
      return unknown('the request was canceled after it was sent');
    case 'answer':
      return classifyAnswer(attempt, context, unknown);
  }
}

function classifyAnswer(
  answer: Extract<OrderAttempt, { kind: 'answer' }>,
  context: OrderAttemptContext,
  unknown: (what: string, answer?: AnswerDetails) => OrderOutcome,
): OrderOutcome {
  const { status, headers } = answer;
  const body = answer.bodyUnreadable === true ? undefined : answer.body;
  // What the answer said about itself, for the error; an error leaves out what is undefined.
  const said: AnswerDetails = { status, requestId: requestIdOf(headers, body), headers };
  if (status >= 500) {
    // An ASP.NET service can fail after it committed the order (a 500 from a later step, a 503 from a restart
    // mid-request), and a gateway's 502/504 only says the service behind it did not answer in time.
    const who = status === 502 || status === 504 ? 'a gateway' : 'the service';
    return unknown(
      `${who} answered HTTP ${status} after the request reached it, so the order may have been taken before the failure`,
      said,
    );
  }
  if (status < 200 || status >= 300) {
    // The service itself said no (4xx), or pointed elsewhere (3xx, never followed): it did not take the order.
    return {
      kind: 'refused',
      error: errorFromHttp(status, body, { operation: 'RegisterOrder', ...said, retryAfterMs: answer.retryAfterMs }),
    };
  }
  if (answer.bodyUnreadable === true) return unknown('the request was sent but the answer could not be read', said);
  let result: ReturnType<typeof parseRegisterOrderResult>;
  try {
    result = parseRegisterOrderResult(answer.body);
  } catch (error) {
    return unknown(`the answer could not be understood (${(error as Error).message})`, said);
  }
  if (result.success !== true) {
    return { kind: 'refused', error: errorFromRefusal(result, { order: context.order, ...said }) };
  }
  // parseRegisterOrderResult refused an order id that is not a safe integer: what is left to refuse is none, or < 1.
  if (typeof result.orderId !== 'number' || result.orderId < 1) {
    return unknown('the API said the order succeeded but gave no usable order id', said);
  }
  return { kind: 'placed', orderId: result.orderId };
}
