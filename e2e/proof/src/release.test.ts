// Runs the release check (src/release-check.mjs: `changeset version` in a clone, `pnpm pack` + publint of every
// published package) and prints its report. Every check of severity "error" must pass, except the known gaps listed
// below, which are tripwires: `it.fails` passes while the gap exists and fails once it is fixed (then remove it here).
import { describe, expect, it } from 'vitest';
import { bump, EXPECTED_PUBLISHED, formatReport, runReleaseCheck } from './release-check.mjs';
import { printFigures } from './support.js';

const KNOWN_GAPS = [
  {
    id: 'versions-agree',
    package: '@cappi-reseller/mcp-server',
    why: 'changeset version bumps package.json but not server.json / manifest.json, so the release PR would break the packaging test and publish a stale MCP registry entry',
  },
];

const report = runReleaseCheck();
const isKnown = (check: { id: string; package: string }) =>
  KNOWN_GAPS.some((gap) => gap.id === check.id && gap.package === check.package);

describe('release: changeset version, pnpm pack, publint', () => {
  it('prints the report', () => {
    printFigures('release check (e2e/proof/src/release-check.mjs)', formatReport(report).split('\n'));
  });

  it('bumps versions the way changesets does (the oracle of the version check)', () => {
    expect(bump('0.1.0', 'minor')).toBe('0.2.0');
    expect(bump('0.1.0', 'patch')).toBe('0.1.1');
    expect(bump('1.4.2', 'major')).toBe('2.0.0');
  });

  it('checked every published package, packed and linted', () => {
    for (const name of EXPECTED_PUBLISHED) {
      for (const id of ['version', 'pack', 'no-unwanted-files', 'required-files', 'publint']) {
        expect(
          report.checks.some((check) => check.package === name && check.id === id),
          `${id} of ${name}`,
        ).toBe(true);
      }
    }
  });

  it('passes every check but the known gaps', () => {
    const failed = report.checks.filter((check) => !check.ok && check.severity === 'error' && !isKnown(check));
    expect(failed).toEqual([]);
  });

  for (const gap of KNOWN_GAPS) {
    it.fails(`known gap: ${gap.package} ${gap.id} (${gap.why})`, () => {
      const check = report.checks.find((entry) => entry.id === gap.id && entry.package === gap.package);
      expect(check?.ok).toBe(true);
    });
  }
});
