// The MCP server as a user installs it: the packed tarballs (`pnpm pack`, what would be published) installed with
// npm into an empty folder, then the installed bin spawned and driven by a real MCP client. Proves the bundle, its
// lazily loaded chunks and the embedded sandbox's contract file all ship.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cappi-packed-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Each step gets a deadline of its own and is killed past it: a stuck install fails this test instead of the whole run. */
const STEP_TIMEOUT_MS = 240_000;

interface Ran {
  status: number | null;
  output: string;
}

/** Runs a command without blocking the event loop, so vitest's own timeout can still fire. */
function run(command: string, args: string[], cwd: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, timeout: STEP_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        const why = error?.killed ? `killed after ${STEP_TIMEOUT_MS} ms\n` : '';
        resolve({ status, output: `${command} ${args.join(' ')}\n${why}${stdout}${stderr}${error?.message ?? ''}` });
      },
    );
  });
}

/** The pnpm running this test (npm_execpath), else the one on PATH. */
async function pnpm(args: string[], cwd: string): Promise<Ran> {
  const execpath = process.env.npm_execpath;
  if (execpath !== undefined && /pnpm/.test(execpath)) return run(process.execPath, [execpath, ...args], cwd);
  return run('pnpm', args, cwd);
}

it(
  'installs from the packed tarballs into an empty folder, and the installed bin serves tools',
  async () => {
    for (const pkg of ['apps/sandbox', 'apps/mcp-server']) {
      const packed = await pnpm(['pack', '--pack-destination', folder], join(repo, pkg));
      expect(packed.status, packed.output).toBe(0);
    }
    const tarballs = readdirSync(folder).filter((file) => file.endsWith('.tgz'));
    expect(tarballs).toHaveLength(2);
    writeFileSync(join(folder, 'package.json'), '{"private":true}\n');
    const installed = await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs.map((file) => `./${file}`)],
      folder,
    );
    expect(installed.status, installed.output).toBe(0);

    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(folder, 'node_modules', '.bin', 'cappi-reseller-mcp'), '--sandbox'],
      cwd: folder,
      env: { PATH: process.env.PATH ?? '', HOME: folder },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'packed-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual([
        'get_balance',
        'get_order_status',
        'list_services',
        'quote_order',
        'register_order',
      ]);
      const balance = await client.callTool({ name: 'get_balance', arguments: {} });
      expect(balance.isError).toBeFalsy();
      expect(JSON.stringify(balance.structuredContent)).toContain('"currency":"USD"');
      expect(JSON.stringify(balance.content)).toContain('sandbox');
    } finally {
      await client.close();
    }
  },
  3 * STEP_TIMEOUT_MS + 60_000,
);
