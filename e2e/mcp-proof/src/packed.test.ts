// The MCP server as a user gets it: the packed tarballs (`pnpm pack`, what would be published), then the bin spawned
// and driven by a real MCP client. Two ways in: `npx` of the server's tarball alone in an empty folder (its only
// dependency, the sandbox, is optional and not on the registry yet), against an API elsewhere; and both tarballs
// installed with npm, for `--sandbox`. Proves the bundle, its lazily loaded chunks and the sandbox's contract file
// ship.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { runInGroup } from '@cappi-reseller/test-processes';
import { GroupStdioClientTransport } from '@cappi-reseller/test-processes/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'cappi-packed-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Each step gets a deadline of its own and is killed past it: a stuck install fails this test instead of the whole run. */
const STEP_TIMEOUT_MS = 240_000;

interface Ran {
  status: number | null;
  output: string;
}

/**
 * Runs a command without blocking the event loop, so vitest's own timeout can still fire, in a process group of its
 * own (npm and what it starts), killed past the deadline.
 */
async function run(command: string, args: string[], cwd: string, env = process.env): Promise<Ran> {
  try {
    const result = await runInGroup(command, args, { cwd, env, timeoutMs: STEP_TIMEOUT_MS, allowFailure: true });
    return { status: result.code, output: `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}` };
  } catch (error) {
    return { status: null, output: error instanceof Error ? error.message : String(error) };
  }
}

/** The pnpm running this test (npm_execpath), else the one on PATH. */
async function pnpm(args: string[], cwd: string): Promise<Ran> {
  const execpath = process.env.npm_execpath;
  if (execpath !== undefined && /pnpm/.test(execpath)) return run(process.execPath, [execpath, ...args], cwd);
  return run('pnpm', args, cwd);
}

const TOOLS = ['get_balance', 'get_order_status', 'list_services', 'quote_order', 'register_order'];
const tarballs = { sandbox: '', mcpServer: '' };

beforeAll(async () => {
  for (const [name, dir] of [
    ['sandbox', 'apps/sandbox'],
    ['mcpServer', 'apps/mcp-server'],
  ] as const) {
    const packed = await pnpm(['pack', '--pack-destination', folder], join(repo, dir));
    expect(packed.status, packed.output).toBe(0);
    const file = readdirSync(folder).find(
      (entry) => entry.endsWith('.tgz') && !Object.values(tarballs).includes(entry),
    );
    if (file === undefined) throw new Error(`pnpm pack left no tarball for ${dir}`);
    tarballs[name] = file;
  }
}, 2 * STEP_TIMEOUT_MS);

/** Lists the tools and reads the balance through a real MCP client; returns the balance answer's text. */
async function driveServer(transport: GroupStdioClientTransport): Promise<string> {
  const client = new Client({ name: 'packed-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(TOOLS);
    const balance = await client.callTool({ name: 'get_balance', arguments: {} });
    expect(balance.isError, JSON.stringify(balance.content)).toBeFalsy();
    expect(JSON.stringify(balance.structuredContent)).toContain('"currency":"USD"');
    return JSON.stringify(balance.content);
  } finally {
    await client.close();
  }
}

it(
  "runs with npx from the server's tarball alone, in an empty folder, and says what --sandbox needs there",
  async () => {
    const empty = join(folder, 'npx');
    mkdirSync(empty);
    // npx installs into its own cache: keep that inside the test's folder, not in the user's ~/.npm.
    const env = { ...process.env, npm_config_cache: join(folder, 'npm-cache'), npm_config_update_notifier: 'false' };
    // A path, as a user types it: npx takes `../x.tgz` as a package to install, an absolute path as a command.
    const tarball = `../${tarballs.mcpServer}`;
    let sandbox: Sandbox | undefined;
    try {
      sandbox = await startSandbox({ port: 0 });
      const answer = await driveServer(
        new GroupStdioClientTransport({
          command: 'npx',
          args: ['--yes', tarball],
          cwd: empty,
          env: {
            ...(env as Record<string, string>),
            CAPPI_API_KEY: sandbox.key,
            CAPPI_BASE_URL: sandbox.url,
            CAPPI_LEDGER: join(folder, 'ledger.sqlite'),
          },
        }),
      );
      expect(answer).not.toContain('sandbox:');
    } finally {
      await sandbox?.stop();
    }

    // The optional sandbox is not installed there: --sandbox fails at once, saying why and what to do.
    const refused = await run('npx', ['--yes', tarball, '--sandbox'], empty, env);
    expect(refused.status, refused.output).toBe(1);
    expect(refused.output).toContain('--sandbox needs the package @cappi-reseller/sandbox');
    expect(refused.output).toContain('npm install @cappi-reseller/sandbox');
  },
  2 * STEP_TIMEOUT_MS + 60_000,
);

it(
  'installs both tarballs with npm into an empty folder, and the installed bin serves tools with --sandbox',
  async () => {
    const app = join(folder, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"private":true}\n');
    const installed = await run(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        join(folder, tarballs.sandbox),
        join(folder, tarballs.mcpServer),
      ],
      app,
    );
    expect(installed.status, installed.output).toBe(0);

    const answer = await driveServer(
      new GroupStdioClientTransport({
        command: process.execPath,
        args: [join(app, 'node_modules', '.bin', 'cappi-reseller-mcp'), '--sandbox'],
        cwd: app,
        env: { PATH: process.env.PATH ?? '', HOME: app },
      }),
    );
    expect(answer).toContain('sandbox');
  },
  STEP_TIMEOUT_MS + 60_000,
);
