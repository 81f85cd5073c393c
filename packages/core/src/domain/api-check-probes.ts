import {
  type Answer,
  type Body,
  describeBody,
  errorAs200Finding,
  errorMessageIn,
  errorStatusFinding,
  finding,
  HANDLED,
  htmlPageFinding,
  MATCHED,
  probeFindings,
  type Quoter,
  UNHANDLED,
} from './api-check-answers.js';
import {
  type ApiCheckContext,
  type ApiCheckFinding,
  type ApiCheckObservation,
  type ApiCheckProbe,
  probeNamed,
} from './api-check-plan.js';
import {
  breaksContract,
  compareWithContract,
  compareWithSchema,
  contractResponseSchema,
  describeShape,
} from './contract-check.js';

// The probes that look at refusals (an order that cannot exist, a wrong key) and at the transport (HTTPS, redirects,
// latency).

// ---------------------------------------------------------------------------------------------------------------
// OrderStatus of an order that cannot exist

export function unknownOrderFindings(
  observation: ApiCheckObservation | undefined,
  context: ApiCheckContext,
  quote: Quoter,
): ApiCheckFinding[] {
  const probe = probeNamed('unknownOrder');
  return probeFindings(probe, observation, context, quote, (answer, body) =>
    unknownOrderAnswer(probe, answer, body, quote),
  );
}

function unknownOrderAnswer(probe: ApiCheckProbe, observation: Answer, body: Body, quote: Quoter): ApiCheckFinding[] {
  const checked = probe.subject;
  const what = describeBody(body);
  const { status } = observation;
  if (status === 404) {
    const asContract = conformsToContract('OrderStatus', status, body);
    return [
      finding(
        'unknownOrder.not_found',
        checked,
        `HTTP 404, ${what}`,
        asContract
          ? 'as the contract says: the toolkit reports "order not found"'
          : 'the contract says application/problem+json; the toolkit goes by the status and reports "order not found"',
        asContract ? MATCHED : HANDLED,
      ),
    ];
  }
  if (status === 400) {
    return [
      finding(
        'unknownOrder.bad_request',
        checked,
        `HTTP 400, ${what}: the API refused the id rather than saying it does not exist`,
        'the toolkit reports "invalid request" for an order id the API does not know, not "order not found"',
        HANDLED,
      ),
    ];
  }
  if (status === 200) {
    if (!compareWithContract('OrderStatus', body.json).some(breaksContract)) {
      return [
        finding(
          'unknownOrder.answered',
          checked,
          `HTTP 200 with an order status (${describeShape(body.json)}) for an order that cannot exist`,
          'the toolkit would show a status for an order that does not exist, and a wait for it would not end',
          UNHANDLED,
        ),
      ];
    }
    const message = errorMessageIn(body.json);
    if (message !== undefined) return [errorAs200Finding(probe, message, quote, 'HTTP 404')];
    if (body.isHtml) return [htmlPageFinding(probe, observation, body)];
    return [
      finding(
        'unknownOrder.unexpected_body',
        checked,
        `HTTP 200 with ${what}`,
        'the toolkit reports "unexpected body" (and retries) instead of "order not found"',
        UNHANDLED,
      ),
    ];
  }
  return [errorStatusFinding(probe, observation, body)];
}

// ---------------------------------------------------------------------------------------------------------------
// Balance with a wrong key

export function wrongKeyFindings(
  observation: ApiCheckObservation | undefined,
  context: ApiCheckContext,
  quote: Quoter,
): ApiCheckFinding[] {
  const probe = probeNamed('wrongKey');
  return probeFindings(probe, observation, context, quote, (answer, body) =>
    wrongKeyAnswer(probe, answer, body, quote),
  );
}

function wrongKeyAnswer(probe: ApiCheckProbe, observation: Answer, body: Body, quote: Quoter): ApiCheckFinding[] {
  const checked = probe.subject;
  const what = describeBody(body);
  const { status } = observation;
  if (status === 401 || status === 403) {
    const asContract = conformsToContract('Balance', status, body);
    return [
      finding(
        'wrongKey.refused',
        checked,
        `refused with HTTP ${status}, ${what}`,
        asContract
          ? 'as the contract says: the toolkit reports "the API key was rejected"'
          : `the contract says HTTP 401 with application/problem+json; the toolkit goes by the status and reports "the API key was rejected"`,
        asContract ? MATCHED : HANDLED,
      ),
    ];
  }
  if (status === 200) {
    if (!compareWithContract('Balance', body.json).some(breaksContract)) {
      return [
        finding(
          'wrongKey.accepted',
          checked,
          'HTTP 200 with a balance: the API accepted a key that no account has',
          'the API does not check keys the way the toolkit assumes: do not trust it with money until this is explained',
          UNHANDLED,
        ),
      ];
    }
    const message = errorMessageIn(body.json);
    if (message !== undefined) return [errorAs200Finding(probe, message, quote, 'HTTP 401')];
    if (body.isHtml) return [htmlPageFinding(probe, observation, body)];
    return [
      finding(
        'wrongKey.unexpected_body',
        checked,
        `HTTP 200 with ${what}`,
        'the toolkit reports "unexpected body" for a rejected key, and a refused RegisterOrder in this shape would be reported as "the order may have been placed"',
        UNHANDLED,
      ),
    ];
  }
  if (status === 429 || status >= 500) return [errorStatusFinding(probe, observation, body)];
  return [
    finding(
      'wrongKey.other_status',
      checked,
      `refused with HTTP ${status}, ${what}; the contract says HTTP 401`,
      `nothing is ever placed on such an answer, but a rejected key shows as ${status === 404 ? '"no endpoint here: check baseUrl"' : status === 400 ? '"invalid request"' : `"unexpected HTTP ${status}"`}, not as "key rejected"`,
      HANDLED,
    ),
  ];
}

function conformsToContract(operation: 'Balance' | 'OrderStatus', status: number, body: Body): boolean {
  // A status or media type the contract does not list has no schema; a body that is not JSON never conforms.
  const { schema } = contractResponseSchema(operation, status, body.mediaType);
  return schema !== undefined && !compareWithSchema(schema, body.json).some(breaksContract);
}

// ---------------------------------------------------------------------------------------------------------------
// Transport: HTTPS, redirects, latency

export function transportFindings(
  context: ApiCheckContext,
  observations: readonly ApiCheckObservation[],
): ApiCheckFinding[] {
  const findings: ApiCheckFinding[] = [];
  let url: URL | undefined;
  try {
    url = new URL(context.baseUrl);
  } catch {
    // Not a URL: no host, and not HTTPS.
  }
  const host = url?.hostname ?? '';
  if (url?.protocol === 'https:') {
    findings.push(finding('transport.https', 'HTTPS', `HTTPS to ${host}`, 'the key travels encrypted', MATCHED));
  } else if (/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) {
    findings.push(
      finding(
        'transport.https',
        'HTTPS',
        `plain HTTP to this machine (${host}): a local sandbox or proxy`,
        'the key does not leave this machine; the real API is reached over HTTPS',
        MATCHED,
      ),
    );
  } else {
    findings.push(
      finding(
        'transport.https',
        'HTTPS',
        `plain HTTP to ${host || 'the base URL'}, not HTTPS`,
        'the key would cross the network unencrypted in every URL: use the https:// address',
        UNHANDLED,
      ),
    );
  }
  const answered = observations.filter((observation) => observation.kind === 'answer');
  const redirects = answered.filter((observation) => observation.status >= 300 && observation.status < 400);
  if (answered.length > 0 && redirects.length === 0) {
    findings.push(
      finding(
        'transport.redirects',
        'Redirects',
        `none of the ${answered.length} answers was a redirect`,
        'the toolkit never follows one (the key would travel with it), and has none to follow',
        MATCHED,
      ),
    );
  }
  return findings;
}

export function latencyFinding(
  observations: readonly ApiCheckObservation[],
  context: ApiCheckContext,
): ApiCheckFinding {
  const answered = observations.filter((observation) => observation.kind === 'answer');
  const label = (observation: ApiCheckObservation) => probeNamed(observation.probe).label;
  const slow = answered.filter((observation) => observation.durationMs > context.slowMs);
  if (slow.length > 0) {
    const list = slow.map((observation) => `${label(observation)} ${Math.round(observation.durationMs)} ms`).join(', ');
    return finding(
      'latency.slow',
      'Latency',
      `slow answers: ${list} (slow means over ${context.slowMs} ms)`,
      `the toolkit waits up to ${context.timeoutMs} ms per attempt, so these calls still work, slowly; closer to that limit they would fail`,
      HANDLED,
    );
  }
  const slowest = [...answered].sort((a, b) => b.durationMs - a.durationMs)[0];
  return finding(
    'latency.ok',
    'Latency',
    slowest === undefined
      ? 'no answer to time'
      : `every answer within ${context.slowMs} ms (slowest: ${label(slowest)}, ${Math.round(slowest.durationMs)} ms)`,
    `well within the toolkit's ${context.timeoutMs} ms per attempt`,
    MATCHED,
  );
}
