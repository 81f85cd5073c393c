// End to end with the official MCP Inspector in CLI mode (offline): it spawns the built bin with --sandbox,
// lists the tools (with its schema portability check) and calls them, as a developer would.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, LINK, removeDir, STEAM_LIKES, tempDir } from './helpers.js';

const require = createRequire(import.meta.url);
const INSPECTOR = join(
  dirname(require.resolve('@modelcontextprotocol/inspector/package.json')),
  'clients/launcher/build/index.js',
);
const home = tempDir('cappi-inspector-home-');

afterAll(() => removeDir(home));

function inspect(args: string[], serverArgs: string[] = []) {
  const result = spawnSync(
    process.execPath,
    [INSPECTOR, '--cli', process.execPath, BIN, '--sandbox', ...serverArgs, ...args],
    // Its own HOME, so the Inspector's catalog and settings stay out of the user's.
    { env: { PATH: process.env.PATH ?? '', HOME: home }, encoding: 'utf8', timeout: 30_000 },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('MCP Inspector CLI', () => {
  it('lists the five tools, with no schema portability warning', () => {
    const result = inspect(['--method', 'tools/list', '--strict']);
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

  it('calls get_balance and list_services', () => {
    const balance = inspect(['--method', 'tools/call', '--tool-name', 'get_balance']);
    expect(balance.status).toBe(0);
    expect(JSON.parse(balance.stdout).structuredContent).toEqual({ balance: 100, currency: 'USD', sandbox: true });

    const search = inspect([
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

  it('quotes and places an order', () => {
    const order = ['--tool-arg', `service_id=${STEAM_LIKES}`, `link=${LINK}`, 'quantity=10'];
    const quote = inspect(['--method', 'tools/call', '--tool-name', 'quote_order', ...order]);
    expect(quote.status).toBe(0);
    expect(JSON.parse(quote.stdout).structuredContent).toMatchObject({ price: 0.12, quantity: 10 });
    // Each Inspector call is a new server process (and a new quote secret), so this one orders without a quote.
    const placed = inspect(
      ['--method', 'tools/call', '--tool-name', 'register_order', ...order],
      ['--allow-unquoted-orders'],
    );
    expect(placed.status).toBe(0);
    expect(JSON.parse(placed.stdout).structuredContent).toMatchObject({ charge: 0.12, sandbox: true });
  });

  it('lists the resources', () => {
    const result = inspect(['--method', 'resources/list']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cappi://catalog/category/Steam');
  });
});
