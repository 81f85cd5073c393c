#!/usr/bin/env node
// Builds the desktop extension (.mcpb) of the MCP server, with the official MCP Bundle CLI (@anthropic-ai/mcpb):
// stages what the extension runs (manifest.json, the bin, the bundle in dist/, README, LICENSE, a package.json that
// says it is ESM), validates the manifest, and packs it.
//
//   node scripts/build-mcpb.mjs [--out <folder>]     (pnpm mcpb; build first: pnpm build)
//
// Prints the path of the .mcpb it wrote. The bundle needs no node_modules: everything but the optional sandbox is in
// dist/, so the extension serves a real account (with --sandbox it says to install @cappi-reseller/sandbox).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
// The CLI's own entry (its package exports no ./package.json to find it by).
const mcpbCli = join(packageDir, 'node_modules', '@anthropic-ai', 'mcpb', 'dist', 'cli', 'cli.js');

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = resolve(outIndex >= 0 ? (args[outIndex + 1] ?? '.') : join(packageDir, 'release'));

const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(join(packageDir, 'manifest.json'), 'utf8'));
if (manifest.version !== pkg.version) {
  throw new Error(`manifest.json says ${manifest.version}, package.json ${pkg.version}: run pnpm version-packages`);
}
if (!existsSync(join(packageDir, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run pnpm build first');

function mcpb(...commandArgs) {
  const result = spawnSync(process.execPath, [mcpbCli, ...commandArgs], { encoding: 'utf8', stdio: 'pipe' });
  if (result.status !== 0) {
    throw new Error(`mcpb ${commandArgs.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  return `${result.stdout}${result.stderr}`;
}

const stage = mkdtempSync(join(tmpdir(), 'cappi-mcpb-'));
try {
  cpSync(join(packageDir, 'manifest.json'), join(stage, 'manifest.json'));
  for (const path of ['bin', 'dist', 'README.md', 'LICENSE'])
    cpSync(join(packageDir, path), join(stage, path), { recursive: true });
  // The bin and the bundle are ES modules: Node must be told so in the extension's folder too.
  const { name, version, description, license, type, engines } = pkg;
  writeFileSync(
    join(stage, 'package.json'),
    `${JSON.stringify({ name, version, description, license, type, engines, private: true }, null, 2)}\n`,
  );

  mcpb('validate', join(stage, 'manifest.json'));
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${manifest.name}-${manifest.version}.mcpb`);
  rmSync(file, { force: true });
  mcpb('pack', stage, file);
  if (!existsSync(file)) throw new Error(`mcpb pack wrote no ${file}`);
  process.stdout.write(`${file}\n`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
