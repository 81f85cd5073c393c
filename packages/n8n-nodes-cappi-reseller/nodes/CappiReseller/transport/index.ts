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
  InvalidResponseError,
  type ResellerError,
  TimeoutError,
  UnknownOutcomeError,
  unknownOutcomeMessage,
} from '../../shared/core/domain/errors';
import { redact } from '../../shared/core/domain/redact';
import {
  parseBalance,
  parseOrderStatus,
  parseRegisterOrderResult,
  parseServices,
} from '../../shared/core/domain/responses';
import {
  type Balance,
  DEFAULT_BASE_URL,
  type OperationName,
  type OrderRequest,
  type OrderStatus,
  type RegisterOrderResult,
  type Service,
} from '../../shared/core/domain/types';

export const CREDENTIAL_TYPE = 'cappiResellerApi';

/** How long one request may take. A RegisterOrder that times out has an unknown outcome, never a retry. */
export const REQUEST_TIMEOUT_MS = 30_000;

type Context = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/**
 * One client per execution: reads the credential once (the base URL is needed to build URLs, the key only
 * to redact it from messages of foreign errors) and sends every request through n8n's
 * httpRequestWithAuthentication, so the key is added by the credential and n8n's proxy settings apply.
 * Every failure comes out as one of core's typed errors, with a message that holds no key.
 */
export async function createTransport(context: Context) {
  const credentials = await context.getCredentials(CREDENTIAL_TYPE);
  const baseUrl = normalizeBaseUrl(credentials.baseUrl);
  const secrets = typeof credentials.apiKey === 'string' ? [credentials.apiKey] : [];

  async function send(operation: OperationName, qs: IDataObject): Promise<{ status: number; body: unknown }> {
    const options: IHttpRequestOptions = {
      method: operation === 'RegisterOrder' ? 'POST' : 'GET',
      url: `${baseUrl}/${operation}`,
      qs,
      // Statuses and bodies are mapped by core (errorFromHttp), not by n8n's generic HTTP error, whose
      // context could carry the request (and so the key).
      returnFullResponse: true,
      ignoreHttpStatusErrors: true,
      json: false,
      encoding: 'text',
      timeout: REQUEST_TIMEOUT_MS,
    };
    const response = (await context.helpers.httpRequestWithAuthentication.call(
      context,
      CREDENTIAL_TYPE,
      options,
    )) as IN8nHttpFullResponse;
    return { status: response.statusCode, body: response.body };
  }

  function failure(operation: OperationName, error: unknown): ResellerError {
    const { code, message } = describeError(error, secrets);
    if (isTimeout(code, message)) {
      return new TimeoutError(`no answer to ${operation} within ${REQUEST_TIMEOUT_MS / 1000} s: try again later`, {
        operation,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
    }
    return new ConnectionError(`could not reach the Reseller API at ${baseUrl} (${message}): check the Base URL`, {
      operation,
    });
  }

  async function read(operation: Exclude<OperationName, 'RegisterOrder'>, qs: IDataObject = {}): Promise<unknown> {
    let answer: { status: number; body: unknown };
    try {
      answer = await send(operation, qs);
    } catch (error) {
      throw failure(operation, error);
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
     * Sends RegisterOrder exactly once; nothing here retries it. An answer the server definitely gave
     * (an HTTP error, or 200) is returned or mapped; anything that leaves us without a readable answer
     * after the request may have left (timeout, reset, a body that is not the contract's) is an
     * UnknownOutcomeError: the order may have been placed.
     */
    async registerOrder(order: OrderRequest): Promise<RegisterOrderResult> {
      const sentAt = new Date().toISOString();
      let answer: { status: number; body: unknown };
      try {
        answer = await send('RegisterOrder', {
          serviceId: order.serviceId,
          link: order.link,
          quantity: order.quantity,
        });
      } catch (error) {
        throw lostOrder(order, sentAt, error);
      }
      const body = parseBody(answer.body);
      if (answer.status < 200 || answer.status > 299) {
        throw errorFromHttp(answer.status, body.ok ? body.value : undefined, { operation: 'RegisterOrder' });
      }
      try {
        if (!body.ok) throw new SyntaxError('the body is not JSON');
        return parseRegisterOrderResult(body.value);
      } catch (error) {
        throw unreadableAnswer(order, sentAt, error);
      }
    },
  };

  /** RegisterOrder got no answer. Only a connection that was never made proves the order was not sent. */
  function lostOrder(order: OrderRequest, sentAt: string, error: unknown): ResellerError {
    const { code, message } = describeError(error, secrets);
    if (code !== undefined && NOT_SENT_CODES.has(code)) {
      return new ConnectionError(
        `could not reach the Reseller API at ${baseUrl} (${message}); the order was not sent. Check the Base URL`,
        { operation: 'RegisterOrder' },
      );
    }
    return new UnknownOutcomeError(unknownOutcomeMessage(order, sentAt, `no answer was received (${message})`), {
      order,
      sentAt,
    });
  }

  /** RegisterOrder was answered 2xx with a body that is not the contract's: it may have been placed. */
  function unreadableAnswer(order: OrderRequest, sentAt: string, error: unknown): ResellerError {
    const { message } = describeError(error, secrets);
    return new UnknownOutcomeError(
      unknownOutcomeMessage(order, sentAt, `the answer could not be understood (${message})`),
      {
        order,
        sentAt,
      },
    );
  }
}

export type Transport = Awaited<ReturnType<typeof createTransport>>;

/** Error codes that mean the TCP connection was never established, so nothing was sent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function isTimeout(code: string | undefined, message: string): boolean {
  return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout|timed out/i.test(message);
}

/**
 * The code and a short description of a foreign error (n8n's, axios'), with the key redacted. The description
 * never carries a raw code such as ECONNRESET: n8n replaces any message holding one with its own generic
 * wording ("You can retry the request immediately"), which would be wrong advice for an order.
 */
export function describeError(error: unknown, secrets: readonly string[]): { code?: string; message: string } {
  const record = typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const cause =
    typeof record.cause === 'object' && record.cause !== null ? (record.cause as Record<string, unknown>) : {};
  const rawCode = cause.code ?? record.code;
  const code = typeof rawCode === 'string' && /^E[A-Z_]+$/.test(rawCode) ? rawCode : undefined;
  if (code !== undefined) return { code, message: CODE_PHRASES[code] ?? 'the connection failed' };
  const rawMessage = typeof record.message === 'string' && record.message !== '' ? record.message : String(error);
  const message = /\bE[A-Z_]{4,}\b|getaddrinfo/i.test(rawMessage) ? 'the connection failed' : rawMessage;
  return { message: redact(message, secrets).slice(0, 300) };
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
};

function parseBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof body !== 'string') return body === undefined ? { ok: false } : { ok: true, value: body };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/** The credential's base URL without trailing slashes; the documented default when empty. */
export function normalizeBaseUrl(value: unknown): string {
  const text = typeof value === 'string' ? value.trim() : '';
  return (text === '' ? DEFAULT_BASE_URL : text).replace(/\/+$/, '');
}
