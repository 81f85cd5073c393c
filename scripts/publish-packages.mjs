#!/usr/bin/env node
// Publishes every published (non-private) workspace package whose version is not on npm yet, with npm provenance.
// The release workflow (.github/workflows/release.yml) runs it as `pnpm run release` after changesets versioned them.
//
//   node scripts/publish-packages.mjs [--dry-run]
//
// Each package is packed with pnpm (which replaces `workspace:` ranges with real versions), then the tarball is
// published with `npm publish --provenance` (npm signs where it was built; n8n's verification requires it for the
// community nodes). Prints "New tag: <name>@<version>" per package published, the line changesets/action reads to
// tag and announce it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dryRun = process.argv.includes('--dry-run');

function run(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** The workspace's packages that are published, from pnpm itself. */
function publishedPackages() {
  const listed = JSON.parse(run('pnpm', ['ls', '-r', '--depth', '-1', '--json']));
  return listed.filter((entry) => entry.private !== true && entry.name !== undefined && entry.version !== undefined);
}

function onRegistry(name, version) {
  try {
    execFileSync('npm', ['view', `${name}@${version}`, 'version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    return true;
  } catch {
    return false;
  }
}

run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
const work = mkdtempSync(join(tmpdir(), 'cappi-publish-'));
try {
  for (const { name, version, path } of publishedPackages()) {
    if (onRegistry(name, version)) {
      process.stdout.write(`${name}@${version} is already on npm: skipped\n`);
      continue;
    }
    const folder = join(work, name.replace('/', '+'));
    run('pnpm', ['pack', '--pack-destination', folder], path);
    const [tarball] = readdirSync(folder).filter((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`pnpm pack left no tarball for ${name}`);
    // Provenance needs the identity of a CI run (id-token: write); a dry run elsewhere checks everything else.
    const args = [
      'publish',
      join(folder, tarball),
      '--access',
      'public',
      ...(dryRun ? ['--dry-run'] : ['--provenance']),
    ];
    run('npm', args, path);
    process.stdout.write(dryRun ? `would publish ${name}@${version}\n` : `New tag: ${name}@${version}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
