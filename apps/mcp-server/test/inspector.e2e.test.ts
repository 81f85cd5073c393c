// End to end with the official MCP Inspector in CLI mode (offline): it spawns the built bin with --sandbox,
// lists the tools (with its schema portability check) and calls them, as a developer would.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runInGroup } from '@cappi-reseller/test-processes';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, LINK, removeDir, STEAM_LIKES, tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const INSPECTOR = join(
  dirname(require.resolve('@modelcontextprotocol/inspector/package.json')),
  'clients/launcher/build/index.js',
);
const home = tempDir('cappi-inspector-home-');

afterAll(() => removeDir(home));

/** The Inspector (and the server it spawns) in a process group of its own, killed at the deadline or at the end. */
async function inspect(args: string[], serverArgs: string[] = []) {
  const result = await runInGroup(
    process.execPath,
    [INSPECTOR, '--cli', process.execPath, BIN, '--sandbox', ...serverArgs, ...args],
    // Its own HOME, so the Inspector's catalog and settings stay out of the user's.
    { env: { PATH: process.env.PATH ?? '', HOME: home }, timeoutMs: 30_000, allowFailure: true },
  );
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
}

describe('MCP Inspector CLI', () => {
  it('lists the five tools, with no schema portability warning', async () => {
    const result = await inspect(['--method', 'tools/list', '--strict']);
    expect(result.status).toBe(0);
    const { tools } = JSON.parse(result.stdout) as { tools: { name: string }[] };
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'get_balance',
      'get_order_status',
      'list_services',
      'quote_order',
      'register_order',
    ]);
    expect(result.stderr).not.toMatch(/warning|error/i);
  });

  it('calls get_balance and list_services', async () => {
    const balance = await inspect(['--method', 'tools/call', '--tool-name', 'get_balance']);
    expect(balance.status).toBe(0);
    expect(JSON.parse(balance.stdout).structuredContent).toEqual({ balance: 100, currency: 'USD', sandbox: true });

    const search = await inspect([
      '--method',
      'tools/call',
      '--tool-name',
      'list_services',
      '--tool-arg',
      'query=steam like',
    ]);
    expect(search.status).toBe(0);
    expect(JSON.parse(search.stdout).structuredContent.services[0].id).toBe(STEAM_LIKES);
  });

  it('quotes and places an order', async () => {
    const order = ['--tool-arg', `service_id=${STEAM_LIKES}`, `link=${LINK}`, 'quantity=10'];
    const quote = await inspect(['--method', 'tools/call', '--tool-name', 'quote_order', ...order]);
    expect(quote.status).toBe(0);
    expect(JSON.parse(quote.stdout).structuredContent).toMatchObject({ price: 0.12, quantity: 10 });
    // Each Inspector call is a new server process (and a new quote secret), so this one orders without a quote.
    const placed = await inspect(
      ['--method', 'tools/call', '--tool-name', 'register_order', ...order],
      ['--allow-unquoted-orders'],
    );
    expect(placed.status).toBe(0);
    expect(JSON.parse(placed.stdout).structuredContent).toMatchObject({ charge: 0.12, sandbox: true });
  });

  it('lists the resources', async () => {
    const result = await inspect(['--method', 'resources/list']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cappi://catalog/category/Steam');
  });
});
