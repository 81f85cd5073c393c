// Runs the release check (src/release-check.mjs: `changeset version` in a clone, `pnpm pack` + publint of every
// published package) and prints its report. Every check of severity "error" must pass.
import { describe, expect, it } from 'vitest';
import { bump, EXPECTED_PUBLISHED, formatReport, runReleaseCheck } from './release-check.mjs';
import { printFigures } from './support.js';

const report = await runReleaseCheck();

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

  it('passes every check', () => {
    const failed = report.checks.filter((check) => !check.ok && check.severity === 'error');
    expect(failed).toEqual([]);
  });
});
