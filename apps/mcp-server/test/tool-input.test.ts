// Tool arguments are as strict as the API and refused in sentences: ids and quantities within the API's 32-bit
// integer, unknown arguments named, a quantity explained with its service's own limits, field names as the model
// sees them. Through a real MCP client on a spawned server (stdio), against the sandbox.
import type { Sandbox } from '@cappi-reseller/sandbox';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY,
  LINK,
  removeDir,
  type Spawned,
  STEAM_LIKES,
  spawnServer,
  startTestSandbox,
  type ToolAnswer,
  tempDir,
  textOf,
} from './helpers.js';
import { startHttpServer, stopAll } from './http-helpers.js';

const INT32_MAX = 2_147_483_647;

let sandbox: Sandbox;
let server: Spawned;
/** A service of the sandbox whose minimum is above 1, so a small quantity is refused by the service, not the type. */
let bulk: { service: number; min: number; max: number };

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const found = sandbox.catalog().find((service) => service.min >= 10 && service.max < INT32_MAX);
  if (found === undefined) throw new Error('the sandbox catalog has no service with a minimum of 10 or more');
  bulk = found;
  server = await spawnServer({ sandbox, args: ['--allow-unquoted-orders'] });
});

afterAll(async () => {
  await stopAll();
  await server?.close();
  await sandbox?.stop();
});

/** The refusal of a call, checked to be a sentence of ours (never zod's words) that the key cannot be in. */
async function refusal(name: string, args: Record<string, unknown>): Promise<string> {
  const answer = await server.call(name, args);
  expect(answer.isError, JSON.stringify(answer)).toBe(true);
  const text = textOf(answer);
  expect(text).not.toMatch(/Input validation error|Too (small|big)|expected (number|string)|Unrecognized key/);
  return text;
}

describe('tools/list shows the bounds and that no other argument is taken', () => {
  it('ids and quantities go up to 2147483647; every input schema forbids unknown arguments', async () => {
    const { tools } = await server.client.listTools();
    const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool.inputSchema]));
    for (const schema of Object.values(byName)) expect(schema.additionalProperties).toBe(false);
    const bound = (tool: string, field: string) =>
      (byName[tool]?.properties?.[field] as { maximum?: number; minimum?: number } | undefined) ?? {};
    expect(bound('quote_order', 'quantity')).toMatchObject({ minimum: 1, maximum: INT32_MAX });
    expect(bound('quote_order', 'service_id')).toMatchObject({ minimum: 1, maximum: INT32_MAX });
    expect(bound('register_order', 'quantity')).toMatchObject({ minimum: 1, maximum: INT32_MAX });
    expect(bound('get_order_status', 'order_id')).toMatchObject({ minimum: 1, maximum: INT32_MAX });
    expect(byName.quote_order?.required).toEqual(['service_id', 'link', 'quantity']);
  });
});

describe('quantity', () => {
  it('2^53-1 (what the schema used to accept) is refused with the service own maximum', async () => {
    const text = await refusal('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 9_007_199_254_740_991 });
    expect(text).toContain(
      'quantity 9007199254740991 is above the maximum of 100 for service 199825 (allowed: 1 to 100)',
    );
    expect(text).toContain('Nothing was quoted.');
  });

  it('below the service minimum: the service limits, whether the type allowed the number (5) or not (0)', async () => {
    const five = await refusal('quote_order', { service_id: bulk.service, link: LINK, quantity: 5 });
    expect(five).toContain(
      `quantity 5 is below the minimum of ${bulk.min} for service ${bulk.service} (allowed: ${bulk.min} to ${bulk.max})`,
    );
    const zero = await refusal('quote_order', { service_id: bulk.service, link: LINK, quantity: 0 });
    expect(zero).toContain(`quantity 0 is below the minimum of ${bulk.min} for service ${bulk.service}`);
    const fraction = await refusal('quote_order', { service_id: bulk.service, link: LINK, quantity: 12.5 });
    expect(fraction).toContain(
      `quantity must be a whole number from ${bulk.min} to ${bulk.max} for service ${bulk.service} (got 12.5)`,
    );
  });

  it('with no usable service, what any service allows; each wrong argument gets its sentence', async () => {
    const text = await refusal('quote_order', { service_id: INT32_MAX + 1, link: LINK, quantity: 3_000_000_000 });
    expect(text).toContain(`service_id must be a whole number from 1 to ${INT32_MAX} (got 2147483648).`);
    expect(text).toContain(`quantity must be a whole number from 1 to ${INT32_MAX} (got 3000000000).`);
    const missing = await refusal('quote_order', { service_id: STEAM_LIKES, quantity: 10 });
    expect(missing).toContain('link is required: give a text of 1 to 2048 characters.');
  });

  it('register_order refuses it the same way and places nothing', async () => {
    const before = sandbox.orders().length;
    const text = await refusal('register_order', { service_id: STEAM_LIKES, link: LINK, quantity: INT32_MAX + 1 });
    expect(text).toContain(`quantity ${INT32_MAX + 1} is above the maximum of 100 for service 199825`);
    expect(text).toContain('Nothing was placed.');
    expect(sandbox.orders()).toHaveLength(before);
  });
});

describe('ids', () => {
  it('an order id above the 32-bit range or below 1 is refused before any request', async () => {
    const requests = sandbox.requests('OrderStatus');
    expect(await refusal('get_order_status', { order_id: 9_007_199_254_740_991 })).toBe(
      `order_id must be a whole number from 1 to ${INT32_MAX} (got 9007199254740991).`,
    );
    expect(await refusal('get_order_status', { order_id: 0 })).toContain('order_id must be a whole number from 1');
    expect(await refusal('get_order_status', { order_id: '12' })).toContain('(got "12")');
    expect(sandbox.requests('OrderStatus')).toBe(requests);
  });
});

describe('unknown arguments are refused, named with the value given', () => {
  it('register_order with price: 0 places nothing and says so', async () => {
    const before = sandbox.orders().length;
    const text = await refusal('register_order', { service_id: STEAM_LIKES, link: LINK, quantity: 10, price: 0 });
    expect(text).toBe(
      'register_order has no argument price: 0: its arguments are quote_id, service_id, link, quantity, confirm_duplicate. Call it again without it. Nothing was placed.',
    );
    expect(sandbox.orders()).toHaveLength(before);
  });

  it('several at once, on any tool, even one without arguments', async () => {
    const text = await refusal('quote_order', {
      service_id: STEAM_LIKES,
      link: LINK,
      quantity: 10,
      price: 0,
      discount: 'full',
    });
    expect(text).toContain('quote_order has no arguments price: 0, discount: "full": its arguments are');
    expect(text).toContain('Call it again without them.');
    expect(await refusal('get_balance', { currency: 'EUR' })).toBe(
      'get_balance has no argument currency: "EUR": it takes no arguments. Call it again without it.',
    );
  });

  it('a call with only known arguments still works', async () => {
    const answer = await server.call('get_balance', {});
    expect(answer.isError).toBeFalsy();
  });
});

describe('field names as the model sees them', () => {
  it('a bad cursor names next_cursor, not nextCursor', async () => {
    const text = await refusal('list_services', { cursor: 'abc' });
    expect(text).toContain('pass the next_cursor of the previous page');
    expect(text).not.toContain('nextCursor');
  });

  it('a limit out of range says the range and the argument', async () => {
    expect(await refusal('list_services', { limit: 500 })).toBe('limit must be a whole number from 1 to 50 (got 500).');
    expect(await refusal('list_services', { include_description: 'yes' })).toBe(
      'include_description must be true or false (got "yes").',
    );
  });
});

describe('over Streamable HTTP, the same refusals', () => {
  it('an unknown argument and a quantity past the service maximum, for a session with its own key', async () => {
    const stateDir = tempDir();
    const http = await startHttpServer({ sandboxUrl: sandbox.url, stateDir });
    const client = new Client({ name: 'cappi-tool-input-http', version: '1.0.0' });
    try {
      await client.connect(
        new StreamableHTTPClientTransport(new URL(http.url), {
          requestInit: { headers: { 'X-Cappi-Api-Key': CANARY } },
        }),
      );
      const call = async (name: string, args: Record<string, unknown>) =>
        (await client.callTool({ name, arguments: args })) as ToolAnswer;
      const unknown = await call('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 10, price: 0 });
      expect(unknown.isError).toBe(true);
      expect(textOf(unknown)).toContain('quote_order has no argument price: 0');
      const tooMany = await call('quote_order', {
        service_id: STEAM_LIKES,
        link: LINK,
        quantity: 9_007_199_254_740_991,
      });
      expect(textOf(tooMany)).toContain('quantity 9007199254740991 is above the maximum of 100 for service 199825');
    } finally {
      await client.close();
      await http.stop();
      removeDir(stateDir);
    }
  });
});
