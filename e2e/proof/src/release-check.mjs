// Release check: what `changeset version` and `pnpm pack` would ship, checked before anything is published.
//
//   pnpm --filter @cappi-reseller/proof release-check        (build first: pnpm turbo run build)
//   node e2e/proof/src/release-check.mjs [--json]
//
// 1. Versions and changelogs: clones the repository (HEAD) into a temporary folder, runs `changeset version` there
//    (never in the working tree), and checks that each published package got the version its pending changesets
//    call for (semver), a CHANGELOG.md with that version and every changeset's text; that private packages were
//    left alone; that every changeset was consumed; and that no other file of a published package still states
//    the old version (e.g. an MCP registry server.json).
// 2. Tarballs: `pnpm pack` of every published package, listed and checked: no tests, fixtures, snapshots, .env,
//    configs or build leftovers; every file the package.json points to (exports, main, types, bin, n8n nodes and
//    credentials) present; no `workspace:` range left; README present; `publint --strict` on the tarball itself;
//    the n8n package without runtime dependencies.
// Prints a report; exits 1 when a check fails. Warnings are printed, not fatal.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInGroup } from '@cappi-reseller/test-processes';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(here, '..', '..', '..');
const require = createRequire(import.meta.url);
// publint exports no ./package.json: find its folder from its entry point (src/index-node.js).
const publintDir = join(dirname(require.resolve('publint')), '..');
const publintBin = join(publintDir, JSON.parse(readFileSync(join(publintDir, 'package.json'), 'utf8')).bin.publint);

/** The packages that must be published: a check fails if one goes missing or turns private. */
export const EXPECTED_PUBLISHED = [
  '@cappi-reseller/core',
  '@cappi-reseller/ledger',
  '@cappi-reseller/sandbox',
  '@cappi-reseller/mcp-server',
  'n8n-nodes-cappi-reseller',
];

// Paths inside a tarball that have no business in a published package.
const FORBIDDEN = [
  { pattern: /\.(test|spec)\.[cm]?[jt]sx?$/, what: 'a test file' },
  {
    pattern: /(^|\/)(test|tests|__tests__|e2e|fixtures?|__fixtures__|__snapshots__|__mocks__|coverage)\//,
    what: 'a test, fixture or coverage folder',
  },
  { pattern: /(^|\/)\.env(\..*)?$/, what: 'an .env file' },
  { pattern: /(^|\/)\.npmrc$/, what: 'an .npmrc' },
  { pattern: /(^|\/)node_modules\//, what: 'node_modules' },
  { pattern: /(^|\/)\.turbo\//, what: 'turbo cache' },
  { pattern: /\.tsbuildinfo$/, what: 'a TypeScript build-info file' },
  { pattern: /\.tgz$/, what: 'a tarball' },
  {
    pattern: /(^|\/)(vitest|vite|jest|eslint|biome|turbo)\.config\.[cm]?[jt]s$|(^|\/)(turbo|biome)\.json$/,
    what: 'a tool config',
  },
  { pattern: /(^|\/)tsconfig[^/]*\.json$/, what: 'a tsconfig' },
  { pattern: /(^|\/)\.(DS_Store|git|gitignore|github)(\/|$)/, what: 'VCS or OS leftovers' },
];

/** `pnpm pack`: the pnpm on PATH, or the one running this script (npm_execpath) when PATH has none. */
async function packWithPnpm(cwd, destination) {
  const args = ['pack', '--pack-destination', destination];
  const execpath = process.env.npm_execpath;
  const [command, commandArgs] =
    execpath !== undefined && /pnpm/.test(execpath) ? [process.execPath, [execpath, ...args]] : ['pnpm', args];
  return await runCommand(command, commandArgs, { cwd });
}

/**
 * Every command runs in a process group of its own with a deadline (a stuck one fails the check instead of holding
 * the run), and resolves with { status, stdout, stderr }.
 */
async function runCommand(command, args, options = {}) {
  try {
    const result = await runInGroup(command, args, { timeoutMs: 180_000, allowFailure: true, ...options });
    return { status: result.code, stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    return { status: null, stdout: '', stderr: error instanceof Error ? error.message : String(error) };
  }
}

/** A command's standard output; throws when it fails. */
async function run(command, args, options = {}) {
  const result = await runCommand(command, args, options);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Workspace packages from pnpm-workspace.yaml's `packages:` globs (`dir` and `dir/*` forms). */
export function workspacePackages(root) {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const section = yaml.split(/^packages:\s*$/m)[1]?.split(/^\S/m)[0] ?? '';
  const globs = [...section.matchAll(/^\s*-\s*['"]?([^'"\s#]+)/gm)].map((match) => match[1]);
  const dirs = globs.flatMap((glob) => {
    if (!glob.endsWith('/*')) return [join(root, glob)];
    const parent = join(root, glob.slice(0, -2));
    return existsSync(parent) ? readdirSync(parent).map((name) => join(parent, name)) : [];
  });
  return dirs
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }));
}

/** Pending changesets: { file, releases: { name: bump }, summary }. */
export function readChangesets(root) {
  const folder = join(root, '.changeset');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.md') && file !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(folder, file), 'utf8');
      const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text);
      if (match === null) throw new Error(`.changeset/${file} has no front matter`);
      const releases = {};
      for (const line of match[1].split(/\r?\n/)) {
        const entry = /^\s*['"]?([^'":]+)['"]?\s*:\s*(major|minor|patch)\s*$/.exec(line);
        if (entry) releases[entry[1]] = entry[2];
      }
      return { file, releases, summary: match[2].trim() };
    });
}

const BUMPS = ['patch', 'minor', 'major'];
/** semver increment, as changesets applies it (0.x included: minor on 0.1.0 is 0.2.0). */
export function bump(version, kind) {
  const [major, minor, patch] = version.split('-')[0].split('.').map(Number);
  if (kind === 'major') return `${major + 1}.0.0`;
  if (kind === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** Every string a package.json points to as a shipped file. */
function pointedFiles(manifest) {
  const files = [];
  const walk = (value) => {
    if (typeof value === 'string') files.push(value);
    else if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) walk(inner);
  };
  for (const field of ['main', 'module', 'types', 'typings', 'exports', 'bin']) walk(manifest[field]);
  if (manifest.n8n) {
    walk(manifest.n8n.nodes);
    walk(manifest.n8n.credentials);
  }
  return [...new Set(files)]
    .filter((file) => !file.includes('*'))
    .map((file) => file.replace(/^\.\//, ''))
    .filter((file) => file !== 'package.json');
}

export async function runReleaseCheck({ root = ROOT } = {}) {
  const checks = [];
  const notes = [];
  const check = (id, pkg, ok, detail, severity = 'error') => checks.push({ id, package: pkg, ok, detail, severity });
  const packages = workspacePackages(root);
  const published = packages.filter((entry) => entry.manifest.private !== true);
  const privateOnes = packages.filter((entry) => entry.manifest.private === true);
  for (const name of EXPECTED_PUBLISHED) {
    check(
      'published-set',
      name,
      published.some((entry) => entry.manifest.name === name),
      'is a published (non-private) workspace package',
    );
  }
  for (const entry of published) {
    if (!EXPECTED_PUBLISHED.includes(entry.manifest.name)) {
      check(
        'published-set',
        entry.manifest.name,
        false,
        'is published but not expected: mark it private or add it to EXPECTED_PUBLISHED',
      );
    }
  }

  const work = mkdtempSync(join(tmpdir(), 'cappi-release-'));
  try {
    // 1. changeset version, in a clone of HEAD.
    const changesets = readChangesets(root);
    const clone = join(work, 'repo');
    await run('git', ['clone', '--quiet', '--shared', root, clone]);
    // The clone holds HEAD: the changesets and versions there are what a release would start from.
    const cloned = workspacePackages(clone);
    const clonedChangesets = readChangesets(clone);
    if (clonedChangesets.length !== changesets.length) {
      notes.push(
        `${changesets.length - clonedChangesets.length} changeset(s) in the working tree are not committed: checked HEAD's ${clonedChangesets.length}`,
      );
    }
    symlinkSync(join(root, 'node_modules'), join(clone, 'node_modules'), 'dir');
    // The repo's own release command (`pnpm version-packages`): changeset version plus the MCP server's version files.
    const version = await runCommand(process.execPath, [join(clone, 'scripts', 'version-packages.mjs'), clone], {
      cwd: clone,
    });
    check(
      'changeset-version-runs',
      '(repo)',
      version.status === 0,
      `version-packages exited ${version.status}${version.status === 0 ? '' : `: ${version.stderr.trim()}`}`,
    );

    const wanted = {};
    for (const changeset of clonedChangesets) {
      for (const [name, kind] of Object.entries(changeset.releases)) {
        if (BUMPS.indexOf(kind) > BUMPS.indexOf(wanted[name] ?? 'none')) wanted[name] = kind;
      }
    }
    for (const entry of cloned) {
      const name = entry.manifest.name;
      const before = entry.manifest.version;
      const after = JSON.parse(readFileSync(join(entry.dir, 'package.json'), 'utf8')).version;
      const changelogPath = join(entry.dir, 'CHANGELOG.md');
      const pkgLabel = `${name}`;
      if (entry.manifest.private === true) {
        check(
          'private-untouched',
          pkgLabel,
          after === before && !existsSync(changelogPath),
          `private: version stays ${before}, no CHANGELOG.md (got ${after}${existsSync(changelogPath) ? ', a CHANGELOG.md' : ''})`,
        );
        continue;
      }
      const expected = wanted[name] === undefined ? before : bump(before, wanted[name]);
      check(
        'version',
        pkgLabel,
        after === expected,
        `${before} -> ${after} (expected ${expected}${wanted[name] ? `, ${wanted[name]} from its changesets` : ', no changeset'})`,
      );
      if (wanted[name] !== undefined) {
        const changelog = existsSync(changelogPath) ? readFileSync(changelogPath, 'utf8') : '';
        const missing = clonedChangesets
          .filter((changeset) => changeset.releases[name] !== undefined)
          .filter((changeset) => !changelog.includes(changeset.summary.split(/\r?\n/)[0].trim()));
        const heading = changelog.startsWith(`# ${name}\n`) && changelog.includes(`\n## ${expected}\n`);
        const section = changelog.includes(`### ${wanted[name][0].toUpperCase()}${wanted[name].slice(1)} Changes`);
        check(
          'changelog',
          pkgLabel,
          heading && section && missing.length === 0,
          heading && section && missing.length === 0
            ? `CHANGELOG.md: "## ${expected}", "${wanted[name]} changes", the text of every changeset`
            : `CHANGELOG.md wrong: heading ${heading}, section ${section}, missing ${missing.map((changeset) => changeset.file).join(', ') || 'none'}`,
        );
        if (before === '0.1.0' && wanted[name] === 'minor' && changelog.includes('First release')) {
          notes.push(
            `${name}: its changeset announces a first release, but package.json already says 0.1.0, so it ships as ${expected}`,
          );
        }
      }
      // Any other JSON file at the package's root that states the package's version must move with it.
      const stale = readdirSync(entry.dir)
        .filter((file) => file.endsWith('.json') && file !== 'package.json' && !file.startsWith('tsconfig'))
        .flatMap((file) => {
          const found = [];
          const walk = (value, path) => {
            if (Array.isArray(value)) {
              for (const [index, inner] of value.entries()) walk(inner, `${path}[${index}]`);
            } else if (value !== null && typeof value === 'object') {
              for (const [field, inner] of Object.entries(value)) {
                if (field === 'version' && inner === before && after !== before) found.push(`${file} ${path}.version`);
                else walk(inner, `${path}.${field}`);
              }
            }
          };
          walk(JSON.parse(readFileSync(join(entry.dir, file), 'utf8')), '');
          return found;
        });
      check(
        'versions-agree',
        pkgLabel,
        stale.length === 0,
        stale.length === 0
          ? `no other root JSON file states ${before} after the bump`
          : `still ${before} after the bump to ${after}: ${stale.join(', ')}`,
      );
    }
    const left = readdirSync(join(clone, '.changeset')).filter((file) => file.endsWith('.md') && file !== 'README.md');
    check(
      'changesets-consumed',
      '(repo)',
      left.length === 0,
      left.length === 0 ? `${clonedChangesets.length} changesets consumed` : `left: ${left.join(', ')}`,
    );

    // 2. Tarballs, packed from the working tree (built).
    const packs = join(work, 'packs');
    mkdirSync(packs);
    for (const entry of published) {
      const name = entry.manifest.name;
      const pnpm = await packWithPnpm(entry.dir, packs);
      if (pnpm.status !== 0) {
        check('pack', name, false, `pnpm pack failed: ${pnpm.stderr.trim().split('\n').slice(-3).join(' ')}`);
        continue;
      }
      const tarball = readdirSync(packs)
        .map((file) => join(packs, file))
        .find((file) => file.endsWith('.tgz') && file.includes(name.replace('@', '').replace('/', '-')));
      if (tarball === undefined) {
        check('pack', name, false, 'no tarball found after pnpm pack');
        continue;
      }
      const files = (await run('tar', ['-tzf', tarball]))
        .trim()
        .split('\n')
        .map((path) => path.replace(/^package\//, ''));
      const sizeKb = statSync(tarball).size / 1024;
      const sizes = (await run('tar', ['-tzvf', tarball]))
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .map((fields) => ({
          bytes: Number(fields[2]),
          path: fields
            .slice(5)
            .join(' ')
            .replace(/^package\//, ''),
        }));
      const unpacked = sizes.reduce((sum, entry) => sum + entry.bytes, 0);
      const largest = sizes.reduce((top, entry) => (entry.bytes > top.bytes ? entry : top));
      check(
        'pack',
        name,
        true,
        `${files.length} files, ${sizeKb.toFixed(0)} kB packed, ${(unpacked / 1024).toFixed(0)} kB unpacked; largest ${largest.path} (${(largest.bytes / 1024).toFixed(0)} kB)`,
        'info',
      );
      const bad = files.flatMap((file) =>
        FORBIDDEN.filter((rule) => rule.pattern.test(file)).map((rule) => `${file} (${rule.what})`),
      );
      check(
        'no-unwanted-files',
        name,
        bad.length === 0,
        bad.length === 0 ? 'no tests, fixtures, .env, configs or build leftovers' : bad.slice(0, 10).join(', '),
      );
      const packedManifest = JSON.parse(await run('tar', ['-xzOf', tarball, 'package/package.json']));
      const required = ['package.json', 'README.md', ...pointedFiles(packedManifest)];
      const absent = required.filter((file) => !files.includes(file));
      check(
        'required-files',
        name,
        absent.length === 0,
        absent.length === 0 ? `present: ${required.join(', ')}` : `missing: ${absent.join(', ')}`,
      );
      const hasLicense = files.some((file) => /^licen[cs]e(\.|$)/i.test(file));
      check(
        'license-file',
        name,
        hasLicense,
        hasLicense ? 'LICENSE shipped' : `no LICENSE file, though package.json says "${packedManifest.license}"`,
        'warning',
      );
      const workspaceRanges = ['dependencies', 'peerDependencies', 'optionalDependencies']
        .flatMap((field) => Object.entries(packedManifest[field] ?? {}).map(([dep, range]) => ({ field, dep, range })))
        .filter(({ range }) => String(range).startsWith('workspace:'));
      check(
        'no-workspace-ranges',
        name,
        workspaceRanges.length === 0,
        workspaceRanges.length === 0
          ? 'every dependency range is a real version'
          : workspaceRanges.map(({ dep, range }) => `${dep}@${range}`).join(', '),
      );
      // Source maps that point at sources not shipped (nor embedded in `sourcesContent`) are broken for whoever
      // debugs the package.
      const maps = files.filter((file) => file.endsWith('.map'));
      const brokenMaps = [];
      for (const map of maps) {
        const { sources = [], sourcesContent = [] } = JSON.parse(
          await run('tar', ['-xzOf', tarball, `package/${map}`]),
        );
        const broken = sources.some(
          (source, index) =>
            typeof sourcesContent[index] !== 'string' &&
            !files.includes(join(dirname(map), source).replace(/\\/g, '/')),
        );
        if (broken) brokenMaps.push(map);
      }
      check(
        'source-maps',
        name,
        brokenMaps.length === 0,
        brokenMaps.length === 0
          ? `${maps.length} source maps, their sources shipped or embedded`
          : `${brokenMaps.length} of ${maps.length} source maps point at sources not in the package (e.g. ${brokenMaps[0]})`,
        'warning',
      );
      const publint = await runCommand(process.execPath, [publintBin, 'run', tarball, '--strict']);
      const publintOut = `${publint.stdout}${publint.stderr}`.trim();
      check(
        'publint',
        name,
        publint.status === 0,
        publint.status === 0 ? 'publint --strict: no issues' : publintOut.split('\n').slice(0, 6).join(' | '),
      );
      if (name.startsWith('n8n-nodes-')) {
        const deps = Object.keys(packedManifest.dependencies ?? {});
        check(
          'n8n-no-runtime-deps',
          name,
          deps.length === 0,
          deps.length === 0 ? 'no runtime dependencies' : `runtime dependencies: ${deps.join(', ')}`,
        );
        const peers = Object.keys(packedManifest.peerDependencies ?? {});
        check(
          'n8n-peer-deps',
          name,
          peers.every((peer) => peer === 'n8n-workflow'),
          `peer dependencies: ${peers.join(', ') || 'none'}`,
        );
        const icons = files.filter((file) => file.endsWith('.svg'));
        check('n8n-icons', name, icons.length > 0, `${icons.length} SVG icons shipped`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { checks, notes, privatePackages: privateOnes.map((entry) => entry.manifest.name) };
}

export function formatReport({ checks, notes }) {
  const lines = [];
  const byPackage = new Map();
  for (const entry of checks) byPackage.set(entry.package, [...(byPackage.get(entry.package) ?? []), entry]);
  for (const [name, entries] of byPackage) {
    lines.push(name);
    for (const entry of entries) {
      const mark = entry.ok
        ? 'ok  '
        : entry.severity === 'error'
          ? 'FAIL'
          : entry.severity === 'warning'
            ? 'warn'
            : 'info';
      lines.push(`  ${mark} ${entry.id}: ${entry.detail}`);
    }
  }
  for (const note of notes) lines.push(`note: ${note}`);
  const failed = checks.filter((entry) => !entry.ok && entry.severity === 'error');
  const warned = checks.filter((entry) => !entry.ok && entry.severity === 'warning');
  lines.push(`${checks.length} checks: ${failed.length} failed, ${warned.length} warnings`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const report = await runReleaseCheck();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${formatReport(report)}\n`);
  process.exitCode = report.checks.some((entry) => !entry.ok && entry.severity === 'error') ? 1 : 0;
}
