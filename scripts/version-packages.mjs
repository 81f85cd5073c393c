#!/usr/bin/env node
// `changeset version`, then the version files changesets does not know about: the MCP server's registry entry
// (server.json) and desktop-extension manifest (manifest.json) must state the version being published.
// The release check (e2e/proof/src/release-check.mjs) runs this same script in a clone.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = process.argv[2] ?? join(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));
const changesetBin = join(dirname(require.resolve('@changesets/cli/package.json')), 'bin.js');
const run = spawnSync(process.execPath, [changesetBin, 'version'], { cwd: root, stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

const server = join(root, 'apps', 'mcp-server');
const { name, version } = readJson(join(server, 'package.json'));
const registryEntry = readJson(join(server, 'server.json'));
registryEntry.version = version;
for (const entry of registryEntry.packages ?? []) if (entry.identifier === name) entry.version = version;
writeJson(join(server, 'server.json'), registryEntry);
const manifest = readJson(join(server, 'manifest.json'));
manifest.version = version;
writeJson(join(server, 'manifest.json'), manifest);
process.stdout.write(`server.json and manifest.json of ${name} now say ${version}\n`);
