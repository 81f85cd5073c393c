#!/usr/bin/env node
// Installs a pinned n8n once, outside the repository, and prints its directory.
//
//   node e2e/ensure-n8n.mjs          (`pnpm n8n:install`; turbo runs it before test:e2e)
//
// A step of its own, before the tests: on a fresh, busy machine the install took 889 s, and inside a test hook it
// counted against the test's deadline. Here it has its own deadline (40 minutes), prints how far it got every 30 s,
// and runs every command in a process group that is killed at the deadline.
//
// Why outside the repo: the install is ~2.9 GB, so it is cached in the user's cache folder and shared by every
// clone and every CI run on the machine. It is installed into a temporary folder and renamed only when complete,
// so a half-finished install is never picked up.
//
// Why these steps: n8n 2.41.x needs Node >= 24; `--ignore-scripts` because @confluentinc/kafka-javascript cannot
// build without librdkafka; then sqlite3, which n8n's default database needs, is rebuilt against the running Node's
// headers (a machine's ~/.npmrc may point nodedir at an older Node's). n8n 2.41.3 does not install (its dependency
// @n8n/agents@0.26.2 is missing from the registry): 2.41.1 does.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInGroup } from '@cappi-reseller/test-processes';

export const N8N_VERSION = '2.41.1';

/** The whole install's deadline: 889 s were measured on a fresh, busy 2-core machine; this leaves room. */
const INSTALL_DEADLINE_MS = 40 * 60_000;
const PROGRESS_EVERY_MS = 30_000;

function log(message) {
  process.stderr.write(`[n8n-install] ${message}\n`);
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

function isInstalled(dir) {
  return existsSync(join(dir, '.complete')) && existsSync(n8nBin(dir));
}

/**
 * The installed n8n's directory, for the tests: they never install it themselves (it is not theirs to wait for).
 * Throws one sentence saying what to run when it is missing.
 */
export function installedN8n() {
  const dir = n8nDir();
  if (!isInstalled(dir)) {
    throw new Error(
      `n8n ${N8N_VERSION} is not installed in ${dir}: run \`pnpm --filter n8n-nodes-cappi-reseller n8n:install\` first (\`npm test\` and turbo's test:e2e do)`,
    );
  }
  return dir;
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

/** npm that belongs to the running Node (Node 24 from the toolchain ships none, so fall back to PATH). */
function npmCommand() {
  const besideNode = join(dirname(process.execPath), 'npm');
  return existsSync(besideNode) ? besideNode : 'npm';
}

/** How many packages npm has put in place so far: the progress a person waiting wants to see. */
function packagesIn(dir) {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return 0;
  let count = 0;
  for (const name of readdirSync(modules)) {
    if (name.startsWith('.')) continue;
    count += name.startsWith('@') ? readdirSync(join(modules, name)).length : 1;
  }
  return count;
}

function minutes(ms) {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

async function step(what, args, tmp, env, deadline) {
  const started = Date.now();
  log(`${what}: npm ${args.join(' ')}`);
  const timer = setInterval(() => {
    log(`  still ${what}: ${minutes(Date.now() - started)} so far, ${packagesIn(tmp)} top-level packages in place`);
  }, PROGRESS_EVERY_MS);
  try {
    await runInGroup(npmCommand(), args, { cwd: tmp, env, timeoutMs: Math.max(1000, deadline - Date.now()) });
  } finally {
    clearInterval(timer);
  }
  log(`${what}: done in ${minutes(Date.now() - started)}`);
}

export async function ensureN8n() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`n8n ${N8N_VERSION} needs Node >= 24; this is Node ${process.versions.node}`);
  const dir = n8nDir();
  if (isInstalled(dir)) {
    log(`n8n ${N8N_VERSION} is installed in ${dir}`);
    return dir;
  }
  mkdirSync(cacheRoot(), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'package.json'), `${JSON.stringify({ name: 'n8n-e2e-install', private: true }, null, 2)}\n`);
  const started = Date.now();
  const deadline = started + INSTALL_DEADLINE_MS;
  log(
    `installing n8n ${N8N_VERSION} (2.9 GB) into ${tmp}: about 3 minutes on an idle machine, up to 15 on a busy one; ` +
      `cached afterwards; deadline ${INSTALL_DEADLINE_MS / 60_000} minutes`,
  );
  // The running Node must come first on PATH so npm's child processes (node-gyp) use it too.
  const env = {
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeHeadersDir(),
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
    npm_config_loglevel: 'error',
    npm_config_progress: 'false',
  };
  try {
    await step('installing', ['install', '--ignore-scripts', '--no-save', `n8n@${N8N_VERSION}`], tmp, env, deadline);
    await step('building sqlite3 for this Node', ['rebuild', 'sqlite3'], tmp, env, deadline);
    const installed = JSON.parse(readFileSync(join(tmp, 'node_modules', 'n8n', 'package.json'), 'utf8')).version;
    if (installed !== N8N_VERSION) throw new Error(`expected n8n ${N8N_VERSION}, npm installed ${installed}`);
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    // Another run may have finished first (two clones on one machine): keep its install, it may be in use.
    if (isInstalled(dir)) {
      rmSync(tmp, { recursive: true, force: true });
    } else {
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw error;
  }
  log(`installed n8n ${N8N_VERSION} in ${minutes(Date.now() - started)}`);
  return dir;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    process.stdout.write(`${await ensureN8n()}\n`);
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
