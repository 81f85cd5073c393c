// Create Order's Spending Limits (Max Price per Order, Allowed Services, Allowed Categories) and the rule that an
// AI Agent's tool call spends nothing without a Max Price, run through the node inside n8n's own execution
// contexts against a sandbox over HTTP: a refusal sends nothing, an order within the limits is placed.
import { randomBytes } from 'node:crypto';
import { type Sandbox, type Service, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatUsd, priceOf } from '../nodes/shared/core/domain/quote';
import { NODE_TYPE, type NodeSetup, runNode } from './n8n-execution';

// A canary key: random, so that a leak cannot be mistaken for anything else.
const KEY = `sbx_canary_${randomBytes(12).toString('hex')}`;
let sandbox: Sandbox;
/** A priced service whose minimum order costs at least 0.02 USD, so a cap can sit just below its price. */
let service: Service & { rate: number };
let price: number;
let otherCategory: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, keys: [{ key: KEY, balance: 100_000 }], validateResponses: true });
  const priced = sandbox.catalog().filter((s): s is Service & { rate: number } => typeof s.rate === 'number');
  const found = priced.find((s) => priceOf(s.rate, s.min) >= 0.02 && priceOf(s.rate, s.min) <= 50);
  if (found === undefined) throw new Error('the sandbox catalog has no service priced between 0.02 and 50 USD');
  service = found;
  price = priceOf(service.rate, service.min);
  otherCategory = sandbox.catalog().find((s) => s.category !== service.category)?.category ?? '';
  expect(otherCategory).not.toBe('');
});
afterAll(() => sandbox.stop());

let registerOrdersBefore = 0;
let ordersBefore = 0;
beforeEach(() => {
  registerOrdersBefore = sandbox.requests('RegisterOrder');
  ordersBefore = sandbox.orders(KEY).length;
});
const sent = () => sandbox.requests('RegisterOrder') - registerOrdersBefore;
const placed = () => sandbox.orders(KEY).length - ordersBefore;

function createOrder(limits: Record<string, unknown> | undefined, extra: Partial<NodeSetup> = {}): NodeSetup {
  return {
    credential: { apiKey: KEY, baseUrl: sandbox.url },
    parameters: {
      resource: 'order',
      operation: 'create',
      serviceId: { __rl: true, mode: 'id', value: String(service.service) },
      link: 'https://example.com/post/limits',
      quantity: service.min,
      ...(limits === undefined ? {} : { limits }),
    },
    ...extra,
  } as NodeSetup;
}

describe('Create Order: Max Price per Order', () => {
  it('refuses an order above it, naming both prices, and sends nothing', async () => {
    const cap = Math.floor((price - 0.01) * 100) / 100;
    const { error } = await runNode(createOrder({ maxOrderUsd: cap }));
    expect(error?.message).toBe(
      `This order costs ${formatUsd(price)}, above the Max Price per Order (USD) of ${formatUsd(cap)} set on this node. No order was sent: order a smaller quantity, or raise the limit.`,
    );
    expect(error?.name).toBe('NodeOperationError');
    expect((error as { description?: string }).description).toBe(
      'Refused by the checks made before sending: nothing was placed or charged.',
    );
    expect(sent()).toBe(0);
  });

  it('places an order that costs exactly the limit', async () => {
    const { items, error } = await runNode(createOrder({ maxOrderUsd: price }));
    expect(error).toBeUndefined();
    expect(items?.[0]?.json).toMatchObject({ serviceId: service.service, estimatedCost: price });
    expect(sent()).toBe(1);
    expect(placed()).toBe(1);
  });

  it('fails closed on a limit it cannot read', async () => {
    const { error } = await runNode(createOrder({ maxOrderUsd: 'ten dollars' }));
    expect(error?.message).toBe(
      'Max Price per Order (USD) must be a number of USD, 0 or more; got "ten dollars". No order was sent.',
    );
    expect(sent()).toBe(0);
  });
});

describe('Create Order: Allowed Services and Allowed Categories', () => {
  it('refuses a service that is on neither list', async () => {
    const { error } = await runNode(createOrder({ allowServices: '1, 2', allowCategories: [otherCategory] }));
    expect(error?.message).toBe(
      `Service ${service.service} (${service.category}) is not allowed by the Spending Limits of this node (Allowed Services: 1, 2; Allowed Categories: ${otherCategory}). No order was sent: pick an allowed service, or change the limits.`,
    );
    expect(sent()).toBe(0);
  });

  it('places an order for a listed service, or for a service of a listed category (any case)', async () => {
    const byService = await runNode(createOrder({ allowServices: `1, ${service.service}` }));
    expect(byService.error).toBeUndefined();
    const byCategory = await runNode(createOrder({ allowCategories: [service.category.toUpperCase()] }));
    expect(byCategory.error).toBeUndefined();
    expect(placed()).toBe(2);
  });

  it('refuses Allowed Services that are not service IDs', async () => {
    const { error } = await runNode(createOrder({ allowServices: `${service.service}, steam` }));
    expect(error?.message).toBe(
      'Allowed Services must be service IDs separated by commas, e.g. 199825, 199826; "steam" is not a service ID. No order was sent.',
    );
    expect(sent()).toBe(0);
  });

  it('under Continue On Fail, a refused item is an error item and the others are placed', async () => {
    // The limit is an expression, so each item can carry its own.
    const setup = createOrder({ maxOrderUsd: '={{ $json.cap }}' }, { onError: 'continueRegularOutput' });
    setup.items = [{ cap: price }, { cap: 0.01 }, { cap: price }];
    const { items } = await runNode(setup);
    expect(items?.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
    expect(typeof items?.[0]?.json.orderId).toBe('number');
    expect(items?.[1]?.json).toMatchObject({
      error: `This order costs ${formatUsd(price)}, above the Max Price per Order (USD) of 0.01 USD set on this node. No order was sent: order a smaller quantity, or raise the limit.`,
      details: {
        description: expect.stringContaining(
          'Refused by the checks made before sending: nothing was placed or charged.',
        ),
        code: 'invalid_request',
      },
    });
    expect(items?.[1]?.json.orderId).toBeUndefined();
    expect(typeof items?.[2]?.json.orderId).toBe('number');
    expect(sent()).toBe(2);
  });
});

describe("Create Order as an AI Agent's tool", () => {
  it('refuses to spend without a Max Price per Order, saying why and how to set it', async () => {
    for (const runAs of ['tool', 'engineTool'] as const) {
      const { error } = await runNode(createOrder({ allowServices: String(service.service) }, { runAs }));
      expect(error?.message, runAs).toBe(
        'No order was sent: this node is running as the tool of an AI Agent, and an agent may only spend within a limit a person chose. Set Spending Limits > Max Price per Order (USD) on this Create Order node (Add Limit) to let the agent place orders up to that price.',
      );
    }
    expect(sent()).toBe(0);
  });

  it("also believes the context when it says it runs a tool (isToolExecution), whatever the node's type", async () => {
    const { error } = await runNode(createOrder(undefined, { runAs: 'tool', nodeType: NODE_TYPE }));
    expect(error?.message).toContain('this node is running as the tool of an AI Agent');
    expect(sent()).toBe(0);
  });

  it('places an order within the Max Price per Order someone set', async () => {
    const { items, error } = await runNode(createOrder({ maxOrderUsd: price }, { runAs: 'tool' }));
    expect(error).toBeUndefined();
    expect(items?.[0]?.json).toMatchObject({ serviceId: service.service });
    const over = await runNode(createOrder({ maxOrderUsd: price / 2 }, { runAs: 'tool' }));
    expect(over.error?.message).toContain('above the Max Price per Order (USD)');
    expect(sent()).toBe(1);
    expect(placed()).toBe(1);
  });

  it('a workflow step without limits still orders (the rule is for agents)', async () => {
    const { error } = await runNode(createOrder(undefined));
    expect(error).toBeUndefined();
    expect(placed()).toBe(1);
  });
});
