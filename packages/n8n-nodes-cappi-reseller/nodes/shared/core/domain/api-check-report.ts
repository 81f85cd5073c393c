// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/api-check-report.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import { type ApiCheckFinding, type ApiCheckReport, isSetupProblem } from './api-check.js';

/** The first line of every rendering of a report: what the check never does. */
export const API_CHECK_HEADLINE =
  'Cappi Reseller API check: read-only. It never sends RegisterOrder and spends nothing.';

const SECTIONS: { title: string; mark: string; select: (finding: ApiCheckFinding) => boolean }[] = [
  { title: 'Matched', mark: 'ok', select: (finding) => finding.result === 'matched' },
  {
    title: 'Differs from the contract, handled by the toolkit',
    mark: '~~',
    select: (finding) => finding.result === 'differed' && finding.handled,
  },
  {
    title: 'Differs, and the toolkit cannot handle it',
    mark: '!!',
    select: (finding) => !finding.handled,
  },
];

/** The report as plain text for a person: what was sent, what matched, what differed and what that means. */
export function renderApiCheckText(report: ApiCheckReport): string {
  const lines = [API_CHECK_HEADLINE, '', `API:      ${report.baseUrl}`, `Checked:  ${report.checkedAt}`];
  if (report.toolkit !== undefined) lines.push(`Toolkit:  ${report.toolkit}`);
  lines.push('', 'Requests');
  const width = Math.max(...report.requests.map((request) => request.request.length));
  for (const request of report.requests) {
    const answer =
      request.status === undefined
        ? `no answer (${request.failure ?? 'unknown'})`
        : `${request.status} ${request.shape ?? ''}`.trim();
    lines.push(`  ${request.request.padEnd(width)}  ${String(request.durationMs).padStart(6)} ms  ${answer}`);
  }
  for (const section of SECTIONS) {
    const findings = report.findings.filter(section.select);
    if (findings.length === 0) continue;
    lines.push('', `${section.title} (${findings.length})`);
    for (const finding of findings) {
      lines.push(`  [${section.mark}] ${finding.checked}: ${finding.observed}`);
      lines.push(`       -> ${finding.meaning}`);
    }
  }
  lines.push('', `Result: ${report.passed ? 'OK' : 'PROBLEM'}: ${report.verdict}.`);
  return `${lines.join('\n')}\n`;
}

/** The report as JSON for a bug report (it holds no key, no balance figure and no order). */
export function renderApiCheckJson(report: ApiCheckReport): string {
  return `${JSON.stringify({ note: API_CHECK_HEADLINE, ...report }, null, 2)}\n`;
}

/**
 * A short message for a place with little room (an n8n credential test): the first problem with what it means,
 * then the other problems (or, when the toolkit handles everything, the differences), one per line.
 */
export function summarizeApiCheck(report: ApiCheckReport, maxLines = 5): string {
  const unhandled = report.findings.filter((finding) => !finding.handled);
  const [first, ...rest] = unhandled;
  if (first === undefined) {
    const differences = report.findings.filter((finding) => finding.result === 'differed');
    return [capitalize(`${report.verdict}.`), ...listed(differences, maxLines)].join('\n');
  }
  // After a rejected key or a silent API, the same failure on the other requests adds nothing.
  const others = rest.filter(
    (finding) => !finding.id.endsWith('.not_run') && !(isSetupProblem(first) && isSetupProblem(finding)),
  );
  const opening = `${capitalize(first.checked)}: ${first.observed}. ${capitalize(first.meaning)}.`;
  return [opening, ...(others.length > 0 ? ['Also:', ...listed(others, maxLines)] : [])].join('\n');
}

function listed(findings: readonly ApiCheckFinding[], maxLines: number): string[] {
  const lines = findings.slice(0, maxLines).map((finding) => `- ${finding.checked}: ${finding.observed}`);
  if (findings.length > maxLines) lines.push(`- and ${findings.length - maxLines} more`);
  return lines;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
