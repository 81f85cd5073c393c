// Resource links and icons: an order's answer links to cappi://orders/{id}, which reads; the server names its icon.
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LINK,
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

describe('links to orders', () => {
  it('register_order and get_order_status link to cappi://orders/{id}, after the text, and the link reads', async () => {
    const { placed } = await quoteAndOrder(server, { service_id: STEAM_LIKES, link: LINK, quantity: 10 });
    expect(placed.isError, textOf(placed)).toBeFalsy();
    const orderId = placed.structuredContent?.order_id as number;
    const link = { type: 'resource_link', uri: `cappi://orders/${orderId}`, mimeType: 'application/json' };
    expect(placed.content[0]?.type).toBe('text');
    expect(placed.content[1]).toMatchObject(link);

    const status = await server.call('get_order_status', { order_id: orderId });
    expect(status.content[0]?.type).toBe('text');
    expect(status.content[1]).toMatchObject(link);

    const read = await server.client.readResource({ uri: link.uri });
    expect(JSON.parse(resourceText(read))).toMatchObject({ orderId });
  });

  it('a refusal carries no link', async () => {
    const status = await server.call('register_order', { quote_id: 'not-a-quote' });
    expect(status.isError).toBe(true);
    expect(status.content).toHaveLength(1);
  });
});

describe('icons', () => {
  it('the server names its icon, an inline SVG (nothing to fetch)', () => {
    const icons = server.client.getServerVersion()?.icons ?? [];
    expect(icons[0]?.mimeType).toBe('image/svg+xml');
    const src = icons[0]?.src ?? '';
    expect(src).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(src.split(',')[1] ?? '', 'base64').toString('utf8')).toMatch(/^<svg [^>]*>.*<\/svg>$/);
  });
});
