import type { ResellerClient } from './client.js';
import { AbortedError, isResellerError, TimeoutError } from './domain/errors.js';
import { normalizeOrderStatus } from './domain/status.js';
import type { NormalizedOrderStatus } from './domain/types.js';

/** How waitForOrder polls: a signal, a progress callback, the pause between reads (growing to `maxIntervalMs`) and an overall `timeoutMs`. */
export interface WaitForOrderOptions {
  /** Stops waiting (rejects with AbortedError). */
  signal?: AbortSignal;
  /** Called with every status read, final or not. */
  onProgress?: (status: NormalizedOrderStatus) => void;
  /** First pause between polls, in ms. Default 2 000. */
  intervalMs?: number;
  /** Longest pause between polls, in ms; pauses grow by half each poll up to this. Default 15 000. */
  maxIntervalMs?: number;
  /** Gives up after this long (rejects with TimeoutError). Default: no limit. */
  timeoutMs?: number;
}

/**
 * Polls an order's status until it is final (completed, partial or canceled) and returns that status.
 * Pauses grow between polls, so a long order costs few requests.
 */
export async function waitForOrder(
  client: Pick<ResellerClient, 'getOrderStatus'>,
  orderId: number,
  options: WaitForOrderOptions = {},
): Promise<NormalizedOrderStatus> {
  const { onProgress, timeoutMs } = options;
  const maxIntervalMs = options.maxIntervalMs ?? 15_000;
  let intervalMs = Math.min(options.intervalMs ?? 2_000, maxIntervalMs);
  const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const signals = [options.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length === 0 ? undefined : AbortSignal.any(signals);
  let last: NormalizedOrderStatus | undefined;

  const stopped = (): Error => {
    if (options.signal?.aborted) {
      return new AbortedError(`waiting for order ${orderId} was canceled by the caller`, { operation: 'OrderStatus' });
    }
    const lastSeen = last === undefined ? 'no status was read' : `last status: ${last.rawStatus}`;
    return new TimeoutError(`order ${orderId} did not reach a final status within ${timeoutMs} ms (${lastSeen})`, {
      operation: 'OrderStatus',
      timeoutMs: timeoutMs ?? 0,
    });
  };

  for (;;) {
    try {
      last = normalizeOrderStatus(await client.getOrderStatus(orderId, signal === undefined ? {} : { signal }));
    } catch (error) {
      // The client reports our own deadline as an abort: say which of the two it was.
      if (signal?.aborted && isResellerError(error) && error.code === 'aborted') throw stopped();
      throw error;
    }
    onProgress?.(last);
    if (last.isFinal) return last;
    await pause(intervalMs, signal, stopped);
    intervalMs = Math.min(Math.round(intervalMs * 1.5), maxIntervalMs);
  }
}

function pause(ms: number, signal: AbortSignal | undefined, stopped: () => Error): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(stopped());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(stopped());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
