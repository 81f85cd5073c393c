import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './domain/errors.js';
import { DEFAULT_MAX_RESPONSE_BYTES } from './response-limit.js';
import { createTransport } from './transport.js';

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
