// Swagger UI at /docs as a person uses it, in a real headless Chromium (Debian's, driven by playwright-core):
// branded with the product's name and icon, already authorised with the sandbox key, and "Try it out" on Balance
// answering 200 from this sandbox.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox } from './server.js';
import type { Sandbox } from './types.js';

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

let sandbox: Sandbox;
let profile: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\`.`);
  }
  sandbox = await startSandbox({ seed: 3, validateResponses: true });
  profile = mkdtempSync(join(tmpdir(), 'cappi-chromium-'));
});

afterAll(async () => {
  await sandbox?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('Swagger UI at /docs, in headless Chromium', () => {
  test('branded, authorised with the sandbox key, and Try it out on Balance answers 200', {
    timeout: 120_000,
  }, async () => {
    // A fresh profile (--user-data-dir): nothing from an earlier run.
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
    });
    try {
      const page = await context.newPage();
      const balanceRequests = sandbox.requests('Balance');
      await page.goto(`${sandbox.url}/docs`);

      await expect.poll(() => page.title()).toBe('Cappi Reseller sandbox: API docs');
      const icon = await page.locator('link[rel="icon"]').getAttribute('href');
      expect(icon).toMatch(/cappi\.svg$/);
      await page.locator('.topbar img[src^="data:image/svg+xml"]').waitFor();
      // The sandbox is the server selected, and the Authorize button shows the key is set.
      await page.locator('.servers select').waitFor();
      expect(await page.locator('.servers select').inputValue()).toBe(sandbox.url);
      await page.locator('button.authorize.locked').waitFor();

      const balance = page.locator('#operations-Account-getBalance');
      await balance.locator('.opblock-summary').click();
      await balance.getByRole('button', { name: 'Try it out' }).click();
      await balance.getByRole('button', { name: 'Execute' }).click();
      const status = balance.locator('.live-responses-table .response .response-col_status');
      await expect.poll(async () => (await status.first().textContent())?.trim(), { timeout: 30_000 }).toBe('200');
      const body = await balance.locator('.live-responses-table .microlight').first().textContent();
      expect(JSON.parse(body ?? '')).toEqual({ balance: sandbox.balanceOf(sandbox.key), currency: 'USD' });
      // The request reached this sandbox, with its key.
      expect(sandbox.requests('Balance')).toBe(balanceRequests + 1);
      const curl = await balance.locator('.curl-command').textContent();
      expect(curl).toContain(`${sandbox.url}/Balance?key=${sandbox.key}`);
    } finally {
      await context.close();
    }
  });
});
