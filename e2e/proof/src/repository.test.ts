// The repository as a whole: what it states about itself is consistent and stands on its own.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInGroup } from '@cappi-reseller/test-processes';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, workspacePackages } from './release-check.mjs';

const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '' && file !== 'pnpm-lock.yaml');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const readJson = (file: string) => JSON.parse(read(file)) as Record<string, unknown>;

describe('the repository stands on its own', () => {
  it('no tracked file points at files outside it (a build machine path, the vendor page by file name)', () => {
    const outside = /\/work\/|\bshared\/api\.md\b|\bshared\/(DESIGN|ENVIRONMENT)\.md\b/;
    const offenders = tracked.filter((file) => outside.test(read(file)));
    expect(offenders).toEqual([]);
    // The vendor's page is cited by its address instead.
    expect(read('openapi/reseller.openapi.yaml')).toContain('https://cappiservices.com/api/Reseller');
  });
});

describe('every published package is ready to publish', () => {
  const REPO = 'https://github.com/cappi-reseller/cappi-reseller';
  const published = workspacePackages(ROOT).filter((entry) => entry.manifest.private !== true);

  it('names its repository, homepage, issue tracker and author, with no placeholder', () => {
    for (const { dir, manifest } of published) {
      const name = String(manifest.name);
      const where = dir.slice(ROOT.length).replace(/^\//, '');
      expect(manifest.repository, name).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: where });
      expect(manifest.homepage, name).toBe(`${REPO}/tree/main/${where}#readme`);
      expect(manifest.bugs, name).toEqual({ url: `${REPO}/issues` });
      // n8n's verification wants a name and an e-mail address: the repository owner's GitHub address, not an invented one.
      expect(manifest.author, name).toEqual({
        name: 'cappi-reseller contributors',
        email: 'cappi-reseller@users.noreply.github.com',
        url: REPO,
      });
      expect(JSON.stringify(manifest), name).not.toMatch(/\.example\b|you@|placeholder/i);
    }
  });

  it('ships only files that exist: every plain path of `files` (the CHANGELOG.md changesets writes to included)', () => {
    for (const { dir, manifest } of published) {
      const files = (manifest.files as string[]).filter((file) => !/[*!]/.test(file));
      expect(files, String(manifest.name)).toContain('CHANGELOG.md');
      for (const file of files) expect(existsSync(join(dir, file)), `${manifest.name}: ${file}`).toBe(true);
    }
  });
});

describe('one Node.js support statement (contributing/decisions/node-support.md)', () => {
  // The decision's table: | `package` | >= X | why |, and one row for the workspace and the private packages.
  const decision = read('contributing/decisions/node-support.md');
  const floors = new Map(
    [...decision.matchAll(/^\|\s*(`[^`]+`|the workspace[^|]*)\s*\|\s*>= ([0-9.]+)\s*\|/gm)].map((match) => [
      (match[1] ?? '').replaceAll('`', '').trim(),
      match[2] ?? '',
    ]),
  );
  const workspaceFloor = [...floors].find(([name]) => name.startsWith('the workspace'))?.[1];

  it('states a floor for every published package and for the workspace', () => {
    const published = workspacePackages(ROOT).filter((entry) => entry.manifest.private !== true);
    expect(published.length).toBeGreaterThan(0);
    for (const entry of published)
      expect(floors.has(String(entry.manifest.name)), String(entry.manifest.name)).toBe(true);
    expect(workspaceFloor).toBeDefined();
  });

  it('every package.json says exactly what the decision says', () => {
    const stated = [{ dir: ROOT, manifest: readJson('package.json') }, ...workspacePackages(ROOT)].map((entry) => ({
      name: String(entry.manifest.name),
      engines: (entry.manifest.engines as { node?: string } | undefined)?.node,
      wanted: entry.manifest.private === true ? workspaceFloor : floors.get(String(entry.manifest.name)),
    }));
    for (const { name, engines, wanted } of stated) expect(engines, name).toBe(`>=${wanted}`);
  });

  it("the MCP server's desktop extension asks for the same Node as its package", () => {
    const manifest = readJson('apps/mcp-server/manifest.json') as { compatibility: { runtimes: { node: string } } };
    const floor = floors.get('@cappi-reseller/mcp-server') ?? '';
    expect(manifest.compatibility.runtimes.node).toBe(`>=${floor}${floor.split('.').length === 2 ? '.0' : ''}`);
  });
});

describe('the GitHub workflows (they cannot run here: linted and read)', () => {
  // rhysd/actionlint 1.7.7 compiled to WebAssembly: syntax, expressions, job and step keys, known actions' inputs.
  // Its package exports no ./package.json: the bin is found through this package's node_modules.
  const actionlint = join(
    ROOT,
    'e2e',
    'proof',
    'node_modules',
    '@tktco',
    'node-actionlint',
    'bin',
    'node-actionlint.js',
  );
  const lint = (cwd: string, pattern?: string) =>
    runInGroup(process.execPath, [actionlint, ...(pattern ? [pattern] : [])], {
      cwd,
      allowFailure: true,
      timeoutMs: 60_000,
    });

  it('pass actionlint', async () => {
    const result = await lint(ROOT);
    expect(result.stdout).toContain('Checking 2 workflow file(s)');
    expect(result.code, result.stdout).toBe(0);
  });

  it('actionlint fails on a broken workflow (a misspelt input, an unknown context property)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cappi-actionlint-'));
    try {
      // A GitHub expression (built so that no plain string holds a template placeholder).
      const expression = `${'$'}{{ github.evnt }}`;
      const broken = [
        'on: push',
        'jobs:',
        '  a:',
        '    runs-on: ubuntu-24.04',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '        with: { fetch-dept: 0 }',
        `      - run: echo ${expression}`,
        '',
      ].join('\n');
      writeFileSync(join(dir, 'broken.yml'), broken);
      const result = await lint(dir, './broken.yml');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('input "fetch-dept" is not defined');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('CI runs .ci/run; the release publishes every package with provenance, allowed to sign', () => {
    const ci = parse(read('.github/workflows/ci.yml')) as { jobs: Record<string, { steps: { run?: string }[] }> };
    expect(Object.values(ci.jobs).flatMap((job) => job.steps.map((step) => step.run))).toContain('bash .ci/run');
    const release = parse(read('.github/workflows/release.yml')) as {
      permissions: Record<string, string>;
      jobs: Record<string, { steps: { uses?: string; with?: Record<string, string> }[] }>;
    };
    expect(release.permissions['id-token']).toBe('write');
    const changesets = Object.values(release.jobs)
      .flatMap((job) => job.steps)
      .find((step) => step.uses?.startsWith('changesets/action'));
    expect(changesets?.with?.publish).toContain('pnpm run release');
    expect(readJson('package.json').scripts).toMatchObject({ release: 'node scripts/publish-packages.mjs' });
    // The script publishes what pnpm lists as not private (the n8n package included), each with --provenance.
    const script = read('scripts/publish-packages.mjs');
    expect(script).toContain("'--provenance'");
    expect(script).toContain('entry.private !== true');
  });
});
