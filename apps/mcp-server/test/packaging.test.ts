// server.json (MCP registry) and manifest.json (.mcpb desktop extension) describe the same server as the code:
// same version and name, the tools it really lists, and only settings the server really reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELP } from '../src/config.js';
import { type Spawned, spawnServer, startTestSandbox } from './helpers.js';

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
