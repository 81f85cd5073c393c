#!/usr/bin/env node
// Copies core's pure domain modules and generated API types into this package.
//
// Why copies: n8n refuses community packages with runtime dependencies, and its strict lint (on the
// sources and on every published file) rejects any non-relative import, `import type` included. So
// the code this package shares with @cappi-reseller/core has to live inside the package as plain
// files. Core's domain/ folder is written for exactly this (no globals, no imports outside itself but
// `import type` from ../generated/schema.js), so the files are copied verbatim, with a header. They
// are committed, so a reviewer sees what ships, and `--check` fails when they drift from core.
//
//   node scripts/sync-core.mjs          write nodes/shared/core/ from packages/core/src
//   node scripts/sync-core.mjs --check  exit 1 if nodes/shared/core/ differs from what would be written
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(packageDir, '..', '..');
const coreSrc = join(repoRoot, 'packages', 'core', 'src');
const target = join(packageDir, 'nodes', 'shared', 'core');

// Folder of core's src -> which files of it are copied.
const FOLDERS = {
  domain: (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'),
  generated: (name) => name === 'schema.ts' || name === 'contract-schemas.ts',
};

function header(source) {
  return (
    `// GENERATED FILE, do not edit: a verbatim copy of ${source}, made by\n` +
    '// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).\n'
  );
}

/** The files this package should hold, as a map of path (relative to `target`) -> content. */
function expectedFiles() {
  const files = new Map();
  for (const [folder, wanted] of Object.entries(FOLDERS)) {
    const from = join(coreSrc, folder);
    if (!existsSync(from)) throw new Error(`core has no ${relative(repoRoot, from)}: is packages/core checked out?`);
    for (const name of readdirSync(from).filter(wanted).sort()) {
      const source = relative(repoRoot, join(from, name)).split('\\').join('/');
      files.set(`${folder}/${name}`, header(source) + readFileSync(join(from, name), 'utf8'));
    }
  }
  return files;
}

function existingFiles() {
  const files = new Map();
  for (const folder of Object.keys(FOLDERS)) {
    const dir = join(target, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) files.set(`${folder}/${name}`, readFileSync(join(dir, name), 'utf8'));
  }
  return files;
}

const expected = expectedFiles();
const existing = existingFiles();
const stale = [...expected].filter(([path, content]) => existing.get(path) !== content).map(([path]) => path);
const extra = [...existing.keys()].filter((path) => !expected.has(path));

if (process.argv.includes('--check')) {
  if (stale.length === 0 && extra.length === 0) {
    process.stdout.write(`nodes/shared/core is in sync with packages/core/src (${expected.size} files)\n`);
  } else {
    for (const path of stale) process.stderr.write(`out of date: nodes/shared/core/${path}\n`);
    for (const path of extra) process.stderr.write(`no longer in core: nodes/shared/core/${path}\n`);
    process.stderr.write(
      'nodes/shared/core differs from packages/core/src: run `pnpm generate` and commit the result\n',
    );
    process.exit(1);
  }
} else {
  for (const path of extra) rmSync(join(target, path));
  for (const path of stale) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), expected.get(path));
  }
  process.stdout.write(
    `nodes/shared/core: ${stale.length} written, ${extra.length} removed, ${expected.size - stale.length} unchanged\n`,
  );
}
