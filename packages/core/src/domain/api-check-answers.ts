import type { ApiCheckContext, ApiCheckFinding, ApiCheckObservation, ApiCheckProbe } from './api-check-plan.js';
import { describeShape } from './contract-check.js';
import { redact, redactUrl } from './redact.js';

// Reading an answer of the API check, and the findings every probe can give (no answer, a redirect, an error status).

// ---------------------------------------------------------------------------------------------------------------
// Reading an answer

export type Answer = Extract<ApiCheckObservation, { kind: 'answer' }>;

export interface Body {
  /** The media type, lower case, without parameters ('' when absent). */
  mediaType: string;
  isJson: boolean;
  json: unknown;
  isHtml: boolean;
  isEmpty: boolean;
}

export function readBody(answer: Answer): Body {
  const mediaType = (answer.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = answer.body.trim();
  let json: unknown;
  let isJson = false;
  try {
    json = JSON.parse(text);
    isJson = true;
  } catch {
    // Not JSON (an empty body included: JSON.parse refuses it).
  }
  const isHtml = !isJson && (mediaType === 'text/html' || /^<(!doctype|html|head|body)\b/i.test(text));
  return { mediaType, isJson, json, isHtml, isEmpty: text === '' };
}

/** How a body looks, without what it says: "application/problem+json {title: string, status: integer}". */
export function describeBody(body: Body): string {
  const type = body.mediaType === '' ? 'no content type' : body.mediaType;
  if (body.isJson) return `${type} ${describeShape(body.json)}`;
  if (body.isHtml) return `an HTML page (${type})`;
  if (body.isEmpty) return `an empty body (${type})`;
  return `a body that is not JSON (${type})`;
}

/** The message of an error sent as a normal answer: `{ "error": "..." }` and its usual spellings. */
export function errorMessageIn(json: unknown): string | undefined {
  if (!isRecord(json)) return undefined;
  for (const field of ['error', 'message', 'Message', 'errorMessage', 'error_message', 'Error']) {
    const value = json[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (isRecord(value) && typeof value.message === 'string' && value.message.trim() !== '') {
      return value.message.trim();
    }
  }
  return undefined;
}

export interface Quoter {
  /** Text from the API, safe to show: the key scrubbed, clipped, in quotes. */
  (text: string): string;
  /** A URL without its query and fragment (where keys travel), the key scrubbed. */
  url(url: string, base?: string): string;
  /** Text with the key scrubbed, clipped, not quoted. */
  plain(text: string): string;
}

export function quoter(secrets: readonly string[]): Quoter {
  const scrub = (text: string) => redactUrl(redact(text, secrets));
  const quote = ((text: string) => {
    const clean = scrub(text).replace(/\s+/g, ' ');
    return JSON.stringify(clean.length > 120 ? `${clean.slice(0, 120)}...` : clean);
  }) as Quoter;
  quote.plain = (text: string) => {
    const clean = scrub(text).replace(/\s+/g, ' ');
    return clean.length > 200 ? `${clean.slice(0, 200)}...` : clean;
  };
  quote.url = (url: string, base?: string) => {
    try {
      const parsed = new URL(url, base);
      return scrub(`${parsed.origin}${parsed.pathname}`).replace(/\/+$/, '');
    } catch {
      return scrub(url.split(/[?#]/)[0] ?? '');
    }
  };
  return quote;
}

// ---------------------------------------------------------------------------------------------------------------
// Findings shared by every probe: no answer, a redirect, an error status

export function finding(
  id: string,
  checked: string,
  observed: string,
  meaning: string,
  outcome: { result: 'matched' | 'differed'; handled: boolean },
): ApiCheckFinding {
  return { id, checked, result: outcome.result, observed, meaning, handled: outcome.handled };
}

export const MATCHED = { result: 'matched', handled: true } as const;
export const HANDLED = { result: 'differed', handled: true } as const;
export const UNHANDLED = { result: 'differed', handled: false } as const;

export function unansweredFinding(
  probe: ApiCheckProbe,
  observation: Extract<ApiCheckObservation, { kind: 'no_answer' }>,
  context: ApiCheckContext,
  quote: Quoter,
): ApiCheckFinding {
  const checked = probe.subject;
  if (observation.reason === 'timeout') {
    return finding(
      `${probe.name}.timeout`,
      checked,
      `no answer within ${context.timeoutMs} ms`,
      'the toolkit gives up after the same time: with an API this slow, reads fail after their retries, and an order sent to it would have an unknown outcome',
      UNHANDLED,
    );
  }
  if (observation.reason === 'aborted') {
    return finding(
      `${probe.name}.aborted`,
      checked,
      'not checked: the check was canceled',
      'nothing to say',
      UNHANDLED,
    );
  }
  return finding(
    `${probe.name}.unreachable`,
    checked,
    `could not connect (${quote.plain(observation.detail)})`,
    'the toolkit cannot reach the API either: check the base URL and the network (DNS, proxy, firewall)',
    UNHANDLED,
  );
}

export function redirectFinding(probe: ApiCheckProbe, answer: Answer, context: ApiCheckContext, quote: Quoter) {
  const target = answer.location === undefined ? 'no Location header' : quote.url(answer.location, context.baseUrl);
  const login = /log-?in|sign-?in|auth|account/i.test(target) ? ', a login page' : '';
  const observed = `a redirect instead of an answer: HTTP ${answer.status} to ${target}${login} (its query is not shown)`;
  if (probe.key === 'wrong') {
    return finding(
      `${probe.name}.redirect`,
      probe.subject,
      observed,
      `the toolkit never follows a redirect (the key would travel with it): a rejected key shows as "unexpected HTTP ${answer.status}", not as "key rejected"`,
      HANDLED,
    );
  }
  return finding(
    `${probe.name}.redirect`,
    probe.subject,
    observed,
    `the toolkit never follows a redirect, since the key is in the URL and would travel with it: every call of this kind fails with "unexpected HTTP ${answer.status}". Check the base URL; if it is right, this API wants a browser session, not an API key`,
    UNHANDLED,
  );
}

/** An error status on a request that should have succeeded (the account's key on Balance or ServicesList). */
export function errorStatusFinding(probe: ApiCheckProbe, answer: Answer, body: Body): ApiCheckFinding {
  const { status } = answer;
  const what = describeBody(body);
  if (status === 401 || status === 403) {
    return finding(
      `${probe.name}.key_refused`,
      probe.subject,
      `the API key was rejected (HTTP ${status}, ${what})`,
      'nothing works with this key: check that it is the reseller API key of your account, without spaces, and that API access is enabled',
      UNHANDLED,
    );
  }
  if (status === 404) {
    return finding(
      `${probe.name}.not_found`,
      probe.subject,
      `no ${probe.operation} endpoint at this base URL (HTTP 404, ${what})`,
      'the toolkit cannot find the API here: check the base URL (the real one is https://cappiservices.com/api/Reseller)',
      UNHANDLED,
    );
  }
  if (status === 429) {
    return finding(
      `${probe.name}.rate_limited`,
      probe.subject,
      `rate limited (HTTP 429, ${what})`,
      'the toolkit waits and retries reads when rate limited; the check could not see the answer: run it again in a minute',
      UNHANDLED,
    );
  }
  if (body.isHtml) return htmlPageFinding(probe, answer, body);
  if (status >= 500) {
    return finding(
      `${probe.name}.server_error`,
      probe.subject,
      `the API failed (HTTP ${status}, ${what})`,
      'the toolkit reports a server error and retries reads; the check could not see a real answer: run it again later',
      UNHANDLED,
    );
  }
  return finding(
    `${probe.name}.unexpected_status`,
    probe.subject,
    `an unexpected HTTP ${status} (${what})`,
    `the toolkit reports "unexpected HTTP ${status}" for it: it cannot work with this answer`,
    UNHANDLED,
  );
}

export function htmlPageFinding(probe: ApiCheckProbe, answer: Answer, body: Body): ApiCheckFinding {
  const observed = `HTTP ${answer.status} with an HTML page (${body.mediaType || 'no content type'}) instead of JSON: something other than the API answered (a web server's error page, a proxy, a firewall)`;
  const meaning =
    answer.status >= 500
      ? 'the toolkit goes by the status: it reports a server error and retries reads; the check could not see a real answer: run it again later, and if it stays, tell the vendor'
      : 'the toolkit cannot read an HTML page: every call of this kind fails with "unexpected body"';
  return finding(`${probe.name}.html_page`, probe.subject, observed, meaning, UNHANDLED);
}

export function errorAs200Finding(
  probe: ApiCheckProbe,
  message: string,
  quote: Quoter,
  expected: string,
): ApiCheckFinding {
  return finding(
    `${probe.name}.error_as_200`,
    probe.subject,
    `HTTP 200 with an error message instead of ${expected}: ${quote(message)}`,
    'the toolkit takes an HTTP 200 for an answer and cannot read this one: it reports "unexpected body" (and retries reads) instead of the error, and a refused RegisterOrder in this shape (without `success`) would be reported as "the order may have been placed"',
    UNHANDLED,
  );
}

export function contentTypeFinding(probe: ApiCheckProbe, body: Body): ApiCheckFinding[] {
  if (!body.isJson || body.mediaType === 'application/json') return [];
  return [
    finding(
      `${probe.name}.content_type`,
      probe.subject,
      `JSON labelled ${body.mediaType === '' ? 'with no content type' : `"${body.mediaType}"`}; the contract says application/json`,
      'the toolkit reads the body as JSON whatever its label',
      HANDLED,
    ),
  ];
}

/** Balance and ServicesList with the account's key: anything but a 200 with JSON is a problem. */
export function accountProbeFindings(
  probe: ApiCheckProbe,
  observation: ApiCheckObservation | undefined,
  context: ApiCheckContext,
  quote: Quoter,
  analyze: (probe: ApiCheckProbe, json: unknown, quote: Quoter) => ApiCheckFinding[],
): ApiCheckFinding[] {
  return probeFindings(probe, observation, context, quote, (answer, body) => {
    if (answer.status !== 200) return [errorStatusFinding(probe, answer, body)];
    if (body.isHtml) return [htmlPageFinding(probe, answer, body)];
    if (!body.isJson) {
      return [
        finding(
          `${probe.name}.not_json`,
          probe.subject,
          `HTTP 200 with ${describeBody(body)}`,
          'the toolkit cannot read it: every call of this kind fails with "unexpected body"',
          UNHANDLED,
        ),
      ];
    }
    return [...contentTypeFinding(probe, body), ...analyze(probe, body.json, quote)];
  });
}

/** The findings of one probe: those every probe shares (not sent, no answer, a redirect), else what `read` says. */
export function probeFindings(
  probe: ApiCheckProbe,
  observation: ApiCheckObservation | undefined,
  context: ApiCheckContext,
  quote: Quoter,
  read: (answer: Answer, body: Body) => ApiCheckFinding[],
): ApiCheckFinding[] {
  if (observation === undefined) return [notRun(probe)];
  if (observation.kind === 'no_answer') return [unansweredFinding(probe, observation, context, quote)];
  if (observation.status >= 300 && observation.status < 400) {
    return [redirectFinding(probe, observation, context, quote)];
  }
  return read(observation, readBody(observation));
}

export function notRun(probe: ApiCheckProbe): ApiCheckFinding {
  return finding(
    `${probe.name}.not_run`,
    probe.subject,
    'not checked',
    'the check did not send this request',
    UNHANDLED,
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
