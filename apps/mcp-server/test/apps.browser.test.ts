// The MCP Apps order card as a person uses it: a test host page (test/apps/host.ts, served on 127.0.0.1) renders the
// view read from its ui:// resource in a sandboxed frame, in a real headless Chromium (Debian's, driven by
// playwright-core), and relays what the view asks to a real MCP client connected to the built server, which talks
// to a real sandbox. The screenshots in docs/mcp-apps/ are made here.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { formatUsd } from '@cappi-reseller/core';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { CallToolRequest, CallToolResult, ReadResourceRequest } from '@modelcontextprotocol/sdk/types.js';
import { build } from 'esbuild';
import { type BrowserContext, chromium, type FrameLocator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ShowView } from './apps/host.js';
import {
  CANARY,
  LINK,
  leaks,
  resourceText,
  type Spawned,
  STEAM_LIKES,
  spawnServer,
  startTestSandbox,
  tempDir,
  textOf,
} from './helpers.js';

/** Debian's Chromium: the project's test setup installs it (scripts/ensure-chromium.mjs), as CI machines allow. */
const CHROMIUM = '/usr/bin/chromium';
// The flags this project's machines need: no sandboxing as root, no GPU, and no network of its own.
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// The README's screenshots are rewritten only when asked (CAPPI_UPDATE_SCREENSHOTS=1): an ordinary run writes them
// under .test-results/ (ignored), so running the tests never leaves the working tree changed (the quote card shows a
// countdown, so its pixels differ every run).
const SCREENSHOTS = fileURLToPath(
  new URL(
    process.env.CAPPI_UPDATE_SCREENSHOTS === '1' ? '../../../docs/mcp-apps/' : '../.test-results/screenshots/',
    import.meta.url,
  ),
);
/** A client that renders MCP Apps says so in its capabilities (the io.modelcontextprotocol/ui extension). */
const UI_CAPABILITY = { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } };
/** 100 likes at 0.012 USD: 1.20 USD. */
const ORDER = { service_id: STEAM_LIKES, link: LINK, quantity: 100 };
/** Only a hang-catcher: the tracker's end comes from the sandbox's order, however slow the machine. */
const HANG_MS = 90_000;

let sandbox: Sandbox;
let server: Spawned;
let host: Server;
let hostUrl: string;
let profile: string;
let browser: BrowserContext;
/** What the views asked the server, and what the host was told for the model. */
const relayed: { method: string; params: unknown }[] = [];
const modelContext: string[] = [];
const requestedUrls: string[] = [];

async function hostPage(): Promise<string> {
  const script = await build({
    entryPoints: [fileURLToPath(new URL('./apps/host.ts', import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    logLevel: 'warning',
  });
  const code = script.outputFiles[0]?.text.replaceAll('</script', '<\\/script') ?? '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cappi test host</title></head><body style="margin:16px"><script>${code}</script></body></html>`;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\`.`);
  }
  sandbox = await startTestSandbox();
  server = await spawnServer({ sandbox, capabilities: UI_CAPABILITY });
  const page = await hostPage();
  host = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}/`;
  profile = tempDir('cappi-chromium-');
  browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS });
  // The relay: what the host page's AppBridge receives from the view goes to the real MCP client, and back.
  await browser.exposeFunction('cappiRelay', async (method: string, params: unknown) => {
    relayed.push({ method, params });
    let result: unknown;
    if (method === 'tools/call') {
      const call = params as CallToolRequest['params'];
      result = await server.client.callTool(call);
    } else if (method === 'resources/read') {
      result = await server.client.readResource(params as ReadResourceRequest['params']);
    } else {
      throw new Error(`this host relays tools/call and resources/read, not ${method}`);
    }
    server.seen.push(JSON.stringify(result));
    return result;
  });
  await browser.exposeFunction('cappiModelContext', async (text: string) => {
    modelContext.push(text);
  });
  browser.on('request', (request) => requestedUrls.push(request.url()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await server?.close();
  await sandbox?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Does what a host does when a tool with a view answers: reads the view's resource and shows it with the result. */
async function showTool(
  theme: 'light' | 'dark',
  toolName: string,
  toolInput: Record<string, unknown>,
): Promise<{
  page: Page;
  view: FrameLocator;
  result: CallToolResult & { structuredContent?: Record<string, unknown> };
}> {
  const { tools } = await server.client.listTools();
  const uri = (tools.find((tool) => tool.name === toolName)?._meta?.ui as { resourceUri?: string } | undefined)
    ?.resourceUri;
  expect(uri, `${toolName} names its view`).toMatch(/^ui:\/\//);
  const resource = await server.client.readResource({ uri: uri as string });
  expect(resource.contents[0]?.mimeType).toBe(RESOURCE_MIME_TYPE);
  const result = await server.call(toolName, toolInput);
  expect(result.isError, textOf(result)).toBeFalsy();
  const page = await browser.newPage();
  await page.emulateMedia({ colorScheme: theme });
  await page.setViewportSize({ width: 660, height: 1300 });
  await page.goto(hostUrl);
  const view: ShowView = { html: resourceText(resource), toolName, toolInput, toolResult: result, theme };
  await page.evaluate((shown) => window.cappiShow(shown), view);
  return { page, view: page.frameLocator('#view'), result };
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator('#view').screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

const registerCalls = () =>
  relayed.filter(
    (entry) => entry.method === 'tools/call' && (entry.params as { name: string }).name === 'register_order',
  ).length;

describe('the order card, in a test host page in headless Chromium', () => {
  let placedOrderId: number;

  test('the quote card shows the structured figures; Confirm places exactly one order; the tracker reaches completed', {
    timeout: HANG_MS + 30_000,
  }, async () => {
    const { page, view, result } = await showTool('light', 'quote_order', ORDER);
    const quote = result.structuredContent as { price: number; balance_after: number; budget_left: number };
    expect(quote.budget_left).toBeTypeOf('number');
    await expect.poll(() => view.locator('#quote-price').textContent()).toBe(formatUsd(quote.price));
    expect(await view.locator('#quote-balance-after').textContent()).toBe(formatUsd(quote.balance_after));
    expect(await view.locator('#quote-budget-left').textContent()).toBe(formatUsd(quote.budget_left));
    expect(await view.locator('#quote-quantity').textContent()).toBe('100');
    expect(await view.locator('#quote-link').textContent()).toBe(LINK);
    expect(await view.locator('#quote-expiry').textContent()).toMatch(/^in \d+:\d\d$/);
    await screenshot(page, 'quote-card-light');

    const ordersBefore = sandbox.orders(CANARY).length;
    const rowsBefore = (await server.ledger()).length;
    const confirm = view.locator('#confirm');
    // A double click, then one more click event sent straight to the (now disabled) button: one order at most.
    await confirm.dblclick();
    await confirm.evaluate((button: HTMLButtonElement) =>
      button.dispatchEvent(new MouseEvent('click', { bubbles: true })),
    );

    await expect
      .poll(() => view.locator('#tracker-state').textContent(), { timeout: HANG_MS, interval: 250 })
      .toBe('completed');
    expect(sandbox.orders(CANARY).length).toBe(ordersBefore + 1);
    expect(registerCalls()).toBe(1);
    expect((await server.ledger()).length).toBe(rowsBefore + 1);
    placedOrderId = sandbox.orders(CANARY).at(-1)?.orderId as number;
    expect(await view.locator('#tracker-title').textContent()).toContain(`Order ${placedOrderId}`);
    expect(await view.locator('#bar-delivered').evaluate((bar: HTMLElement) => bar.style.width)).toBe('100%');
    expect(await view.locator('#tracker-bar').getAttribute('aria-valuenow')).toBe('100');
    expect(await view.locator('#tracker-delivered').textContent()).toBe('100 of 100');
    // The model is told what the person did on the card.
    expect(modelContext.some((text) => text.includes(`placed order ${placedOrderId}`))).toBe(true);
    await screenshot(page, 'tracker-light');
    await page.close();
  });

  test('Cancel places nothing, and Confirm does nothing after it', { timeout: HANG_MS }, async () => {
    const { page, view } = await showTool('dark', 'quote_order', ORDER);
    await view.locator('#quote-price').filter({ hasText: 'USD' }).waitFor();
    await screenshot(page, 'quote-card-dark');
    const ordersBefore = sandbox.orders(CANARY).length;
    const callsBefore = registerCalls();
    await view.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => view.locator('#quote-message').textContent()).toBe('Cancelled: nothing was placed.');
    expect(await view.locator('#confirm').isDisabled()).toBe(true);
    await view
      .locator('#confirm')
      .evaluate((button: HTMLButtonElement) => button.dispatchEvent(new MouseEvent('click', { bubbles: true })));
    expect(registerCalls()).toBe(callsBefore);
    expect(sandbox.orders(CANARY).length).toBe(ordersBefore);
    expect(modelContext.at(-1)).toContain('cancelled');
    await page.close();
  });

  test('get_order_status shows the tracker (dark)', { timeout: HANG_MS }, async () => {
    const { page, view } = await showTool('dark', 'get_order_status', { order_id: placedOrderId });
    await expect.poll(() => view.locator('#tracker-state').textContent()).toBe('completed');
    expect(await view.locator('#bar-delivered').evaluate((bar: HTMLElement) => bar.style.width)).toBe('100%');
    await screenshot(page, 'tracker-dark');
    await page.close();
  });

  test('the catalog browser searches, filters, pages and quotes a row', { timeout: HANG_MS }, async () => {
    const { page, view, result } = await showTool('light', 'list_services', { limit: 5 });
    const first = result.structuredContent as { total: number; services: { id: number }[]; next_cursor?: string };
    expect(first.next_cursor).toBeDefined();
    await expect
      .poll(() => view.locator('#catalog-summary').textContent())
      .toBe(`${first.total} services match; 1–5 shown.`);
    expect(await view.locator('#catalog-rows tr').count()).toBe(5);
    expect(await view.locator('#catalog-rows tr td').first().textContent()).toBe(String(first.services[0]?.id));
    await screenshot(page, 'catalog-light');

    const listCalls = () =>
      relayed
        .filter((entry) => entry.method === 'tools/call' && (entry.params as { name: string }).name === 'list_services')
        .map((entry) => (entry.params as { arguments: Record<string, unknown> }).arguments);
    await view.getByRole('button', { name: 'Next page' }).click();
    await expect
      .poll(() => view.locator('#catalog-summary').textContent())
      .toBe(`${first.total} services match; 6–10 shown.`);
    expect(listCalls().at(-1)).toEqual({ limit: 5, cursor: first.next_cursor });
    await view.getByRole('button', { name: 'Previous page' }).click();
    await expect
      .poll(() => view.locator('#catalog-summary').textContent())
      .toBe(`${first.total} services match; 1–5 shown.`);

    // Words and a price filter: the server filters, the card shows its rows.
    await view.getByLabel('Words').fill('steam like');
    await view.getByLabel('Max USD per unit').fill('0.02');
    await view.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => listCalls().at(-1)).toEqual({ query: 'steam like', max_rate: 0.02, limit: 5 });
    const row = view.locator('#catalog-rows tr', {
      has: view.getByRole('cell', { name: String(STEAM_LIKES), exact: true }),
    });
    await row.waitFor();

    await row.getByRole('button', { name: /^Quote service/ }).click();
    await view.getByLabel('Link to deliver to').fill(LINK);
    await view.getByLabel('Quantity').fill('100');
    await view.getByRole('button', { name: 'Get a quote' }).click();
    await expect.poll(() => view.locator('#quote-price').textContent()).toBe(formatUsd(1.2));
    const ordersBefore = sandbox.orders(CANARY).length;
    await view.getByRole('button', { name: 'Cancel' }).click();
    expect(sandbox.orders(CANARY).length).toBe(ordersBefore);
    await page.close();

    const dark = await showTool('dark', 'list_services', { limit: 5 });
    await expect.poll(() => dark.view.locator('#catalog-rows tr').count()).toBe(5);
    await screenshot(dark.page, 'catalog-dark');
    await dark.page.close();
  });

  test('the pages never held the key, and loaded nothing but the host page', { timeout: HANG_MS }, async () => {
    const { page } = await showTool('light', 'quote_order', ORDER);
    const contents = [await page.content()];
    for (const frame of page.frames()) contents.push(await frame.content());
    expect(contents.join('\n')).toContain('Place order for');
    for (const text of [...contents, ...server.seen, JSON.stringify(relayed), ...modelContext]) {
      expect(leaks(text)).toBe(false);
    }
    expect(requestedUrls.length).toBeGreaterThan(0);
    expect(requestedUrls.filter((url) => !url.startsWith(hostUrl))).toEqual([]);
    await page.close();
  });
});

describe('clients without MCP Apps', () => {
  test('get exactly the text and structured results they got before the cards', async () => {
    const plain = await spawnServer({ sandbox });
    try {
      // An order neither server placed: the texts then carry no note about a recent identical one.
      const order = { ...ORDER, quantity: 50 };
      const withCards = await server.call('quote_order', order);
      const without = await plain.call('quote_order', order);
      expect(without.content).toHaveLength(1);
      expect(Object.keys(without.structuredContent ?? {}).sort()).toEqual(
        [
          'quote_id',
          'expires_at',
          'service_id',
          'service_name',
          'link',
          'quantity',
          'rate',
          'price',
          'currency',
          'balance',
          'balance_after',
        ].sort(),
      );
      // The card's extra figure is the only difference in what the clients get.
      const { budget_left: _budget, ...rest } = withCards.structuredContent ?? {};
      const comparable = (value: Record<string, unknown>) => ({ ...value, quote_id: 'x', expires_at: 'x' });
      expect(comparable(rest)).toEqual(comparable(without.structuredContent ?? {}));
      const unsigned = (text: string) => text.replace(/quote_id "[^"]+" before \S+ UTC/, 'quote_id');
      expect(unsigned(textOf(without))).toBe(unsigned(textOf(withCards)));
    } finally {
      await plain.close();
    }
  });
});
