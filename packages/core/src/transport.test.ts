import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './domain/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-limit.js';
import { createTransport, parseRetryAfter } from './transport.js';

const order = { serviceId: 1, link: 'https://example.com/post/1', quantity: 10 };

describe('attemptOrder', () => {
  it('reports a request that failed before it was handed to fetch as not sent (no "may have been placed")', async () => {
    let fetched = 0;
    const transport = createTransport({
      apiKey: 'sbx_transport_test',
      baseUrl: 'http://127.0.0.1:9',
      timeoutMs: 1000,
      retries: 0,
      fetch: async () => {
        fetched += 1;
        return new Response('{}');
      },
      onRetry: undefined,
      retryDelayMs: 1,
      maxRetryDelayMs: 1,
      maxRetryAfterMs: 1,
      random: () => 0,
      maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
    });
    // What openapi-fetch does when a query value cannot be URL-encoded: it throws while building the request.
    const building = async () => {
      throw new URIError('URI malformed');
    };
    const outcome = await transport.attemptOrder(building, { order });
    if (outcome.kind !== 'not_placed') throw new Error(`expected not_placed, got ${outcome.kind}`);
    const { error } = outcome;
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('the RegisterOrder request could not be built: URI malformed');
    expect(fetched).toBe(0);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('reads delay-seconds as ms, and nothing when the header is absent', () => {
    expect(parseRetryAfter('0', now)).toBe(0);
    expect(parseRetryAfter('7', now)).toBe(7000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('reads an HTTP date as the time left until it, never less than 0', () => {
    expect(parseRetryAfter('Tue, 01 Dec 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 01 Dec 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores what RFC 9110 does not allow: negative, fractional, empty, or not a date', () => {
    for (const value of ['-5', '1.5', '', '  ', '1e3', 'soon', 'Tue, 99 Foo 2026']) {
      expect(parseRetryAfter(value, now), JSON.stringify(value)).toBeUndefined();
    }
  });
});
