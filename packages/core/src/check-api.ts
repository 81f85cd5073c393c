import { type ResellerClient, rawAccessOf } from './client.js';
import {
  API_CHECK_PROBES,
  type ApiCheckObservation,
  type ApiCheckReport,
  analyzeApiCheck,
  WRONG_API_KEY,
} from './domain/api-check.js';
import { InvalidRequestError } from './domain/errors.js';

/** Options of checkApi: a signal, a time limit per request, what counts as slow, the toolkit version to report, a clock. */
export interface CheckApiOptions {
  /** Cancels the check. */
  signal?: AbortSignal;
  /** Time limit of each request. Default: the client's timeoutMs (so a timeout here is one there too). */
  timeoutMs?: number;
  /** Answers slower than this are reported as slow. Default 3000 ms. */
  slowMs?: number;
  /** Who runs the check, shown in the report (e.g. "@cappi-reseller/mcp-server 1.2.0"). */
  toolkit?: string;
  /** The clock of the report's `checkedAt`. Default: now. */
  now?: () => Date;
}

/**
 * A read-only check of the API behind `client`, to run once with a real key before the first order and whenever
 * something looks wrong. It never sends RegisterOrder: it reads Balance and ServicesList and compares both with the
 * contract, asks OrderStatus about an order that cannot exist, sends one Balance request with a deliberately wrong
 * key, and times every answer. Each request is sent once, as is (no retry), through the client's own transport,
 * which adds the key and never follows redirects.
 *
 * Resolves with a report (see renderApiCheckText / renderApiCheckJson); `report.passed` is false when the API
 * differs in a way the toolkit cannot handle. Never rejects because of what the API answered.
 */
export async function checkApi(client: ResellerClient, options: CheckApiOptions = {}): Promise<ApiCheckReport> {
  const access = rawAccessOf(client);
  if (access === undefined) {
    throw new InvalidRequestError('checkApi needs a client made by createResellerClient');
  }
  const timeoutMs = options.timeoutMs ?? access.timeoutMs;
  const wrongKey = access.exchangeWithKey(WRONG_API_KEY);
  const observations: ApiCheckObservation[] = [];
  // One after the other: the timings are those of the API, not of requests competing with each other.
  for (const probe of API_CHECK_PROBES) {
    const exchange = probe.key === 'wrong' ? wrongKey : access.exchange;
    const seen = await exchange({ path: probe.path, query: probe.query, signal: options.signal, timeoutMs });
    observations.push({ probe: probe.name, ...seen });
  }
  return analyzeApiCheck(observations, {
    baseUrl: client.baseUrl,
    checkedAt: (options.now?.() ?? new Date()).toISOString(),
    timeoutMs,
    slowMs: options.slowMs ?? 3000,
    // The client scrubs the key from everything it hands over; the wrong key is not secret but has no use in a report.
    secrets: [WRONG_API_KEY],
    toolkit: options.toolkit,
  });
}
