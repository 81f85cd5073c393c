// The SDK surface of issue 11, over real HTTP against the sandbox: errors that say what to do and which request it
// was, per-call timeouts and retries, the answer's status and headers, and a log that never shows the key.
import { inspect } from 'node:util';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createResellerClient, type ResellerClientOptions } from './client.js';
import { isResellerError } from './domain/errors.js';
import { priceOf } from './domain/quote.js';
import type { Service } from './domain/types.js';

// A key with ' and a space: the forms the URL parser writes differently from every other encoder.
const KEY = "canary-it's a/K3y+&=%25~";
const POOR_KEY = 'poor-canary-0123456789';
const TRACE_ID = /^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/;

let sandbox: Sandbox;
let cheap: Service;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    validateResponses: true,
    keys: [
      { key: KEY, balance: 1000 },
      { key: POOR_KEY, balance: 0.01 },
    ],
  });
  cheap = sandbox
    .catalog()
    .filter((service) => service.rate !== undefined && service.rate > 0 && service.max > service.min)
    .sort((a, b) => (a.rate ?? 0) * a.min - (b.rate ?? 0) * b.min)[0] as Service;
});

afterEach(() => sandbox.faults.clear());
afterAll(() => sandbox.stop());

function clientFor(options: Partial<ResellerClientOptions> = {}) {
  return createResellerClient({ apiKey: KEY, baseUrl: sandbox.url, timeoutMs: 5000, retryDelayMs: 1, ...options });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, it succeeded');
}

function expectNoKey(value: unknown): void {
  const shown = `${JSON.stringify(value)}\n${inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true })}`;
  for (const form of [KEY, encodeURIComponent(KEY), new URL(`http://h/?key=${KEY}`).search.slice(5)]) {
    expect(shown).not.toContain(form);
  }
}

describe('errors carry what a caller needs', () => {
  it('an authentication error narrows on code and carries status, request id and redacted headers', async () => {
    const error = await caught(clientFor({ apiKey: 'wrong-canary-key-000' }).getBalance());
    if (!isResellerError(error) || error.code !== 'authentication') throw new Error(`unexpected ${String(error)}`);
    expect(error.name).toBe('AuthenticationError');
    expect(error.status).toBe(401);
    expect(error.requestId).toMatch(TRACE_ID);
    expect(error.headers?.['content-type']).toMatch(/^application\/problem\+json/);
    expect(error.toJSON()).toMatchObject({ code: 'authentication', status: 401, requestId: error.requestId });
  });

  it('registerOrder refused for funds says the balance and the cost', async () => {
    const poor = clientFor({ apiKey: POOR_KEY });
    const quantity = cheap.max;
    const error = await caught(
      poor.registerOrder({ serviceId: cheap.service, link: 'https://example.com/p/1', quantity }),
    );
    if (!isResellerError(error) || error.code !== 'insufficient_funds') throw new Error(`unexpected ${String(error)}`);
    expect(error.balance).toBe(0.01);
    expect(error.cost).toBe(priceOf(cheap.rate ?? 0, quantity));
    expect(error.currency).toBe('USD');
    expect(error.status).toBe(200);
    expect(error.message).toContain(`balance is 0.01 USD, this order costs ${error.cost?.toFixed(2)} USD`);
    expect(sandbox.orders().filter((order) => order.quantity === quantity)).toEqual([]);
  });

  it('attemptOrder refused for quantity says the allowed min and max', async () => {
    const outcome = await clientFor().attemptOrder({
      serviceId: cheap.service,
      link: 'https://example.com/p/2',
      quantity: cheap.max + 1,
    });
    if (outcome.kind !== 'refused' || outcome.error.code !== 'invalid_request') throw new Error(outcome.kind);
    expect(outcome.error).toMatchObject({ field: 'quantity', min: cheap.min, max: cheap.max });
    expect(outcome.error.message).toContain(`(allowed: ${cheap.min} to ${cheap.max})`);
  });

  it('an unknown outcome carries the order, the moment of sending and the answer it got', async () => {
    sandbox.faults.inject({ kind: 'status', status: 500, afterCommit: true }, { operation: 'RegisterOrder' });
    const order = { serviceId: cheap.service, link: 'https://example.com/p/3', quantity: cheap.min };
    const error = await caught(clientFor().registerOrder(order));
    if (!isResellerError(error) || error.code !== 'unknown_outcome') throw new Error(`unexpected ${String(error)}`);
    expect(error.order).toEqual(order);
    expect(Date.parse(error.sentAt)).not.toBeNaN();
    expect(error.status).toBe(500);
    expect(error.requestId).toMatch(TRACE_ID);
    expectNoKey(error);
  });
});

describe('per-call options', () => {
  it('retries: a read retried as often as the call says, whatever the client says', async () => {
    const client = clientFor({ retries: 5 });
    sandbox.faults.inject({ kind: 'status', status: 503 }, { times: 10, operation: 'Balance' });
    const before = sandbox.requests('Balance');
    const error = await caught(client.getBalance({ retries: 1 }));
    expect(isResellerError(error) && error.code).toBe('server');
    expect(sandbox.requests('Balance') - before).toBe(2);
    sandbox.faults.clear();
    sandbox.faults.inject({ kind: 'status', status: 503 }, { times: 1, operation: 'Balance' });
    expect(await client.getBalance({ retries: undefined })).toEqual({ balance: expect.any(Number), currency: 'USD' });
  });

  it('timeoutMs: one call has its own time limit', async () => {
    sandbox.faults.inject({ kind: 'latency', ms: 3000 }, { operation: 'Balance' });
    const error = await caught(clientFor({ timeoutMs: 60_000 }).getBalance({ timeoutMs: 50, retries: 0 }));
    if (!isResellerError(error) || error.code !== 'timeout') throw new Error(`unexpected ${String(error)}`);
    expect(error.timeoutMs).toBe(50);
  });

  it('an order refuses a retry count, and sends nothing', async () => {
    const before = sandbox.requests('RegisterOrder');
    const order = { serviceId: cheap.service, link: 'https://example.com/p/4', quantity: cheap.min };
    const options = { retries: 2 } as never;
    const error = await caught(clientFor().registerOrder(order, options));
    expect(isResellerError(error) && error.code).toBe('invalid_request');
    expect((error as Error).message).toContain('retries cannot be set for an order');
    const outcome = await clientFor().attemptOrder(order, options);
    expect(outcome.kind).toBe('not_placed');
    expect(sandbox.requests('RegisterOrder')).toBe(before);
  });

  it('a bad per-call timeout is a clear sentence, and nothing is sent', async () => {
    const before = sandbox.requests('Balance');
    const error = await caught(clientFor().getBalance({ timeoutMs: -1 }));
    expect((error as Error).message).toBe('timeoutMs must be a number of milliseconds from 1 to 2147483647 (got -1)');
    expect(sandbox.requests('Balance')).toBe(before);
  });
});

describe('withResponse', () => {
  it('gives the parsed answer with its status and headers, from one request', async () => {
    const before = sandbox.requests('Balance');
    const { data, response } = await clientFor().getBalance().withResponse();
    expect(data).toEqual({ balance: expect.any(Number), currency: 'USD' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(sandbox.requests('Balance')).toBe(before + 1);
    const placed = await clientFor()
      .registerOrder({ serviceId: cheap.service, link: 'https://example.com/p/5', quantity: cheap.min })
      .withResponse();
    expect(placed.data.orderId).toBeGreaterThan(0);
    expect(placed.response.status).toBe(200);
    expectNoKey(placed);
  });

  it('rejects withResponse() like the call itself', async () => {
    const error = await caught(clientFor().getOrderStatus(999_999_999).withResponse());
    expect(isResellerError(error) && error.code).toBe('not_found');
  });
});

describe('logging', () => {
  function collect() {
    const lines: { level: string; message: string }[] = [];
    const at = (level: string) => (message: string) => lines.push({ level, message });
    return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
  }

  it('logs each request at debug and every retry at warn, never the key', async () => {
    const { lines, logger } = collect();
    sandbox.faults.inject({ kind: 'status', status: 503 }, { times: 1, operation: 'Balance' });
    await clientFor({ logger, logLevel: 'debug' }).getBalance();
    await caught(clientFor({ logger, logLevel: 'debug' }).getOrderStatus(999_999_999));
    expect(lines.map((line) => line.level)).toContain('warn');
    expect(lines.some((line) => line.level === 'debug' && line.message.includes('GET /Balance'))).toBe(true);
    expect(lines.some((line) => line.level === 'error' && line.message.includes('999999999'))).toBe(true);
    expectNoKey(lines);
  });

  it('is off unless asked; CAPPI_LOG turns it on where the runtime has an environment', async () => {
    const quiet = collect();
    const previous = process.env.CAPPI_LOG;
    try {
      delete process.env.CAPPI_LOG;
      await clientFor({ logger: quiet.logger }).getBalance();
      expect(quiet.lines).toEqual([]); // a logger alone logs warnings and errors only
      const loud = collect();
      process.env.CAPPI_LOG = 'debug';
      await clientFor({ logger: loud.logger }).getBalance();
      expect(loud.lines.filter((line) => line.level === 'debug')).not.toEqual([]);
      const overridden = collect();
      await clientFor({ logger: overridden.logger, logLevel: 'off' }).getBalance();
      expect(overridden.lines).toEqual([]);
    } finally {
      if (previous === undefined) delete process.env.CAPPI_LOG;
      else process.env.CAPPI_LOG = previous;
    }
  });

  it('a logger that throws does not fail the call', async () => {
    const broken = () => {
      throw new Error('disk full');
    };
    const client = clientFor({
      logger: { debug: broken, info: broken, warn: broken, error: broken },
      logLevel: 'debug',
    });
    expect(await client.getBalance()).toMatchObject({ currency: 'USD' });
  });
});
