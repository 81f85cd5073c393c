// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/api-check.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import { accountProbeFindings, describeBody, quoter, readBody } from './api-check-answers.js';
import { balanceFindings, servicesFindings } from './api-check-catalog.js';
import {
  API_CHECK_PROBES,
  type ApiCheckContext,
  type ApiCheckFinding,
  type ApiCheckObservation,
  type ApiCheckProbe,
  type ApiCheckProbeName,
  type ApiCheckReport,
  type ApiCheckRequest,
  probeNamed,
} from './api-check-plan.js';
import { latencyFinding, transportFindings, unknownOrderFindings, wrongKeyFindings } from './api-check-probes.js';

export {
  API_CHECK_PROBES,
  type ApiCheckContext,
  type ApiCheckExchange,
  type ApiCheckFinding,
  type ApiCheckObservation,
  type ApiCheckProbe,
  type ApiCheckProbeName,
  type ApiCheckReport,
  type ApiCheckRequest,
  UNKNOWN_ORDER_ID,
  WRONG_API_KEY,
} from './api-check-plan.js';

// The read-only API check, minus its I/O: which requests to make (API_CHECK_PROBES), and what the answers mean
// (analyzeApiCheck): each compared with the contract, each difference said in one sentence together with what it
// means for the toolkit and whether the toolkit handles it. The faces (core's checkApi, the n8n credential test)
// only send the requests and hand over what came back.
//
// What a report may hold: shapes and types of answers, catalog facts (sizes, service ids), statuses, timings, the
// base URL without query. Never the key (every quoted text is redacted), never the balance figure, never an order.

/** Turns what the probes saw into a report. Pure: the same observations give the same report. */
export function analyzeApiCheck(
  observations: readonly ApiCheckObservation[],
  context: ApiCheckContext,
): ApiCheckReport {
  const quote = quoter(context.secrets);
  const seen = (name: ApiCheckProbeName) => observations.find((observation) => observation.probe === name);
  const findings: ApiCheckFinding[] = [
    ...transportFindings(context, observations),
    ...accountProbeFindings(probeNamed('balance'), seen('balance'), context, quote, balanceFindings),
    ...accountProbeFindings(probeNamed('services'), seen('services'), context, quote, servicesFindings),
    ...unknownOrderFindings(seen('unknownOrder'), context, quote),
    ...wrongKeyFindings(seen('wrongKey'), context, quote),
    latencyFinding(observations, context),
  ];
  const passed = findings.every((finding) => finding.handled);
  const baseUrl = quote.url(context.baseUrl);
  return {
    report: 'cappi-reseller API check',
    formatVersion: 1,
    sentRegisterOrder: false,
    ...(context.toolkit === undefined ? {} : { toolkit: context.toolkit }),
    checkedAt: context.checkedAt,
    baseUrl,
    passed,
    verdict: verdictOf(findings),
    requests: API_CHECK_PROBES.flatMap((probe) => {
      const observation = seen(probe.name);
      return observation === undefined ? [] : [requestSummary(probe, observation)];
    }),
    findings,
  };
}

/** The sentence that sums a report up; `--check-api` refuses to start with it. */
export function verdictOf(findings: readonly ApiCheckFinding[]): string {
  const unhandled = findings.filter((finding) => !finding.handled);
  const first = unhandled[0];
  if (first !== undefined) {
    const more = unhandled.length - 1;
    const opening = isSetupProblem(first)
      ? 'the API could not be checked'
      : 'the API differs from what the toolkit expects in a way it cannot handle';
    return (
      `${opening}: ${first.checked}: ${first.observed}` +
      (more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '')
    );
  }
  const differences = findings.filter((finding) => finding.result === 'differed').length;
  if (differences === 0) return 'the API behaves as the contract says';
  return `the API differs from the contract in ${differences} way${differences === 1 ? '' : 's'}, all handled by the toolkit`;
}

/** Problems that say nothing about the API's shape: a wrong key or base URL, no answer, an outage. */
const SETUP_PROBLEMS = new Set([
  'key_refused',
  'not_found',
  'unreachable',
  'timeout',
  'rate_limited',
  'server_error',
  'aborted',
  'not_run',
]);

/**
 * Whether a finding means the check could not see the API at all (rather than seeing it differ). A handled finding
 * never is: an unknown order's 404 (`unknownOrder.not_found`) is the API answering as the toolkit expects.
 */
export function isSetupProblem(finding: ApiCheckFinding): boolean {
  return !finding.handled && SETUP_PROBLEMS.has(finding.id.split('.')[1] ?? '');
}

function requestSummary(probe: ApiCheckProbe, observation: ApiCheckObservation): ApiCheckRequest {
  const durationMs = Math.round(observation.durationMs);
  if (observation.kind === 'no_answer') {
    return { probe: probe.name, request: probe.label, durationMs, failure: observation.reason };
  }
  const body = readBody(observation);
  return {
    probe: probe.name,
    request: probe.label,
    status: observation.status,
    ...(body.mediaType === '' ? {} : { contentType: body.mediaType }),
    shape: describeBody(body),
    durationMs,
  };
}
