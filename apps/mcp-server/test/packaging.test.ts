// server.json (MCP registry) and manifest.json (.mcpb desktop extension) describe the same server as the code:
// same version and name, the tools it really lists, and only settings the server really reads.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInGroup } from '@cappi-reseller/test-processes';
import { GroupStdioClientTransport } from '@cappi-reseller/test-processes/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { HELP } from '../src/config.js';
import { CANARY, type Spawned, spawnServer, startTestSandbox } from './helpers.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const read = (file: string) => JSON.parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'));
const pkg = read('package.json');
const registry = read('server.json');
const manifest = read('manifest.json');

describe('server.json', () => {
  it('names the npm package, its version and the mcpName', () => {
    expect(registry.name).toBe(pkg.mcpName);
    expect(registry.version).toBe(pkg.version);
    expect(registry.description.length).toBeLessThanOrEqual(100);
    expect(registry.packages[0]).toMatchObject({ registryType: 'npm', identifier: pkg.name, version: pkg.version });
  });

  it('documents only environment variables the server reads, the key as a secret', () => {
    const variables: { name: string; isSecret?: boolean }[] = registry.packages[0].environmentVariables;
    for (const variable of variables) expect(HELP).toContain(variable.name);
    expect(variables.find((variable) => variable.name === 'CAPPI_API_KEY')?.isSecret).toBe(true);
  });
});

describe("server.json against the MCP registry's schema (a copy in test/, so it works offline)", () => {
  const schema = read('test/registry-server.schema.json');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('is valid, and declares that very schema', () => {
    expect(registry.$schema).toBe(schema.$id);
    expect(validate(registry), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the check can fail: a name without its namespace, a description over 100 characters, version "latest"', () => {
    for (const broken of [
      { ...registry, name: 'mcp-server' },
      { ...registry, description: 'x'.repeat(101) },
      { ...registry, packages: [{ ...registry.packages[0], version: 'latest' }] },
    ]) {
      expect(validate(broken)).toBe(false);
    }
  });
});

describe('the desktop extension (.mcpb), built by scripts/build-mcpb.mjs with the official mcpb CLI', () => {
  const packageDir = fileURLToPath(new URL('..', import.meta.url));
  const mcpbCli = join(packageDir, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');
  const work = mkdtempSync(join(tmpdir(), 'cappi-mcpb-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const mcpb = (...args: string[]) =>
    runInGroup(process.execPath, [mcpbCli, ...args], { allowFailure: true, timeoutMs: 60_000 });

  it("validates and packs; unpacked, its server lists the manifest's tools and reads a balance", async () => {
    const built = await runInGroup(process.execPath, ['scripts/build-mcpb.mjs', '--out', work], {
      cwd: packageDir,
      timeoutMs: 120_000,
    });
    const file = built.stdout.trim();
    expect(file).toBe(join(work, `${manifest.name}-${pkg.version}.mcpb`));
    const unpacked = join(work, 'unpacked');
    expect((await mcpb('unpack', file, unpacked)).code).toBe(0);
    for (const path of ['manifest.json', manifest.server.entry_point, 'dist/cli.js', 'package.json']) {
      expect(existsSync(join(unpacked, path)), path).toBe(true);
    }
    // The extension's own copy of the manifest passes the official validation.
    const validated = await mcpb('validate', join(unpacked, 'manifest.json'));
    expect(validated.code, validated.stdout + validated.stderr).toBe(0);

    // Run as the desktop app would: node <folder>/<entry_point>, the user's settings as environment.
    const sandbox = await startTestSandbox();
    const client = new Client({ name: 'mcpb-test', version: '1.0.0' });
    try {
      await client.connect(
        new GroupStdioClientTransport({
          command: process.execPath,
          args: [join(unpacked, manifest.server.entry_point)],
          env: { CAPPI_API_KEY: CANARY, CAPPI_BASE_URL: sandbox.url, CAPPI_STATE_DIR: join(work, 'state') },
        }),
      );
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(
        manifest.tools.map((tool: { name: string }) => tool.name).sort(),
      );
      const balance = await client.callTool({ name: 'get_balance', arguments: {} });
      expect(balance.isError, JSON.stringify(balance.content)).toBeFalsy();
    } finally {
      await client.close();
      await sandbox.stop();
    }
  }, 180_000);

  it('the validation can fail: a manifest without its server section is refused', async () => {
    const broken = join(work, 'broken-manifest.json');
    const { server: _server, ...withoutServer } = manifest;
    writeFileSync(broken, JSON.stringify(withoutServer));
    expect((await mcpb('validate', broken)).code).not.toBe(0);
  });
});

describe('manifest.json', () => {
  it('runs the bin, with the key as a sensitive user setting', () => {
    expect(manifest.version).toBe(pkg.version);
    expect(manifest.server.entry_point).toBe(pkg.bin['cappi-reseller-mcp'].replace(/^\.\//, ''));
    expect(manifest.user_config.api_key).toMatchObject({ sensitive: true, required: true });
    for (const name of Object.keys(manifest.server.mcp_config.env)) expect(HELP).toContain(name);
  });

  it('lists the tools the server lists', async () => {
    const sandbox = await startTestSandbox();
    let server: Spawned | undefined;
    try {
      server = await spawnServer({ sandbox });
      const { tools } = await server.client.listTools();
      expect(manifest.tools.map((tool: { name: string }) => tool.name).sort()).toEqual(
        tools.map((tool) => tool.name).sort(),
      );
    } finally {
      await server?.close();
      await sandbox.stop();
    }
  });
});
