// The money kernel with a real client against a real sandbox, over a ledger kept in memory (the SQLite and
// PostgreSQL stores run the same kernel in @cappi-reseller/ledger's suite).
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLedger, type MemoryLedger } from '../test/memory-ledger.js';
import { createResellerClient, type ResellerClient } from './client.js';
import type { SpendingPolicy } from './domain/spending.js';
import type { Service } from './domain/types.js';
import { createOrderGuard, type GuardedOrder, INTERRUPTED_DETAIL, recoverInterrupted } from './order-guard.js';

const KEY = 'sbx_canary_kernel_K3y_9f8e7d6c5b4a';
const ACCOUNT = 'a1b2c3d4e5f6';
const policy: SpendingPolicy = {
  maxOrderUsd: 10,
  dailyBudgetUsd: 2,
  allowServices: [],
  allowCategories: [],
  duplicateWindowMs: 600_000,
};

let sandbox: Sandbox;
let client: ResellerClient;
let service: Service;
let links = 0;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, validateResponses: true, keys: [{ key: KEY, balance: 1000 }] });
  client = createResellerClient({ apiKey: KEY, baseUrl: sandbox.url, timeoutMs: 30_000 });
  service = sandbox.catalog().find((s) => s.service === 199825) as Service; // 0.012 USD per unit, 1 to 100
});
afterEach(() => sandbox.faults.clear());
afterAll(() => sandbox.stop());

function guardOn(ledger: MemoryLedger, overrides: Partial<SpendingPolicy> = {}) {
  return createOrderGuard({
    ledger,
    policy: { ...policy, ...overrides },
    account: ACCOUNT,
    owner: 'test-host/1/abc',
    attemptOrder: (order) => client.attemptOrder(order),
    scrub: (text) => text.split(KEY).join('***'),
  });
}

/** An order of `quantity` units at 0.012 USD: 100 units cost 1.20 USD. */
function order(quantity = 100, extra: Partial<GuardedOrder> = {}): GuardedOrder {
  links += 1;
  return {
    order: { serviceId: service.service, link: `https://example.com/kernel/${links}`, quantity },
    service,
    priceCents: Math.round(quantity * 1.2),
    currency: 'USD',
    confirmDuplicate: false,
    ...extra,
  };
}

describe('createOrderGuard().place', () => {
  it('records the order as sending before it leaves, then as placed with its id', async () => {
    const ledger = createMemoryLedger();
    const guard = guardOn(ledger);
    let statusWhenSent: unknown;
    const watching = createOrderGuard({
      ledger,
      policy,
      account: ACCOUNT,
      owner: 'o',
      attemptOrder: (o) => {
        statusWhenSent = ledger.rows.at(-1)?.status;
        return client.attemptOrder(o);
      },
    });
    const result = await watching.place(order());
    expect(statusWhenSent).toBe('sending');
    expect(result).toMatchObject({ kind: 'placed', rowId: 1 });
    expect(ledger.rows[0]).toMatchObject({ status: 'placed', priceCents: 120, account: ACCOUNT });
    expect(ledger.rows[0]?.orderId).toBe(sandbox.orders(KEY).at(-1)?.orderId);
    expect(await guard.snapshot()).toMatchObject({ spentTodayCents: 120 });
  });

  it('counts an order still being sent: two at once with room for one place exactly one', async () => {
    const ledger = createMemoryLedger();
    const guard = guardOn(ledger); // 2.00 USD a day, each order 1.20 USD
    sandbox.faults.inject({ kind: 'latency', ms: 300 }, { operation: 'RegisterOrder', times: 2 });
    const before = sandbox.orders(KEY).length;
    const results = await Promise.all([guard.place(order()), guard.place(order())]);
    expect(results.map((r) => r.kind).sort()).toEqual(['placed', 'refused_by_policy']);
    const refused = results.find((r) => r.kind === 'refused_by_policy');
    expect(refused?.kind === 'refused_by_policy' && refused.refusal.kind).toBe('over_budget');
    expect(sandbox.orders(KEY).length).toBe(before + 1);
  });

  it('refuses an order whose price rose above the agreed one, with both prices, and sends nothing', async () => {
    const guard = guardOn(createMemoryLedger());
    const requests = sandbox.requests('RegisterOrder');
    const result = await guard.place(order(100, { agreedPriceCents: 12 }));
    expect(result).toMatchObject({ kind: 'refused_by_policy', refusal: { kind: 'price_rose' } });
    expect(result.kind === 'refused_by_policy' && result.refusal.message).toContain(
      'it was 0.12 USD, it is now 1.20 USD',
    );
    expect(sandbox.requests('RegisterOrder')).toBe(requests);
  });

  it('sends nothing when the intent cannot be written (a full disk, a lost database)', async () => {
    const ledger = createMemoryLedger('/var/lib/cappi/ledger.sqlite');
    ledger.fail.reserve = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const requests = sandbox.requests('RegisterOrder');
    const result = await guardOn(ledger).place(order());
    expect(result).toEqual({
      kind: 'ledger_unavailable',
      message:
        'nothing was placed: the order ledger /var/lib/cappi/ledger.sqlite cannot be used (database or disk is full)',
    });
    expect(sandbox.requests('RegisterOrder')).toBe(requests);
  });

  it.each([
    ['a price that is not a number', { priceCents: Number.NaN }],
    ['a negative price', { priceCents: -500 }],
    ['a charge that is text', { chargedCents: '12' }],
    ['an unknown status', { status: 'maybe' }],
    ['a placed order without an id', { status: 'placed', orderId: null }],
  ])('fails closed on a damaged row (%s): nothing is sent, the row is named', async (_what, damage) => {
    const ledger = createMemoryLedger('/data/ledger.sqlite');
    const guard = guardOn(ledger, { dailyBudgetUsd: 1000 });
    await guard.place(order(10));
    Object.assign(ledger.rows[0] as object, damage);
    const requests = sandbox.requests('RegisterOrder');
    const result = await guard.place(order(10));
    expect(result.kind).toBe('ledger_unavailable');
    expect(result.kind === 'ledger_unavailable' && result.message).toMatch(
      /^nothing was placed: the order ledger \/data\/ledger\.sqlite is damaged: row 1 has \w+ /,
    );
    expect(sandbox.requests('RegisterOrder')).toBe(requests);
    await expect(guard.checkQuote(service, 120)).rejects.toThrow(/row 1/);
  });

  it('records an unknown outcome as unknown: counted, and an identical order is refused as a duplicate', async () => {
    const ledger = createMemoryLedger();
    const guard = guardOn(ledger, { dailyBudgetUsd: 100 });
    sandbox.faults.inject({ kind: 'drop_after' }, { operation: 'RegisterOrder' });
    const first = order(50);
    const result = await guard.place(first);
    expect(result.kind).toBe('unknown');
    expect(ledger.rows[0]).toMatchObject({ status: 'unknown', priceCents: 60 });
    expect(String(ledger.rows[0]?.detail)).toMatch(/^the order may have been placed/);
    const again = await guard.place({ ...first });
    expect(again).toMatchObject({ kind: 'refused_by_policy', refusal: { kind: 'duplicate' } });
    expect(await guard.check({ ...first })).toMatchObject({ kind: 'duplicate' });
    expect(await guard.check({ ...first, confirmDuplicate: true })).toBeUndefined();
    expect((await guard.snapshot()).spentTodayCents).toBe(60);
  });

  it('an outcome that cannot be written leaves the row "sending" (still counted) and says so', async () => {
    const ledger = createMemoryLedger('/data/ledger.sqlite');
    ledger.fail.settle = new Error('disk I/O error');
    const guard = guardOn(ledger);
    const result = await guard.place(order());
    expect(result.kind).toBe('placed');
    expect('ledgerWarning' in result && result.ledgerWarning).toContain(
      'the outcome could not be written to the order ledger (the order ledger /data/ledger.sqlite cannot be used (disk I/O error))',
    );
    expect(ledger.rows[0]?.status).toBe('sending');
    expect((await guard.snapshot()).spentTodayCents).toBe(120);
  });

  it('writes service names scrubbed: an upstream that echoes the key never puts it in the ledger', async () => {
    const ledger = createMemoryLedger();
    const echoing = { ...service, name: `Likes (key ${KEY})` };
    await guardOn(ledger).place({ ...order(), service: echoing });
    expect(JSON.stringify(ledger.rows)).not.toContain(KEY);
    expect(ledger.rows[0]?.serviceName).toBe('Likes (key ***)');
  });
});

describe('recoverInterrupted', () => {
  it('turns the rows of a gone process from sending into unknown, and leaves a live one alone', async () => {
    const ledger = createMemoryLedger();
    const guard = guardOn(ledger, { dailyBudgetUsd: 100 });
    await guard.place(order(10));
    Object.assign(ledger.rows[0] as object, { status: 'sending', orderId: null, owner: 'gone' });
    await guard.place(order(20));
    Object.assign(ledger.rows[1] as object, { status: 'sending', orderId: null, owner: 'alive' });
    const recovered = await recoverInterrupted(ledger, (row) => row.owner === 'gone');
    expect(recovered).toEqual([expect.objectContaining({ id: 1, quantity: 10, priceCents: 12 })]);
    expect(ledger.rows.map((row) => row.status)).toEqual(['unknown', 'sending']);
    expect(ledger.rows[0]?.detail).toBe(INTERRUPTED_DETAIL);
    expect((await guard.snapshot()).spentTodayCents).toBe(36); // both still count
  });
});
