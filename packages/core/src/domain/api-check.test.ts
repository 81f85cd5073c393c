import { describe, expect, it } from 'vitest';
import {
  CHECK_CONTEXT,
  catalogService,
  finding,
  ORDER_STATUS,
  PROBLEM_TYPE,
  SECRET,
} from '../../test/api-check-fixtures.js';
import {
  API_CHECK_PROBES,
  type ApiCheckObservation,
  type ApiCheckProbeName,
  type ApiCheckReport,
  analyzeApiCheck,
  isSetupProblem,
  UNKNOWN_ORDER_ID,
  verdictOf,
  WRONG_API_KEY,
} from './api-check.js';
import { renderApiCheckJson, renderApiCheckText, summarizeApiCheck } from './api-check-report.js';

// The analysis alone, on answers written by hand: the shapes the sandbox cannot send, and the wording.

const context = CHECK_CONTEXT;
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM = PROBLEM_TYPE;
const service = catalogService;

function answer(probe: ApiCheckProbeName, status: number, body: unknown, contentType = JSON_TYPE) {
  return {
    probe,
    kind: 'answer' as const,
    status,
    contentType,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    durationMs: 12.4,
  };
}

/** The answers of an API that is exactly as the contract says; `changes` replaces some. */
function observations(...changes: ApiCheckObservation[]): ApiCheckObservation[] {
  const good: ApiCheckObservation[] = [
    answer('balance', 200, { balance: 987.65, currency: 'USD' }),
    answer('services', 200, [service(1), service(2)]),
    answer('unknownOrder', 404, { title: 'Not Found', status: 404, detail: 'nope' }, PROBLEM),
    answer('wrongKey', 401, { title: 'Unauthorized', status: 401 }, PROBLEM),
  ];
  return good.map((observation) => changes.find((change) => change.probe === observation.probe) ?? observation);
}

function ids(report: ApiCheckReport): Record<string, boolean> {
  return Object.fromEntries(report.findings.map((finding) => [finding.id, finding.handled]));
}

describe('analyzeApiCheck', () => {
  it('an API as the contract says: every finding matches, the balance figure appears nowhere', () => {
    const report = analyzeApiCheck(observations(), context);
    expect(report.passed).toBe(true);
    expect(report.findings.every((finding) => finding.result === 'matched')).toBe(true);
    expect(report.sentRegisterOrder).toBe(false);
    expect(report.requests[0]).toEqual({
      probe: 'balance',
      request: 'GET /Balance',
      status: 200,
      contentType: 'application/json',
      shape: 'application/json {balance: number, currency: string}',
      durationMs: 12,
    });
    for (const text of [renderApiCheckText(report), renderApiCheckJson(report)]) expect(text).not.toContain('987');
  });

  it('never shows the key: not from a redirect target, an error message or a connection failure', () => {
    const report = analyzeApiCheck(
      observations(
        { ...answer('balance', 302, ''), location: `/Account/Login?ReturnUrl=%2FBalance%3Fkey%3D${SECRET}` },
        answer('unknownOrder', 200, { error: `Invalid key ${SECRET} for https://x/OrderStatus?key=${SECRET}` }),
        { probe: 'services', kind: 'no_answer', reason: 'connection', detail: `refused (${SECRET})`, durationMs: 3 },
      ),
      context,
    );
    const text = renderApiCheckText(report) + renderApiCheckJson(report);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('HTTP 302 to https://cappiservices.com/Account/Login, a login page');
    expect(text).toContain('"Invalid key *** for https://x/OrderStatus?key=***"');
  });

  it('plain HTTP beyond this machine is a problem; on loopback it is a sandbox', () => {
    expect(ids(analyzeApiCheck(observations(), { ...context, baseUrl: 'http://api.example.com' }))).toMatchObject({
      'transport.https': false,
    });
    expect(ids(analyzeApiCheck(observations(), { ...context, baseUrl: 'http://localhost:4010' }))).toMatchObject({
      'transport.https': true,
    });
  });

  it('catalog facts: min above max and repeated ids', () => {
    const report = analyzeApiCheck(
      observations(answer('services', 200, [service(1, { min: 100, max: 10 }), service(2), service(2)])),
      context,
    );
    const byId = Object.fromEntries(report.findings.map((finding) => [finding.id, finding]));
    expect(byId['services.min_above_max']).toMatchObject({
      handled: true,
      observed: '1 of 3 services have min above max (first: service 1, min 100, max 10)',
    });
    expect(byId['services.duplicate_ids']).toMatchObject({
      handled: false,
      observed: '1 service ids appear more than once (first: service 2)',
    });
  });

  it('an empty catalog, and an answer that is not a list', () => {
    expect(ids(analyzeApiCheck(observations(answer('services', 200, [])), context))).toMatchObject({
      'services.empty': true,
    });
    expect(ids(analyzeApiCheck(observations(answer('services', 200, { data: [] })), context))).toMatchObject({
      'services.not_a_list': false,
    });
  });

  it('OrderStatus of an unknown order: a 400, a 404 of another shape, an order status, an HTML page', () => {
    const cases: [ApiCheckObservation, string, boolean][] = [
      [answer('unknownOrder', 400, { title: 'Bad', status: 400 }, PROBLEM), 'unknownOrder.bad_request', true],
      [answer('unknownOrder', 404, '<html>Not found</html>', 'text/html'), 'unknownOrder.not_found', true],
      [answer('unknownOrder', 200, { ...ORDER_STATUS, status: 'Not found' }), 'unknownOrder.answered', false],
      [answer('unknownOrder', 200, '<!DOCTYPE html><html></html>', 'text/html'), 'unknownOrder.html_page', false],
    ];
    for (const [observation, id, handled] of cases) {
      const report = analyzeApiCheck(observations(observation), context);
      expect(ids(report)[id], id).toBe(handled);
    }
    const notFound = analyzeApiCheck(
      observations(answer('unknownOrder', 404, '<html>Not found</html>', 'text/html')),
      context,
    );
    const unknownOrder404 = notFound.findings.find((finding) => finding.id === 'unknownOrder.not_found');
    expect(unknownOrder404?.result).toBe('differed');
    // The API answered, as the toolkit expects: not a problem of setup, whatever its id says.
    expect(unknownOrder404 && isSetupProblem(unknownOrder404)).toBe(false);
    expect(UNKNOWN_ORDER_ID).toBe(2_147_483_647);
  });

  it('a wrong key: 403 is handled, a balance for it is not, other statuses only spoil the message', () => {
    expect(ids(analyzeApiCheck(observations(answer('wrongKey', 403, '', 'text/plain')), context))).toMatchObject({
      'wrongKey.refused': true,
    });
    expect(
      ids(analyzeApiCheck(observations(answer('wrongKey', 200, { balance: 0, currency: 'USD' })), context)),
    ).toMatchObject({ 'wrongKey.accepted': false });
    const notFound = analyzeApiCheck(observations(answer('wrongKey', 404, { title: 'x' }, PROBLEM)), context);
    expect(notFound.findings.find((finding) => finding.id === 'wrongKey.other_status')).toMatchObject({
      handled: true,
      meaning:
        'nothing is ever placed on such an answer, but a rejected key shows as "no endpoint here: check baseUrl", not as "key rejected"',
    });
  });

  it('a balance in another currency, and JSON under another content type, are handled', () => {
    const report = analyzeApiCheck(
      observations(answer('balance', 200, { balance: 1, currency: 'EUR' }, 'text/plain')),
      context,
    );
    expect(ids(report)).toMatchObject({ 'balance.currency': true, 'balance.content_type': true });
    expect(report.passed).toBe(true);
  });

  it('a request the face did not send is reported, not skipped', () => {
    const report = analyzeApiCheck(observations().slice(0, 3), context);
    expect(ids(report)).toMatchObject({ 'wrongKey.not_run': false });
    expect(report.requests).toHaveLength(3);
  });
});

describe('summarizeApiCheck', () => {
  it('leads with the first problem and what it means, then lists the others', () => {
    const report = analyzeApiCheck(
      observations(
        answer('balance', 401, { title: 'Unauthorized', status: 401 }, PROBLEM),
        answer('services', 200, [service(1, { rate: '0.01' })]),
      ),
      context,
    );
    expect(summarizeApiCheck(report)).toBe(
      [
        'Balance: the API key was rejected (HTTP 401, application/problem+json {title: string, status: integer}). Nothing works with this key: check that it is the reseller API key of your account, without spaces, and that API access is enabled.',
        'Also:',
        '- ServicesList, every service: `rate` is a string in 1 of 1 services (first: service 1); the contract says a number',
      ].join('\n'),
    );
  });

  it('says what differs when the toolkit handles all of it', () => {
    const report = analyzeApiCheck(observations(answer('wrongKey', 403, '', 'text/plain')), context);
    expect(summarizeApiCheck(report)).toBe(
      'The API differs from the contract in 1 way, all handled by the toolkit.\n- Wrong key: refused with HTTP 403, an empty body (text/plain)',
    );
  });
});

describe('analyzeApiCheck: the report', () => {
  it('names the check, its format, the toolkit when known, the base URL without query, the requests in order', () => {
    const report = analyzeApiCheck(observations(), {
      ...context,
      baseUrl: `https://cappiservices.com/api/Reseller/?key=${SECRET}`,
      toolkit: '@cappi-reseller/mcp-server 1.2.0',
    });
    expect(report).toMatchObject({
      report: 'cappi-reseller API check',
      formatVersion: 1,
      sentRegisterOrder: false,
      toolkit: '@cappi-reseller/mcp-server 1.2.0',
      checkedAt: '2026-12-01T10:00:00.000Z',
      baseUrl: 'https://cappiservices.com/api/Reseller',
      passed: true,
      verdict: 'the API behaves as the contract says',
    });
    expect(report.requests.map((request) => request.request)).toEqual([
      'GET /Balance',
      'GET /ServicesList',
      'GET /OrderStatus?orderId=2147483647',
      'GET /Balance, wrong key',
    ]);
    expect(report.findings.map((finding) => finding.id)).toEqual([
      'transport.https',
      'transport.redirects',
      'balance.contract',
      'services.contract',
      'services.size',
      'services.rates',
      'services.min_max',
      'unknownOrder.not_found',
      'wrongKey.refused',
      'latency.ok',
    ]);
    expect('toolkit' in analyzeApiCheck(observations(), context)).toBe(false);
  });

  it('a request with no answer says why; an answer without a content type has none', () => {
    const report = analyzeApiCheck(
      observations(
        { probe: 'balance', kind: 'no_answer', reason: 'timeout', detail: 'timed out', durationMs: 10_000.4 },
        { probe: 'services', kind: 'answer', status: 200, body: '[]', durationMs: 7.6 },
      ),
      context,
    );
    expect(report.requests.slice(0, 2)).toEqual([
      { probe: 'balance', request: 'GET /Balance', durationMs: 10_000, failure: 'timeout' },
      {
        probe: 'services',
        request: 'GET /ServicesList',
        status: 200,
        shape: 'no content type [] (an empty list)',
        durationMs: 8,
      },
    ]);
    expect(report.passed).toBe(false);
  });

  it('the probes: four GETs, none of them RegisterOrder, the wrong key on Balance only', () => {
    expect(API_CHECK_PROBES.map((probe) => [probe.name, probe.operation, probe.path, probe.key, probe.query])).toEqual([
      ['balance', 'Balance', '/Balance', 'account', {}],
      ['services', 'ServicesList', '/ServicesList', 'account', {}],
      ['unknownOrder', 'OrderStatus', '/OrderStatus', 'account', { orderId: '2147483647' }],
      ['wrongKey', 'Balance', '/Balance', 'wrong', {}],
    ]);
    expect(API_CHECK_PROBES.map((probe) => probe.subject)).toEqual([
      'Balance',
      'ServicesList',
      'OrderStatus of an order that cannot exist (2147483647)',
      'Wrong key',
    ]);
    expect(WRONG_API_KEY).toBe('cappi-reseller-api-check-deliberately-wrong-key');
  });
});

describe('verdictOf', () => {
  it('everything matched', () => {
    expect(verdictOf([finding('a.contract', true, 'matched')])).toBe('the API behaves as the contract says');
    expect(verdictOf([])).toBe('the API behaves as the contract says');
  });

  it('differences the toolkit handles, counted', () => {
    expect(verdictOf([finding('a.x', true), finding('b.y', true, 'matched')])).toBe(
      'the API differs from the contract in 1 way, all handled by the toolkit',
    );
    expect(verdictOf([finding('a.x', true), finding('b.y', true)])).toBe(
      'the API differs from the contract in 2 ways, all handled by the toolkit',
    );
  });

  it('the first problem, whether the API could be checked at all, and how many more', () => {
    expect(verdictOf([finding('a.x', true), finding('services.wrong_type', false)])).toBe(
      'the API differs from what the toolkit expects in a way it cannot handle: checked services.wrong_type: observed services.wrong_type',
    );
    expect(verdictOf([finding('balance.key_refused', false), finding('services.wrong_type', false)])).toBe(
      'the API could not be checked: checked balance.key_refused: observed balance.key_refused (and 1 more problem)',
    );
    expect(
      verdictOf([
        finding('balance.timeout', false),
        finding('b.x', false),
        finding('c.y', true),
        finding('d.z', false),
      ]),
    ).toBe('the API could not be checked: checked balance.timeout: observed balance.timeout (and 2 more problems)');
  });
});

describe('isSetupProblem', () => {
  it('the failures that say nothing about the API shape, when not handled', () => {
    for (const kind of [
      'key_refused',
      'not_found',
      'unreachable',
      'timeout',
      'rate_limited',
      'server_error',
      'aborted',
      'not_run',
    ]) {
      expect(isSetupProblem(finding(`balance.${kind}`, false)), kind).toBe(true);
      expect(isSetupProblem(finding(`balance.${kind}`, true)), kind).toBe(false);
    }
  });

  it('not a difference of shape, and not an id without a kind', () => {
    for (const id of ['balance.wrong_type.balance', 'services.redirect', 'transport.https', 'timeout', 'x.html_page']) {
      expect(isSetupProblem(finding(id, false)), id).toBe(false);
    }
  });
});
