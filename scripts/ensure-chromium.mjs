#!/usr/bin/env node
// Chromium for the sandbox's Swagger UI test (apps/sandbox/src/docs.browser.test.ts): Debian's package, driven by
// playwright-core (a test tool's own browser download cannot work where only package registries are reachable).
// Installed here, a step of `npm test` before the suites, when it is missing and this machine can (root with
// apt-get, as on this project's machines and CI's); otherwise one sentence says what to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const DEADLINE_MS = 15 * 60_000;

function log(message) {
  process.stderr.write(`[chromium] ${message}\n`);
}

function apt(args) {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: DEADLINE_MS,
    killSignal: 'SIGKILL',
  });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`,
  };
}

if (existsSync(CHROMIUM)) {
  log(`found ${CHROMIUM}`);
  process.exit(0);
}
if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
  log(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (as root), then run again.`);
  process.exit(1);
}
const started = Date.now();
log("installing Debian's chromium with apt-get (about a minute; more on a busy machine)");
let installed = apt(['install', '-y', '--no-install-recommends', 'chromium']);
if (!installed.ok) {
  // A fresh machine may not have read the package lists yet.
  apt(['update']);
  installed = apt(['install', '-y', '--no-install-recommends', 'chromium']);
}
if (!installed.ok || !existsSync(CHROMIUM)) {
  process.stderr.write(installed.output.slice(-3000));
  log(`could not install Chromium: run \`apt-get install -y chromium\` and look at its output`);
  process.exit(1);
}
log(`installed ${CHROMIUM} in ${Math.round((Date.now() - started) / 1000)} s`);
