#!/usr/bin/env node
// Runs a command with its output held back: shown whole if it fails, never otherwise. For steps whose success is
// not news, such as the build before `npm run demo`.
//
//   node scripts/quietly.mjs <command> [args...]
import { spawnSync } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20, shell: false });
if (result.error) {
  process.stderr.write(`${command}: ${result.error.message}\n`);
  process.exit(1);
}
if (result.status !== 0) process.stderr.write(`${result.stdout}${result.stderr}`);
process.exit(result.status ?? 1);
