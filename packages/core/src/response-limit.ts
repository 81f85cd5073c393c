// A bound on how much of an answer the client reads. An upstream (or something posing as it) that sends a 300 MB
// catalog would otherwise be read whole and parsed (issue 9 measured 1.17 GB of memory): the body is read as a
// stream and reading stops at the limit, so memory never holds more than the limit of one answer.
import type { OperationName } from './domain/types.js';

/**
 * Default limits, in bytes of the (decoded) body. The catalog is the one large answer: thousands of services with
 * descriptions are a few MB, so 32 MiB leaves room to grow. The others are a few hundred bytes.
 */
export const DEFAULT_MAX_RESPONSE_BYTES: Readonly<Record<OperationName, number>> = Object.freeze({
  ServicesList: 32 * 1024 * 1024,
  Balance: 256 * 1024,
  OrderStatus: 256 * 1024,
  RegisterOrder: 256 * 1024,
});

/** Thrown by a limited body when it passes its limit; the transport reports its message. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  constructor(
    readonly operation: OperationName,
    readonly maxBytes: number,
  ) {
    super(
      `the API's answer to ${operation} is larger than ${formatBytes(maxBytes)}, this client's limit ` +
        `(option maxResponseBytes.${operation}); it was not read further. Raise the limit only if the API really sends that much`,
    );
  }
}

export function isResponseTooLarge(thrown: unknown): thrown is ResponseTooLargeError {
  let current: unknown = thrown;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof ResponseTooLargeError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

// Statuses whose Response cannot carry a body (the constructor throws on one).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The same answer, whose body errors with ResponseTooLargeError once more than `maxBytes` arrived (or at once when
 * Content-Length announces more); the rest of the upstream body is cancelled, which closes the connection.
 */
export function limitResponseBody(response: Response, maxBytes: number, operation: OperationName): Response {
  if (response.body === null || NULL_BODY_STATUSES.has(response.status)) return response;
  const reader = response.body.getReader();
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  let received = 0;
  const stop = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    reader.cancel().catch(() => undefined);
    controller.error(new ResponseTooLargeError(operation, maxBytes));
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (declared > maxBytes) stop(controller);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      received += value.byteLength;
      if (received > maxBytes) {
        stop(controller);
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** The limits of a client: the defaults, with those the caller set, each checked. */
export function responseLimits(
  given: Partial<Record<OperationName, number>> | undefined,
  refuse: (message: string) => Error,
): Record<OperationName, number> {
  const limits = { ...DEFAULT_MAX_RESPONSE_BYTES };
  for (const [operation, value] of Object.entries(given ?? {})) {
    if (!(operation in limits)) {
      throw refuse(
        `maxResponseBytes has no operation ${JSON.stringify(operation)}: use ${Object.keys(limits).join(', ')}`,
      );
    }
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw refuse(
        `maxResponseBytes.${operation} must be a whole number of bytes of at least 1 (got ${String(value)})`,
      );
    }
    limits[operation as OperationName] = value;
  }
  return limits;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
