#!/usr/bin/env node
// Installs a pinned n8n once, outside the repository, and prints its directory.
//
// Why outside the repo: the install is ~3 minutes and ~2.9 GB, so it is cached in the user's cache
// folder and shared by every clone and every CI run on the machine. It is installed into a temporary
// folder and renamed only when complete, so a half-finished install is never picked up.
//
// Why these steps (see /work/shared/ENVIRONMENT.md): n8n 2.41.x needs Node >= 24; `--ignore-scripts`
// because @confluentinc/kafka-javascript cannot build here (no librdkafka); then sqlite3, which n8n's
// default database needs, is rebuilt against Node 24's headers (the machine's ~/.npmrc points nodedir
// at Node 20's). n8n 2.41.3 does not install (a dependency is missing from the registry): 2.41.1 does.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const N8N_VERSION = '2.41.1';

function log(message) {
  process.stderr.write(`[ensure-n8n] ${message}\n`);
}

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'cappi-reseller');
}

export function n8nDir() {
  return join(cacheRoot(), `n8n-${N8N_VERSION}`);
}

export function n8nBin(dir = n8nDir()) {
  return join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** The folder holding Node's headers (include/node), needed to compile sqlite3 for this very Node. */
export function nodeHeadersDir() {
  const candidates = [
    // Node installed from the npm registry (`npm install node@24`): headers live in the platform package.
    join(dirname(dirname(process.execPath)), 'node_modules', `node-${process.platform}-${process.arch}`),
    // A regular Node install: <prefix>/bin/node and <prefix>/include/node.
    dirname(dirname(process.execPath)),
  ];
  const found = candidates.find((dir) => existsSync(join(dir, 'include', 'node', 'node_version.h')));
  if (!found) throw new Error(`no Node headers found next to ${process.execPath}`);
  return found;
}

/** A stuck install (say, the registry unreachable) must fail this run, not hold CI until its deadline. */
const STEP_TIMEOUT_MS = 15 * 60_000;

function run(command, args, options) {
  log(`$ ${command} ${args.join(' ')}  (in ${options.cwd})`);
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: STEP_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    ...options,
  });
  if (result.error?.code === 'ETIMEDOUT') {
    throw new Error(`${command} ${args.join(' ')} did not finish within ${STEP_TIMEOUT_MS / 60_000} minutes`);
  }
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** npm that belongs to the running Node (Node 24 from the toolchain ships none, so fall back to PATH). */
function npmCommand() {
  const besideNode = join(dirname(process.execPath), 'npm');
  return existsSync(besideNode) ? besideNode : 'npm';
}

export function ensureN8n() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`n8n ${N8N_VERSION} needs Node >= 24; this is Node ${process.versions.node}`);
  const dir = n8nDir();
  const marker = join(dir, '.complete');
  if (existsSync(marker) && existsSync(n8nBin(dir))) {
    log(`using cached n8n ${N8N_VERSION} in ${dir}`);
    return dir;
  }
  mkdirSync(cacheRoot(), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'package.json'), `${JSON.stringify({ name: 'n8n-e2e-install', private: true }, null, 2)}\n`);
  const started = Date.now();
  log(`installing n8n ${N8N_VERSION} into ${tmp} (about 3 minutes, 2.9 GB; cached afterwards)`);
  // The running Node 24 must come first on PATH so npm's child processes (node-gyp) use it too.
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeHeadersDir(),
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
  run(npmCommand(), ['install', '--ignore-scripts', '--no-save', `n8n@${N8N_VERSION}`], { cwd: tmp, env });
  run(npmCommand(), ['rebuild', 'sqlite3'], { cwd: tmp, env });
  const installed = JSON.parse(readFileSync(join(tmp, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
  if (installed !== N8N_VERSION) throw new Error(`expected n8n ${N8N_VERSION}, npm installed ${installed}`);
  writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`installed n8n ${N8N_VERSION} in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${ensureN8n()}\n`);
}
