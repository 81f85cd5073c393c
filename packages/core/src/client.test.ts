import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { type Fault, type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createResellerClient, type ResellerClientOptions } from './client.js';
import {
  AbortedError,
  AuthenticationError,
  ConnectionError,
  InsufficientFundsError,
  InvalidRequestError,
  InvalidResponseError,
  NotFoundError,
  RateLimitedError,
  type ResellerError,
  ServerError,
  TimeoutError,
  UnknownOutcomeError,
} from './domain/errors.js';
import { quoteOrder } from './domain/quote.js';
import type { OrderRequest, Service } from './domain/types.js';
import type { RetryInfo } from './transport.js';

// A key full of characters that URL encoding changes, so a leak in any encoded form would show.
const KEY = 'canary-K3y/with+plus&amp=eq ual%25';
const POOR_KEY = 'poor-key-0123456789';

let sandbox: Sandbox;
let cheap: Service;
let order: OrderRequest;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    validateResponses: true,
    keys: [
      { key: KEY, balance: 1000 },
      { key: POOR_KEY, balance: 0.01 },
    ],
  });
  // The cheapest service that has a price, ordered at its minimum: many orders fit in the balance.
  cheap = sandbox
    .catalog()
    .filter((service) => service.rate !== undefined && service.rate > 0)
    .sort((a, b) => (a.rate ?? 0) * a.min - (b.rate ?? 0) * b.min)[0] as Service;
  order = { serviceId: cheap.service, link: 'https://example.com/post/1', quantity: cheap.min };
});

afterEach(() => sandbox.faults.clear());

// stop() rejects when any response the sandbox sent broke the contract: that fails the run.
afterAll(() => sandbox.stop());

function clientFor(options: Partial<ResellerClientOptions> = {}) {
  return createResellerClient({ apiKey: KEY, baseUrl: sandbox.url, timeoutMs: 2000, retryDelayMs: 5, ...options });
}

async function failureOf(promise: Promise<unknown>): Promise<ResellerError> {
  try {
    await promise;
  } catch (error) {
    return error as ResellerError;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** Every way an error can be shown: none may contain the key, as is or URL-encoded. */
function expectNoKey(value: unknown, key = KEY): void {
  const renderings = [
    String(value),
    JSON.stringify(value),
    inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    value instanceof Error ? `${value.message}\n${value.stack}` : '',
  ];
  const forms = [key, encodeURIComponent(key), new URLSearchParams({ key }).toString().slice(4)];
  for (const text of renderings) for (const form of forms) expect(text).not.toContain(form);
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('the condition did not become true in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

describe('the four operations over real HTTP', () => {
  it('getBalance answers the balance of the key', async () => {
    const balance = await clientFor().getBalance();
    expect(balance).toEqual({ balance: sandbox.balanceOf(KEY), currency: 'USD' });
  });

  it('listServices answers the whole catalog', async () => {
    const services = await clientFor().listServices();
    expect(services).toEqual(sandbox.catalog());
    expect(services.length).toBe(2400);
  });

  it('registerOrder places the order once, charges the quoted price, and getOrderStatus follows it', async () => {
    const client = clientFor();
    const before = sandbox.balanceOf(KEY);
    const ordersBefore = sandbox.orders(KEY).length;
    const requestsBefore = sandbox.requests('RegisterOrder');
    const quote = quoteOrder(order, cheap, await client.getBalance());

    const placed = await client.registerOrder(order);

    expect(placed).toEqual({ orderId: expect.any(Number), success: true, insufficientFunds: false, error: null });
    expect(sandbox.requests('RegisterOrder')).toBe(requestsBefore + 1);
    const orders = sandbox.orders(KEY);
    expect(orders.length).toBe(ordersBefore + 1);
    expect(orders.at(-1)).toMatchObject({ orderId: placed.orderId, serviceId: cheap.service, charge: quote.price });
    expect(sandbox.balanceOf(KEY)).toBeCloseTo(before - quote.price, 2);

    const status = await client.getOrderStatus(placed.orderId);
    expect(status.charge).toBe(quote.price);
    expect(['pending', 'in progress', 'completed', 'partial']).toContain(status.status);
  });
});

describe('typed errors', () => {
  it('AuthenticationError for a key the API does not know, without retrying', async () => {
    const wrongKey = 'wrong-canary/key+1';
    const before = sandbox.requests('Balance');
    const error = await failureOf(clientFor({ apiKey: wrongKey }).getBalance());
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toMatch(/^the API key was rejected \(HTTP 401\): check CAPPI_API_KEY/);
    expect(sandbox.requests('Balance')).toBe(before + 1);
    expectNoKey(error, wrongKey);
  });

  it('InsufficientFundsError when the balance is too low, and nothing is placed', async () => {
    const client = createResellerClient({ apiKey: POOR_KEY, baseUrl: sandbox.url });
    const big = { ...order, quantity: cheap.max };
    const error = await failureOf(client.registerOrder(big));
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error.message).toContain('insufficient funds');
    expect(error.retryable).toBe(false);
    expect(sandbox.orders(POOR_KEY)).toEqual([]);
    expect(sandbox.balanceOf(POOR_KEY)).toBe(0.01);
  });

  it('InvalidRequestError when the API refuses a quantity above the maximum (HTTP 200, success false)', async () => {
    const error = await failureOf(clientFor().registerOrder({ ...order, quantity: cheap.max + 1 }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toContain(`above the maximum of ${cheap.max}`);
    expect(error).toMatchObject({ field: 'quantity', serviceId: cheap.service });
  });

  it('InvalidRequestError for a service that does not exist', async () => {
    const error = await failureOf(clientFor().registerOrder({ ...order, serviceId: 1 }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ field: 'serviceId' });
  });

  it('InvalidRequestError before sending anything when the order is malformed', async () => {
    const before = sandbox.requests();
    const error = await failureOf(clientFor().registerOrder({ ...order, link: 'not a link' }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ field: 'link' });
    const badId = await failureOf(clientFor().getOrderStatus(0));
    expect(badId).toMatchObject({ code: 'invalid_request', field: 'orderId' });
    expect(sandbox.requests()).toBe(before);
  });

  it('NotFoundError for an order that does not exist', async () => {
    const error = await failureOf(clientFor().getOrderStatus(1));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ orderId: 1, status: 404 });
    expect(error.message).toBe('order 1 was not found for this API key (HTTP 404): check the order id');
  });
});

describe('retries of reads', () => {
  it('waits for Retry-After after a 429 and then succeeds', async () => {
    sandbox.faults.inject({ kind: 'rate_limit', retryAfterSeconds: 1 }, { operation: 'Balance' });
    const retries: RetryInfo[] = [];
    const before = sandbox.requests('Balance');
    const started = Date.now();
    const balance = await clientFor({ onRetry: (info) => retries.push(info) }).getBalance();
    expect(balance.currency).toBe('USD');
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(sandbox.requests('Balance')).toBe(before + 2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ operation: 'Balance', attempt: 1, delayMs: 1000 });
    expect(retries[0]?.error).toBeInstanceOf(RateLimitedError);
  });

  it('gives up with RateLimitedError when Retry-After is longer than it will wait', async () => {
    sandbox.faults.inject({ kind: 'rate_limit', retryAfterSeconds: 120 }, { operation: 'Balance' });
    const before = sandbox.requests('Balance');
    const error = await failureOf(clientFor().getBalance());
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, status: 429 });
    expect(sandbox.requests('Balance')).toBe(before + 1);
  });

  it('retries 5xx with growing, jittered delays and succeeds', async () => {
    sandbox.faults.inject({ kind: 'status', status: 503 }, { operation: 'ServicesList', times: 2 });
    const retries: RetryInfo[] = [];
    const before = sandbox.requests('ServicesList');
    await clientFor({ retryDelayMs: 20, onRetry: (info) => retries.push(info) }).listServices();
    expect(sandbox.requests('ServicesList')).toBe(before + 3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[0]?.delayMs).toBeLessThan(20);
    expect(retries[1]?.delayMs).toBeLessThan(40);
    expect(retries.every((r) => r.error instanceof ServerError)).toBe(true);
  });

  it('throws ServerError once the retries are spent', async () => {
    sandbox.faults.inject({ kind: 'status', status: 500 }, { operation: 'Balance', times: 10 });
    const before = sandbox.requests('Balance');
    const error = await failureOf(clientFor({ retries: 2 }).getBalance());
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(sandbox.requests('Balance')).toBe(before + 3);
  });

  it('retries a connection dropped before any answer', async () => {
    sandbox.faults.inject({ kind: 'drop_before' }, { operation: 'Balance' });
    const before = sandbox.requests('Balance');
    await expect(clientFor().getBalance()).resolves.toMatchObject({ currency: 'USD' });
    expect(sandbox.requests('Balance')).toBe(before + 2);
  });

  it('retries a malformed body, and reports InvalidResponseError when it stays malformed', async () => {
    sandbox.faults.inject({ kind: 'malformed' }, { operation: 'OrderStatus' });
    const placed = await clientFor().registerOrder(order);
    await expect(clientFor().getOrderStatus(placed.orderId)).resolves.toMatchObject({ currency: 'USD' });

    sandbox.faults.inject({ kind: 'malformed' }, { operation: 'Balance', times: 5 });
    const before = sandbox.requests('Balance');
    const error = await failureOf(clientFor({ retries: 1 }).getBalance());
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect(error.message).toContain('not valid JSON');
    expect(sandbox.requests('Balance')).toBe(before + 2);
  });

  it('times out an attempt that takes too long (TimeoutError), and retries it', async () => {
    // The timeout must be met by a normal answer and missed by a delayed one, on a machine however busy: derived
    // from the slowest normal answer measured here, and the delay a multiple of it.
    let slowestMs = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await clientFor().getBalance();
      slowestMs = Math.max(slowestMs, performance.now() - started);
    }
    const timeoutMs = Math.ceil(10 * slowestMs) + 100;
    const latency = { kind: 'latency', ms: 4 * timeoutMs } as const;
    sandbox.faults.inject(latency, { operation: 'Balance' });
    const error = await failureOf(clientFor({ timeoutMs, retries: 0 }).getBalance());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ timeoutMs, retryable: true });

    sandbox.faults.inject(latency, { operation: 'Balance' });
    await expect(clientFor({ timeoutMs, retries: 1 }).getBalance()).resolves.toMatchObject({ currency: 'USD' });
  });

  it('times out an attempt whose body stalls after the headers: the timeout bounds reading the answer too', async () => {
    // Headers and the start of a body, then nothing: the attempt's timer must still be running while it is read.
    const stalling = createHttpServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"balance":');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const address = stalling.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const stalled = { apiKey: KEY, baseUrl: `http://127.0.0.1:${address.port}`, timeoutMs: 100, retries: 0 };
      const read = await failureOf(createResellerClient(stalled).getBalance());
      expect(read).toBeInstanceOf(TimeoutError);
      const placing = await failureOf(createResellerClient(stalled).registerOrder(order));
      expect(placing).toBeInstanceOf(UnknownOutcomeError);
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });

  it('ConnectionError when nothing listens, after the retries', async () => {
    const retries: RetryInfo[] = [];
    const client = clientFor({ baseUrl: await closedPortUrl(), retries: 2, onRetry: (info) => retries.push(info) });
    const error = await failureOf(client.getBalance());
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain('connection refused, ECONNREFUSED');
    expect(retries).toHaveLength(2);
  });

  it('AbortedError when the caller aborts, before or between attempts', async () => {
    const before = sandbox.requests('Balance');
    const error = await failureOf(clientFor().getBalance({ signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(sandbox.requests('Balance')).toBe(before);

    sandbox.faults.inject({ kind: 'status', status: 503, retryAfterSeconds: 5 }, { operation: 'Balance' });
    const controller = new AbortController();
    const waiting = clientFor({ onRetry: () => setTimeout(() => controller.abort(), 20) }).getBalance({
      signal: controller.signal,
    });
    expect(await failureOf(waiting)).toBeInstanceOf(AbortedError);
    expect(sandbox.requests('Balance')).toBe(before + 1);
  });
});

describe('registerOrder is never sent twice', () => {
  it('reports an order whose answer was lost as UnknownOutcomeError: it exists, it was sent once', async () => {
    sandbox.faults.inject({ kind: 'drop_after' }, { operation: 'RegisterOrder' });
    const ordersBefore = sandbox.orders(KEY).length;
    const requestsBefore = sandbox.requests('RegisterOrder');

    const error = await failureOf(clientFor().registerOrder(order));

    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect(error.message).toContain('may have been placed');
    expect(error.message).toContain('before placing it again');
    expect(error).toMatchObject({ order, sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), retryable: false });
    expect(sandbox.requests('RegisterOrder')).toBe(requestsBefore + 1);
    expect(sandbox.orders(KEY).length).toBe(ordersBefore + 1);
  });

  it('reports a malformed answer to an order as UnknownOutcomeError (the order exists)', async () => {
    sandbox.faults.inject({ kind: 'malformed' }, { operation: 'RegisterOrder' });
    const ordersBefore = sandbox.orders(KEY).length;
    const error = await failureOf(clientFor().registerOrder(order));
    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect(error.message).toContain('the answer could not be read');
    expect(sandbox.orders(KEY).length).toBe(ordersBefore + 1);
  });

  it('reports a timeout as UnknownOutcomeError, and the order does get placed', async () => {
    sandbox.faults.inject({ kind: 'latency', ms: 300 }, { operation: 'RegisterOrder' });
    const ordersBefore = sandbox.orders(KEY).length;
    const requestsBefore = sandbox.requests('RegisterOrder');
    const error = await failureOf(clientFor({ timeoutMs: 100 }).registerOrder(order));
    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect(error.message).toContain('no answer arrived within 100 ms');
    await eventually(() => sandbox.orders(KEY).length === ordersBefore + 1);
    expect(sandbox.requests('RegisterOrder')).toBe(requestsBefore + 1);
  });

  it('reports an abort after sending as UnknownOutcomeError', async () => {
    sandbox.faults.inject({ kind: 'latency', ms: 300 }, { operation: 'RegisterOrder' });
    const ordersBefore = sandbox.orders(KEY).length;
    const error = await failureOf(clientFor().registerOrder(order, { signal: AbortSignal.timeout(50) }));
    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect(error.message).toContain('canceled after it was sent');
    await eventually(() => sandbox.orders(KEY).length === ordersBefore + 1);
  });

  it('does not retry a 429 on an order: the service answered, nothing was placed', async () => {
    const ordersBefore = sandbox.orders(KEY).length;
    const requestsBefore = sandbox.requests('RegisterOrder');
    sandbox.faults.inject({ kind: 'rate_limit', retryAfterSeconds: 1 }, { operation: 'RegisterOrder' });
    expect(await failureOf(clientFor().registerOrder(order))).toBeInstanceOf(RateLimitedError);
    expect(sandbox.requests('RegisterOrder')).toBe(requestsBefore + 1);
    expect(sandbox.orders(KEY).length).toBe(ordersBefore);
  });

  it.each([500, 502, 503, 504] as const)(
    'reports HTTP %i on an order as UnknownOutcomeError, never retried: the service may have committed it first',
    async (status) => {
      sandbox.faults.inject({ kind: 'status', status, afterCommit: true }, { operation: 'RegisterOrder' });
      const requestsBefore = sandbox.requests('RegisterOrder');
      const ordersBefore = sandbox.orders(KEY).length;
      const error = await failureOf(clientFor({ retries: 3 }).registerOrder(order));
      expect(error).toBeInstanceOf(UnknownOutcomeError);
      expect(error.retryable).toBe(false);
      expect(error.message).toContain(`the order may have been placed: `);
      expect(error.message).toContain(`answered HTTP ${status}`);
      expect(sandbox.requests('RegisterOrder')).toBe(requestsBefore + 1);
      // It was placed: the client must not have said otherwise.
      expect(sandbox.orders(KEY).length).toBe(ordersBefore + 1);
    },
  );

  it('a connection refused before sending is a plain ConnectionError: nothing can have been placed', async () => {
    const error = await failureOf(clientFor({ baseUrl: await closedPortUrl() }).registerOrder(order));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(UnknownOutcomeError);
  });

  it('an abort before sending is a plain AbortedError', async () => {
    const before = sandbox.requests('RegisterOrder');
    const error = await failureOf(clientFor().registerOrder(order, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(sandbox.requests('RegisterOrder')).toBe(before);
  });

  it('a dropped connection before handling is still reported as unknown (the client cannot tell)', async () => {
    sandbox.faults.inject({ kind: 'drop_before' }, { operation: 'RegisterOrder' });
    const ordersBefore = sandbox.orders(KEY).length;
    const requestsBefore = sandbox.requests('RegisterOrder');
    expect(await failureOf(clientFor().registerOrder(order))).toBeInstanceOf(UnknownOutcomeError);
    expect(sandbox.requests('RegisterOrder')).toBe(requestsBefore + 1);
    expect(sandbox.orders(KEY).length).toBe(ordersBefore);
  });
});

describe('the API key never shows', () => {
  it('in any error, for every kind of failure, nor in what onRetry receives, nor in the client', async () => {
    const retries: RetryInfo[] = [];
    const client = clientFor({ timeoutMs: 100, retries: 1, onRetry: (info) => retries.push(info) });
    const refused = clientFor({ baseUrl: await closedPortUrl(), retries: 1, onRetry: (info) => retries.push(info) });
    const failures: { name: string; fault?: Fault; call: () => Promise<unknown> }[] = [
      { name: '429', fault: { kind: 'rate_limit', retryAfterSeconds: 60 }, call: () => client.getBalance() },
      { name: '5xx', fault: { kind: 'status', status: 502 }, call: () => client.listServices() },
      { name: 'malformed', fault: { kind: 'malformed' }, call: () => client.getBalance() },
      { name: 'drop', fault: { kind: 'drop_before' }, call: () => client.getBalance() },
      { name: 'timeout', fault: { kind: 'latency', ms: 300 }, call: () => client.getBalance() },
      { name: '404', call: () => client.getOrderStatus(1) },
      { name: 'refused', call: () => refused.getBalance() },
      { name: 'refused order', call: () => refused.registerOrder(order) },
      { name: 'invalid order', call: () => client.registerOrder({ ...order, quantity: cheap.max + 1 }) },
      { name: 'unknown outcome', fault: { kind: 'drop_after' }, call: () => client.registerOrder(order) },
      { name: 'malformed order', fault: { kind: 'malformed' }, call: () => client.registerOrder(order) },
      { name: 'aborted', call: () => client.getBalance({ signal: AbortSignal.abort() }) },
      {
        name: 'bad options',
        call: async () => createResellerClient({ apiKey: KEY, baseUrl: `${sandbox.url}?key=${KEY}` }),
      },
    ];
    for (const { name, fault, call } of failures) {
      if (fault !== undefined) sandbox.faults.inject(fault, { times: 2 });
      const error = await failureOf(call());
      expect(error.code, name).toBeDefined();
      expectNoKey(error);
      sandbox.faults.clear();
    }
    expect(retries.length).toBeGreaterThan(0);
    for (const info of retries) expectNoKey(info);
    expectNoKey(client);
    expect(inspect(client, { showHidden: true, depth: Number.POSITIVE_INFINITY })).toContain(sandbox.url);
  });
});

describe('the key is redacted from what others put in errors', () => {
  it('from a gateway that echoes the request URL in its error body', async () => {
    // Some gateways echo the failed request in their problem details; a real server doing that, over HTTP.
    const gateway = createHttpServer((request, response) => {
      response.writeHead(502, { 'content-type': 'application/problem+json' });
      response.end(JSON.stringify({ title: 'Bad Gateway', detail: `upstream failed for ${request.url}` }));
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    try {
      const address = gateway.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const client = createResellerClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${address.port}`, retries: 0 });
      const error = await failureOf(client.getBalance());
      expect(error).toBeInstanceOf(ServerError);
      expect(error.message).toContain('upstream failed for /Balance?key=***');
      expectNoKey(error);
    } finally {
      await new Promise((resolve) => gateway.close(resolve));
    }
  });

  it('from an HTTP 200 refusal of an order whose error text echoes the request', async () => {
    // A refusal's `error` is the API's own text: a server that quotes the request in it must not leak the key.
    const echoing = createHttpServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ success: false, orderId: null, insufficientFunds: false, error: `bad order ${request.url}` }),
      );
    });
    await new Promise<void>((resolve) => echoing.listen(0, '127.0.0.1', resolve));
    try {
      const address = echoing.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      const client = createResellerClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${address.port}` });
      const error = await failureOf(
        client.registerOrder({ serviceId: 1, link: 'https://example.com/post/1', quantity: 10 }),
      );
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect(error.message).toContain('bad order /RegisterOrder?');
      expectNoKey(error);
    } finally {
      await new Promise((resolve) => echoing.close(resolve));
    }
  });

  it('from a fetch whose errors quote the URL (as node-fetch does)', async () => {
    const quotingFetch: typeof fetch = async (input) => {
      throw Object.assign(new Error(`request to ${String(input)} failed, reason: connect ECONNREFUSED`), {
        code: 'ECONNREFUSED',
      });
    };
    const retries: RetryInfo[] = [];
    const client = clientFor({ fetch: quotingFetch, retries: 1, onRetry: (info) => retries.push(info) });
    const read = await failureOf(client.getBalance());
    expect(read).toBeInstanceOf(ConnectionError);
    expectNoKey(read);
    expect(inspect(read, { depth: Number.POSITIVE_INFINITY })).toContain('/Balance?key=***');
    const placing = await failureOf(client.registerOrder(order));
    expect(placing).toBeInstanceOf(ConnectionError);
    expectNoKey(placing);
    expect(retries).toHaveLength(1);
    for (const info of retries) expectNoKey(info);
  });
});

describe('what the given fetch receives', () => {
  it("one call per attempt: the key added to the URL, redirects not followed, the attempt's live signal", async () => {
    const seen: { url: string; init: RequestInit | undefined; aborted: boolean | undefined }[] = [];
    const recording: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), init, aborted: init?.signal?.aborted });
      return new Response(JSON.stringify({ balance: 1, currency: 'USD' }), {
        headers: { 'content-type': 'application/json' },
      });
    };
    const client = clientFor({ fetch: recording, retries: 0 });
    await expect(client.getBalance()).resolves.toMatchObject({ currency: 'USD' });
    await failureOf(client.getOrderStatus(7)); // the shape check refuses a balance for a status
    const [balance, status] = seen;
    expect(balance?.url).toBe(`${sandbox.url}/Balance?${new URLSearchParams({ key: KEY })}`);
    expect(status?.url).toBe(`${sandbox.url}/OrderStatus?orderId=7&${new URLSearchParams({ key: KEY })}`);
    for (const call of [balance, status]) {
      expect(call?.init).toMatchObject({ method: 'GET', redirect: 'manual' });
      expect(call?.init?.signal).toBeInstanceOf(AbortSignal);
      expect(call?.aborted).toBe(false);
    }
  });
});

describe('client options are checked when the client is made', () => {
  const base = { apiKey: 'sbx_option_checks', baseUrl: 'http://127.0.0.1:9' };

  it.each([
    ['timeoutMs', 0],
    ['timeoutMs', 2_147_483_648],
    ['timeoutMs', Number.NaN],
    ['retryDelayMs', Number.POSITIVE_INFINITY],
    ['maxRetryAfterMs', -1],
  ])('refuses %s %s with the allowed range', (name, value) => {
    expect(() => createResellerClient({ ...base, [name]: value })).toThrow(
      `${name} must be a number of milliseconds from 1 to 2147483647 (got ${value})`,
    );
  });

  it('refuses a value that String() cannot show, with InvalidRequestError', () => {
    for (const name of ['timeoutMs', 'retries', 'retryDelayMs']) {
      expect(() => createResellerClient({ ...base, [name]: Object.create(null) })).toThrow(InvalidRequestError);
    }
  });

  it('takes a fractional timeout as whole milliseconds, and calls work', async () => {
    const client = createResellerClient({ apiKey: sandbox.key, baseUrl: sandbox.url, timeoutMs: 5000.5 });
    expect((await client.getBalance()).currency).toBe('USD');
  });
});
