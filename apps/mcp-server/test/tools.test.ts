// Every tool and resource, through a real MCP client talking to a spawned server over stdio, against the sandbox.
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY,
  LINK,
  leaks,
  quoteAndOrder,
  resourceText,
  type Spawned,
  STEAM_LIKES,
  spawnServer,
  startTestSandbox,
  textOf,
} from './helpers.js';

let sandbox: Sandbox;
let server: Spawned;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  server = await spawnServer({ sandbox });
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

describe('tools/list', () => {
  it('lists the five tools, each with a title, a description, schemas and honest annotations', async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'get_balance',
      'get_order_status',
      'list_services',
      'quote_order',
      'register_order',
    ]);
    for (const tool of tools) {
      expect(tool.title).toBeTruthy();
      expect(tool.description?.length).toBeGreaterThan(40);
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.inputSchema.type).toBe('object');
    }
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    for (const name of ['get_balance', 'list_services', 'get_order_status']) {
      expect(byName[name]).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    }
    expect(byName.quote_order).toMatchObject({ readOnlyHint: true });
    expect(byName.register_order).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
  });

  it('stays under 6,000 characters', async () => {
    const size = JSON.stringify(await server.client.listTools()).length;
    expect(size).toBeLessThan(6_000);
  });
});

describe('get_balance', () => {
  it('answers the balance and currency, structured and as text', async () => {
    const result = await server.call('get_balance');
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ balance: sandbox.balanceOf(CANARY), currency: 'USD' });
    expect(textOf(result)).toContain(`Balance: ${sandbox.balanceOf(CANARY).toFixed(2)} USD`);
  });
});

describe('list_services', () => {
  it('answers a search with compact rows and the categories that matched, under 8,000 characters', async () => {
    const result = await server.call('list_services', { query: 'steam like' });
    expect(result.isError).toBeFalsy();
    const content = result.structuredContent as {
      services: Record<string, unknown>[];
      categories: { category: string; count: number }[];
      total: number;
    };
    expect(content.services.length).toBeGreaterThan(0);
    expect(content.services[0]).toMatchObject({ id: STEAM_LIKES, category: 'Steam', rate: 0.012, min: 1, max: 100 });
    for (const row of content.services)
      expect(Object.keys(row).sort()).toEqual(['category', 'id', 'max', 'min', 'name', 'rate']);
    expect(content.categories[0]?.category).toBe('Steam');
    expect(JSON.stringify(result).length).toBeLessThan(8_000);
  });

  it('pages with a cursor through the whole catalog', async () => {
    const first = await server.call('list_services', {});
    const firstContent = first.structuredContent as { services: { id: number }[]; total: number; next_cursor: string };
    expect(firstContent.total).toBe(sandbox.catalog().length);
    expect(firstContent.services).toHaveLength(20);
    expect(JSON.stringify(first).length).toBeLessThan(8_000);
    const second = await server.call('list_services', { cursor: firstContent.next_cursor, limit: 5 });
    const ids = (second.structuredContent as { services: { id: number }[] }).services.map((row) => row.id);
    expect(ids).toEqual(
      sandbox
        .catalog()
        .slice(20, 25)
        .map((service) => service.service),
    );
  });

  it('gives descriptions only when asked', async () => {
    const withDesc = sandbox.catalog().find((service) => service.desc);
    const result = await server.call('list_services', { query: String(withDesc?.service), include_description: true });
    expect((result.structuredContent as { services: { desc?: string }[] }).services[0]?.desc).toBeTruthy();
  });

  it('never answers more than 100,000 characters, whatever the arguments', async () => {
    const result = await server.call('list_services', { limit: 50, include_description: true });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result).length).toBeLessThanOrEqual(100_000);
  });

  it('names the categories when nothing matches', async () => {
    const result = await server.call('list_services', { query: 'zzzqqq nothing like this' });
    expect(result.structuredContent?.total).toBe(0);
    expect(textOf(result)).toMatch(/No service matches\. Categories: .*Steam/);
  });

  it('refuses a bad cursor with a sentence', async () => {
    const result = await server.call('list_services', { cursor: 'nope' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('cursor "nope" is not valid here');
  });

  it('fetches the catalog once and serves searches from the cache', async () => {
    const before = sandbox.requests('ServicesList');
    await server.call('list_services', { query: 'tiktok' });
    await server.call('list_services', { category: 'Instagram' });
    await server.call('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 10 });
    expect(sandbox.requests('ServicesList')).toBe(before);
    expect(before).toBe(1);
  });
});

describe('quote_order', () => {
  it('prices an order against the catalog and the balance, spending nothing', async () => {
    const orders = sandbox.orders().length;
    const result = await server.call('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 100 });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      service_id: STEAM_LIKES,
      quantity: 100,
      link: LINK,
      price: 1.2,
      currency: 'USD',
      balance: sandbox.balanceOf(CANARY),
    });
    expect(result.structuredContent?.quote_id).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(textOf(result)).toContain('for 1.20 USD');
    expect(sandbox.orders()).toHaveLength(orders);
  });

  it('says which limit a quantity breaks', async () => {
    const service = sandbox.catalog().find((s) => s.min >= 10);
    const result = await server.call('quote_order', { service_id: service?.service, link: LINK, quantity: 5 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(
      `quantity 5 is below the minimum of ${service?.min} for service ${service?.service}`,
    );
  });

  it('says when the service does not exist', async () => {
    const result = await server.call('quote_order', { service_id: 1, link: LINK, quantity: 5 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/service 1\b/);
  });

  it('says when the balance does not cover the price', async () => {
    const balance = sandbox.balanceOf(CANARY);
    sandbox.setBalance(CANARY, 0.5);
    try {
      const result = await server.call('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 100 });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('insufficient funds: balance is 0.50 USD, this order costs 1.20 USD');
    } finally {
      sandbox.setBalance(CANARY, balance);
    }
  });

  it('rejects input outside the schema limits', async () => {
    const result = await server.call('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 0 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('quantity');
  });
});

describe('register_order and get_order_status', () => {
  it('places a quoted order once, records it, and follows it to the end with progress notifications', async () => {
    const balance = sandbox.balanceOf(CANARY);
    const link = `${LINK}&story=1`;
    const { placed } = await quoteAndOrder(server, { service_id: STEAM_LIKES, link, quantity: 50 });
    expect(placed.isError).toBeFalsy();
    const orderId = placed.structuredContent?.order_id as number;
    expect(placed.structuredContent).toMatchObject({ charge: 0.6, currency: 'USD', quantity: 50, link });
    expect(sandbox.orders().filter((order) => order.orderId === orderId)).toHaveLength(1);
    expect(sandbox.balanceOf(CANARY)).toBeCloseTo(balance - 0.6, 2);
    expect((await server.ledger()).at(-1)).toMatchObject({
      orderId,
      status: 'placed',
      serviceId: STEAM_LIKES,
      link,
      quantity: 50,
      priceCents: 60,
    });

    const progress: Progress[] = [];
    const status = await server.call('get_order_status', { order_id: orderId, wait_seconds: 20 }, (p) =>
      progress.push(p),
    );
    expect(status.isError).toBeFalsy();
    expect(status.structuredContent).toMatchObject({ order_id: orderId, final: true, quantity: 50 });
    expect(['completed', 'partial']).toContain(status.structuredContent?.state);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, index) => index + 1));
    expect(progress[0]?.message).toContain(`order ${orderId}`);

    const again = await server.call('get_order_status', { order_id: orderId });
    expect(again.structuredContent?.state).toBe(status.structuredContent?.state);
  });

  it('answers the state reached when the wait runs out, without an error', async () => {
    // A sandbox whose orders take a minute: the wait must end on time, with the order still running.
    const slow = await startSandbox({
      keys: [{ key: CANARY, balance: 10 }],
      orderTiming: { pendingMs: 0, deliveryMs: 60_000 },
    });
    const other = await spawnServer({ sandbox: slow });
    try {
      const { placed } = await quoteAndOrder(other, { service_id: STEAM_LIKES, link: LINK, quantity: 20 });
      // "On time" on a busy machine: the 2 s wait plus a margin derived from a status read measured here.
      const measured = Date.now();
      await other.call('get_order_status', { order_id: placed.structuredContent?.order_id });
      const marginMs = 1000 + 10 * (Date.now() - measured);
      const started = Date.now();
      const progress: Progress[] = [];
      const result = await other.call(
        'get_order_status',
        { order_id: placed.structuredContent?.order_id, wait_seconds: 2 },
        (p) => progress.push(p),
      );
      expect(Date.now() - started).toBeLessThan(2_000 + marginMs);
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ final: false, state: 'in_progress' });
      expect(textOf(result)).toContain('Not final after 2 s; call again');
      expect(progress.length).toBeGreaterThanOrEqual(1);
    } finally {
      await other.close();
      await slow.stop();
    }
  });

  it('says when an order does not exist', async () => {
    const result = await server.call('get_order_status', { order_id: 999_999_999 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/999999999/);
  });
});

describe('resources', () => {
  it('lists the categories and one resource per category, and reads them', async () => {
    const { resources } = await server.client.listResources();
    const uris = resources.map((resource) => resource.uri);
    expect(uris).toContain('cappi://catalog/categories');
    expect(uris).toContain('cappi://catalog/category/Steam');
    const read = await server.client.readResource({ uri: 'cappi://catalog/category/Steam' });
    server.seen.push(JSON.stringify(read));
    const body = JSON.parse(resourceText(read)) as { services: { id: number; category: string }[] };
    expect(body.services.length).toBeGreaterThan(0);
    expect(body.services.every((row) => row.category === 'Steam')).toBe(true);
    expect(JSON.stringify(read).length).toBeLessThanOrEqual(100_000);
  });

  it('reads an order through the order template, and lists the orders placed', async () => {
    const orderId = (await server.ledger()).at(-1)?.orderId as number;
    const { resourceTemplates } = await server.client.listResourceTemplates();
    expect(resourceTemplates.map((template) => template.uriTemplate)).toContain('cappi://orders/{orderId}');
    const { resources } = await server.client.listResources();
    expect(resources.map((resource) => resource.uri)).toContain(`cappi://orders/${orderId}`);
    const read = await server.client.readResource({ uri: `cappi://orders/${orderId}` });
    server.seen.push(JSON.stringify(read));
    expect(JSON.parse(resourceText(read))).toMatchObject({ orderId, currency: 'USD' });
  });
});

describe('the key', () => {
  it('appears in no answer, resource, ledger row or stderr output', async () => {
    await server.ledger();
    expect(server.seen.length).toBeGreaterThan(10);
    for (const answer of server.seen) expect(leaks(answer)).toBe(false);
    expect(server.stderr()).toContain('ready on stdio');
    expect(leaks(server.stderr())).toBe(false);
  });
});
