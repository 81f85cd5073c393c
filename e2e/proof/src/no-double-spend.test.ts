// No double spend: orders placed through the core client while the sandbox breaks RegisterOrder in every way it
// can. Each attempt has its own link, so every order in the sandbox can be traced to the attempt that placed it.
// For every attempt: "placed" means exactly that one order exists; a definite refusal means no order exists; an
// "unknown outcome" ("the order may have been placed") means at most one exists. The sandbox receives exactly one
// RegisterOrder per attempt (nothing is sent twice), and the money debited is exactly the price of the orders.
import {
  createResellerClient,
  isResellerError,
  priceOf,
  type ResellerClient,
  type Service,
  UnknownOutcomeError,
} from '@cappi-reseller/core';
import { type Fault, type SandboxOrder, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanaryWatch, captureOutput, countBy, formatCounts, makeCanaryKey, printFigures, runPool } from './support.js';

type Result = 'placed' | 'refused' | 'unknown';
interface Attempt {
  link: string;
  quantity: number;
  result: Result;
  code?: string;
  status?: number;
  orderId?: number;
}
interface Phase {
  name: string;
  attempts: number;
  rate: number;
  faults: Fault[];
  /** How many orders an "unknown outcome" of this phase must have left: exactly 0, exactly 1, or either. */
  unknownOrders: 0 | 1 | 'either';
  /** Error codes a definite refusal may have in this phase. */
  refusals: string[];
  /** Quantity for attempt i (default: the service's minimum). */
  quantity?: (index: number, service: Service) => number;
  client?: 'default' | 'short-timeout' | 'poor';
  /** Waits this long after the phase before counting (a delayed request is still handled after the timeout). */
  settleMs?: number;
}

const TIMEOUT_MS = 2_000;
const SHORT_TIMEOUT_MS = 300;
const PHASES: Phase[] = [
  {
    name: 'drop_after (order committed, connection dropped)',
    attempts: 500,
    rate: 0.2,
    faults: [{ kind: 'drop_after' }],
    unknownOrders: 1,
    refusals: [],
  },
  {
    name: 'drop_before (connection dropped, nothing handled)',
    attempts: 200,
    rate: 0.2,
    faults: [{ kind: 'drop_before' }],
    unknownOrders: 0,
    refusals: [],
  },
  {
    name: 'malformed (order committed, half a body)',
    attempts: 200,
    rate: 0.2,
    faults: [{ kind: 'malformed' }],
    unknownOrders: 1,
    refusals: [],
  },
  {
    name: '5xx (500, 503 + Retry-After: refusals; 502, 504: gateway, unknown)',
    attempts: 200,
    rate: 0.2,
    faults: [
      { kind: 'status', status: 500 },
      { kind: 'status', status: 503, retryAfterSeconds: 0 },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 504 },
    ],
    unknownOrders: 0,
    refusals: ['server'],
  },
  {
    name: '429 with Retry-After 0 (must not be retried)',
    attempts: 200,
    rate: 0.2,
    faults: [{ kind: 'rate_limit', retryAfterSeconds: 0 }],
    unknownOrders: 0,
    refusals: ['rate_limited'],
  },
  {
    name: 'latency past the client timeout (handled late)',
    attempts: 100,
    rate: 0.2,
    faults: [{ kind: 'latency', ms: SHORT_TIMEOUT_MS + 400 }],
    unknownOrders: 'either',
    refusals: [],
    client: 'short-timeout',
    settleMs: 1_000,
  },
  {
    name: 'refused by the service (quantity above max; insufficient funds)',
    attempts: 100,
    rate: 0,
    faults: [],
    unknownOrders: 0,
    refusals: ['invalid_request', 'insufficient_funds'],
    // Every third attempt asks for more than the service allows; the rest go through a key with a tiny balance.
    quantity: (index, service) => (index % 3 === 0 ? service.max + 1 : service.min),
    client: 'poor',
  },
  {
    name: 'everything at once',
    attempts: 300,
    rate: 0.2,
    faults: [
      { kind: 'drop_after' },
      { kind: 'drop_before' },
      { kind: 'malformed' },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 502 },
      { kind: 'status', status: 503, retryAfterSeconds: 1 },
      { kind: 'status', status: 504 },
      { kind: 'rate_limit', retryAfterSeconds: 1 },
    ],
    unknownOrders: 'either',
    refusals: ['server', 'rate_limited'],
  },
];

const { key, token } = makeCanaryKey();
const poor = makeCanaryKey();
const canary = new CanaryWatch(key, token);
const poorCanary = new CanaryWatch(poor.key, poor.token);
const output = captureOutput();
const NOW = Date.parse('2026-11-23T12:00:00Z');
const START_BALANCE = 100_000;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: Service;
/** Enough for 20 orders of the service's minimum quantity: the rest of the poor key's orders are refused. */
let poorBalance = 0;
const rows: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 5,
    // The clock stands still: orders stay pending, so no refund moves a balance while we count.
    clock: () => NOW,
    keys: [
      { key, balance: START_BALANCE },
      { key: poor.key, balance: 0 },
    ],
    validateResponses: true,
  });
  const priced = sandbox.catalog().filter((candidate) => candidate.rate !== undefined && candidate.max < 100_000);
  priced.sort((a, b) => (a.rate ?? 0) * a.min - (b.rate ?? 0) * b.min);
  service = priced[0] as Service;
  poorBalance = priceOf(service.rate as number, service.min) * 20;
  sandbox.setBalance(poor.key, poorBalance);
});

afterAll(async () => {
  output.stop();
  await sandbox?.stop();
});

function makeClient(kind: Phase['client']): ResellerClient {
  const options = {
    baseUrl: sandbox.url,
    // Reads would be retried; a RegisterOrder never is, whatever this says.
    retries: 5,
    retryDelayMs: 5,
    maxRetryAfterMs: 1_000,
  };
  if (kind === 'poor') return createResellerClient({ ...options, apiKey: poor.key, timeoutMs: TIMEOUT_MS });
  const timeoutMs = kind === 'short-timeout' ? SHORT_TIMEOUT_MS : TIMEOUT_MS;
  return createResellerClient({ ...options, apiKey: key, timeoutMs });
}

describe('no double spend: RegisterOrder under faults', () => {
  it.each(PHASES.map((phase) => [phase.name, phase] as const))('%s', async (_name, phase) => {
    const client = makeClient(phase.client);
    const watch = phase.client === 'poor' ? poorCanary : canary;
    const owner = phase.client === 'poor' ? poor.key : key;
    const slug = phase.name.split(' ')[0];
    const requestsBefore = sandbox.requests('RegisterOrder');
    const ordersBefore = sandbox.orders(owner).length;
    const attempts: Attempt[] = [];

    sandbox.faults.clear();
    if (phase.rate > 0) sandbox.faults.setRate(phase.rate, phase.faults, { operation: 'RegisterOrder' });
    await runPool(phase.attempts, 8, async (index) => {
      const link = `https://example.com/proof/${slug}/${index}`;
      const quantity = phase.quantity?.(index, service) ?? service.min;
      const order = { serviceId: service.service, link, quantity };
      try {
        const placed = await client.registerOrder(order);
        attempts.push({ link, quantity, result: 'placed', orderId: placed.orderId });
      } catch (thrown) {
        watch.error(phase.name, thrown);
        if (!isResellerError(thrown)) throw thrown;
        if (thrown instanceof UnknownOutcomeError) {
          // The error says what a person must know, and carries what is needed to check.
          expect(thrown.message).toContain('may have been placed');
          expect(thrown.order).toEqual(order);
          expect(Number.isNaN(Date.parse(thrown.sentAt))).toBe(false);
          attempts.push({ link, quantity, result: 'unknown', code: thrown.code });
        } else {
          attempts.push({
            link,
            quantity,
            result: 'refused',
            code: thrown.code,
            ...(thrown.status === undefined ? {} : { status: thrown.status }),
          });
        }
      }
    });
    sandbox.faults.clear();
    if (phase.settleMs !== undefined) await new Promise((resolve) => setTimeout(resolve, phase.settleMs));

    const requests = sandbox.requests('RegisterOrder') - requestsBefore;
    const orders = sandbox.orders(owner).slice(ordersBefore);
    const byLink = new Map<string, SandboxOrder[]>();
    for (const order of orders) byLink.set(order.link, [...(byLink.get(order.link) ?? []), order]);
    const results = countBy(attempts, (attempt) => attempt.result);
    const placed = results.placed ?? 0;
    const unknown = attempts.filter((attempt) => attempt.result === 'unknown');
    const unknownWithOrder = unknown.filter((attempt) => byLink.has(attempt.link)).length;
    const refused = attempts.filter((attempt) => attempt.result === 'refused');
    const broken: string[] = [];

    for (const attempt of attempts) {
      const found = byLink.get(attempt.link) ?? [];
      if (found.length > 1) broken.push(`${attempt.link}: ${found.length} orders`);
      if (attempt.result === 'placed' && (found.length !== 1 || found[0]?.orderId !== attempt.orderId)) {
        broken.push(`${attempt.link}: placed as ${attempt.orderId} but the sandbox has ${JSON.stringify(found)}`);
      }
      if (attempt.result === 'refused' && found.length !== 0) {
        broken.push(`${attempt.link}: refused (${attempt.code}) but the sandbox has an order`);
      }
      if (attempt.result === 'refused' && !phase.refusals.includes(attempt.code ?? '')) {
        broken.push(`${attempt.link}: unexpected refusal ${attempt.code}`);
      }
      if (attempt.result === 'unknown' && phase.unknownOrders !== 'either' && found.length !== phase.unknownOrders) {
        broken.push(`${attempt.link}: unknown outcome with ${found.length} orders, expected ${phase.unknownOrders}`);
      }
    }
    // No order came from anything but an attempt of this phase.
    const links = new Set(attempts.map((attempt) => attempt.link));
    for (const order of orders) if (!links.has(order.link)) broken.push(`stray order ${order.orderId}`);

    const ok = broken.length === 0 && requests === phase.attempts;
    rows.push(
      `${phase.name}: ${phase.attempts} attempts, RegisterOrder requests ${requests}; placed ${placed}, ` +
        `unknown outcome ${unknown.length} (${unknownWithOrder} with an order), ` +
        `refused ${refused.length}${refused.length > 0 ? ` (${formatCounts(countBy(refused, (attempt) => `${attempt.code}${attempt.status === undefined ? '' : ` ${attempt.status}`}`))})` : ''}; ` +
        `orders in the sandbox ${orders.length} ${orders.length === placed + unknownWithOrder ? '=' : '!='} placed ${placed} + unknown with an order ${unknownWithOrder}: ${ok ? 'holds' : 'BROKEN'}`,
    );

    expect(broken).toEqual([]);
    expect(requests).toBe(phase.attempts); // nothing sent twice, nothing lost
    expect(orders.length).toBe(placed + unknownWithOrder);
    if (phase.unknownOrders === 1) expect(orders.length).toBe(placed + unknown.length);
    if (phase.unknownOrders === 0) expect(orders.length).toBe(placed);
    // The fault really happened in this phase (a rate of 0.2 on >= 100 attempts).
    if (phase.rate > 0) expect(unknown.length + refused.length).toBeGreaterThan(phase.attempts * 0.1);
    if (phase.client === 'poor') expect(new Set(refused.map((attempt) => attempt.code)).size).toBe(2);
  });

  it('debits exactly the price of the orders in the sandbox, as core prices them', () => {
    const orders = sandbox.orders(key);
    const poorOrders = sandbox.orders(poor.key);
    for (const order of [...orders, ...poorOrders]) {
      expect(order.charge).toBe(priceOf(service.rate as number, order.quantity));
    }
    const cents = (amount: number) => Math.round(amount * 100);
    const charged = orders.reduce((sum, order) => sum + cents(order.charge), 0);
    const poorCharged = poorOrders.reduce((sum, order) => sum + cents(order.charge), 0);
    expect(cents(START_BALANCE) - cents(sandbox.balanceOf(key))).toBe(charged);
    expect(cents(poorBalance) - cents(sandbox.balanceOf(poor.key))).toBe(poorCharged);
    const attempts = PHASES.reduce((sum, phase) => sum + phase.attempts, 0);
    rows.push(
      `money: ${orders.length + poorOrders.length} orders for ${attempts} attempts, ` +
        `${((charged + poorCharged) / 100).toFixed(2)} USD debited = the sum of their prices (priceOf, cents)`,
    );
    printFigures('no double spend: RegisterOrder under faults (e2e/proof/src/no-double-spend.test.ts)', rows);
  });

  it('leaks neither key anywhere: errors, the client objects, printed output', () => {
    const printed = output.text();
    canary.text('stdout and stderr', printed);
    poorCanary.text('stdout and stderr', printed);
    canary.value('client', makeClient('default'));
    poorCanary.value('client', makeClient('poor'));
    printFigures('canary key, double-spend run', [canary.summary(), `second key: ${poorCanary.summary()}`]);
    expect(canary.leaks).toEqual([]);
    expect(poorCanary.leaks).toEqual([]);
  });
});
