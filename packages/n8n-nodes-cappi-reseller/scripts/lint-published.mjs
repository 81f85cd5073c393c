#!/usr/bin/env node
// The lint n8n runs before it verifies a community package, run here on what would be published.
//
// n8n's scanner (@n8n/scan-community-package, scanner/scanner.mjs) lints two things: the sources the
// provenance points at, and the compiled files and package.json of the npm tarball, with the
// @n8n/eslint-plugin-community-nodes "recommended" rules, `no-console`, and the community, credentials
// and nodes rule sets of eslint-plugin-n8n-nodes-base; inline eslint-disable comments are ignored.
// `n8n-node lint` covers the sources; this script covers the tarball the same way: it packs the package
// with npm, unpacks it and lints every .js file and package.json with that configuration.
//
// Why not call the scanner itself: its current release (0.32.0) depends on typescript 7, which its own
// TypeScript parser cannot load ("Cannot read properties of undefined (reading 'Cjs')"). So the same
// configuration is built here from the plugins @n8n/node-cli already brings (the versions `n8n-node lint`
// uses).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const fromPackage = createRequire(join(packageDir, 'package.json'));
const fromNodeCli = createRequire(fromPackage.resolve('@n8n/node-cli/eslint'));

const { ESLint } = fromNodeCli('eslint');
const tsParser = fromNodeCli('@typescript-eslint/parser');
const n8nNodesBase = fromNodeCli('eslint-plugin-n8n-nodes-base');
const { n8nCommunityNodesPlugin } = await import(
  pathToFileURL(fromNodeCli.resolve('@n8n/eslint-plugin-community-nodes')).href
);

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

const work = mkdtempSync(join(tmpdir(), 'cappi-n8n-scan-'));
try {
  const [{ filename, files }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], packageDir));
  const unpacked = join(work, 'package');
  mkdirSync(unpacked);
  run('tar', ['-xzf', join(work, filename), '-C', unpacked, '--strip-components=1'], work);

  const eslint = new ESLint({
    cwd: unpacked,
    allowInlineConfig: false,
    overrideConfigFile: true,
    overrideConfig: [
      n8nCommunityNodesPlugin.configs.recommended,
      { rules: { 'no-console': 'error' } },
      { plugins: { 'n8n-nodes-base': n8nNodesBase } },
      { files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
      { files: ['**/*.json'], languageOptions: { parser: tsParser } },
    ],
  });
  const results = await eslint.lintFiles(['**/*.js', 'package.json']);
  const errors = results.reduce((sum, result) => sum + result.errorCount, 0);
  const warnings = results.reduce((sum, result) => sum + result.warningCount, 0);
  const output = await (await eslint.loadFormatter('stylish')).format(results);
  if (output.trim() !== '') process.stdout.write(`${output}\n`);
  process.stdout.write(
    `${filename}: ${results.length} published files linted (of ${files.length} in the tarball): ${errors} errors, ${warnings} warnings\n`,
  );
  process.exitCode = errors > 0 ? 1 : 0;
} finally {
  rmSync(work, { recursive: true, force: true });
}
