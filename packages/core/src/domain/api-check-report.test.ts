import { describe, expect, it } from 'vitest';
import { finding } from '../../test/api-check-fixtures.js';
import type { ApiCheckFinding, ApiCheckReport } from './api-check.js';
import { API_CHECK_HEADLINE, renderApiCheckJson, renderApiCheckText, summarizeApiCheck } from './api-check-report.js';

// The report's texts: the plain text a person reads, the JSON for a bug report, the short summary of an n8n test.

function report(findings: ApiCheckFinding[], extra: Partial<ApiCheckReport> = {}): ApiCheckReport {
  return {
    report: 'cappi-reseller API check',
    formatVersion: 1,
    sentRegisterOrder: false,
    checkedAt: '2026-12-01T10:00:00.000Z',
    baseUrl: 'https://cappiservices.com/api/Reseller',
    passed: findings.every((each) => each.handled),
    verdict: 'the verdict',
    requests: [],
    findings,
    ...extra,
  };
}

describe('renderApiCheckText', () => {
  it('heads with what the check never does, then the requests aligned, the findings by section, the result', () => {
    const text = renderApiCheckText(
      report([finding('a', true, 'matched'), finding('b', false), finding('c', true), finding('d', false)], {
        toolkit: '@cappi-reseller/mcp-server 1.2.0',
        passed: false,
        requests: [
          {
            probe: 'balance',
            request: 'GET /Balance',
            status: 200,
            shape: 'application/json {balance: number}',
            durationMs: 12,
          },
          { probe: 'services', request: 'GET /ServicesList', status: 204, durationMs: 1234567 },
          { probe: 'wrongKey', request: 'GET /Balance, wrong key', durationMs: 10_000, failure: 'timeout' },
          { probe: 'unknownOrder', request: 'GET /OrderStatus', durationMs: 3 },
        ],
      }),
    );
    expect(text).toBe(
      [
        'Cappi Reseller API check: read-only. It never sends RegisterOrder and spends nothing.',
        '',
        'API:      https://cappiservices.com/api/Reseller',
        'Checked:  2026-12-01T10:00:00.000Z',
        'Toolkit:  @cappi-reseller/mcp-server 1.2.0',
        '',
        'Requests',
        '  GET /Balance                 12 ms  200 application/json {balance: number}',
        '  GET /ServicesList        1234567 ms  204',
        '  GET /Balance, wrong key   10000 ms  no answer (timeout)',
        '  GET /OrderStatus              3 ms  no answer (unknown)',
        '',
        'Matched (1)',
        '  [ok] checked a: observed a',
        '       -> meaning a',
        '',
        'Differs from the contract, handled by the toolkit (1)',
        '  [~~] checked c: observed c',
        '       -> meaning c',
        '',
        'Differs, and the toolkit cannot handle it (2)',
        '  [!!] checked b: observed b',
        '       -> meaning b',
        '  [!!] checked d: observed d',
        '       -> meaning d',
        '',
        'Result: PROBLEM: the verdict.',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the toolkit when unknown and sections with nothing in them', () => {
    expect(renderApiCheckText(report([finding('a', true, 'matched')]))).toBe(
      [
        API_CHECK_HEADLINE,
        '',
        'API:      https://cappiservices.com/api/Reseller',
        'Checked:  2026-12-01T10:00:00.000Z',
        '',
        'Requests',
        '',
        'Matched (1)',
        '  [ok] checked a: observed a',
        '       -> meaning a',
        '',
        'Result: OK: the verdict.',
        '',
      ].join('\n'),
    );
  });
});

describe('renderApiCheckJson', () => {
  it('is the report with the headline as a note first, indented, ending with a new line', () => {
    const value = report([finding('a', true, 'matched')]);
    const json = renderApiCheckJson(value);
    expect(json.endsWith('}\n')).toBe(true);
    expect(json.startsWith(`{\n  "note": "${API_CHECK_HEADLINE}",\n  "report": "cappi-reseller API check",`)).toBe(
      true,
    );
    expect(JSON.parse(json)).toEqual({ note: API_CHECK_HEADLINE, ...value });
  });
});

describe('summarizeApiCheck', () => {
  it('when everything is handled: the verdict, capitalised, then the differences only', () => {
    expect(
      summarizeApiCheck(report([finding('a', true, 'matched'), finding('b', true)], { verdict: 'all is handled' })),
    ).toBe('All is handled.\n- checked b: observed b');
    expect(summarizeApiCheck(report([finding('a', true, 'matched')], { verdict: 'fine' }))).toBe('Fine.');
  });

  it('lists at most maxLines, then how many more', () => {
    const many = ['a', 'b', 'c', 'd'].map((id) => finding(id, true));
    expect(summarizeApiCheck(report(many, { verdict: 'v' }), 2)).toBe(
      'V.\n- checked a: observed a\n- checked b: observed b\n- and 2 more',
    );
    expect(summarizeApiCheck(report(many, { verdict: 'v' }), 4)).toBe(
      'V.\n- checked a: observed a\n- checked b: observed b\n- checked c: observed c\n- checked d: observed d',
    );
    expect(summarizeApiCheck(report([...many, finding('e', true), finding('f', true)], { verdict: 'v' }))).toBe(
      'V.\n- checked a: observed a\n- checked b: observed b\n- checked c: observed c\n- checked d: observed d\n- checked e: observed e\n- and 1 more',
    );
  });

  it('leads with the first problem, capitalised, and what it means; then the other problems', () => {
    expect(
      summarizeApiCheck(
        report([finding('x.one', true), finding('services.wrong_type', false), finding('y.two', false)]),
      ),
    ).toBe(
      'Checked services.wrong_type: observed services.wrong_type. Meaning services.wrong_type.\nAlso:\n- checked y.two: observed y.two',
    );
    expect(summarizeApiCheck(report([finding('balance.wrong_type', false)]))).toBe(
      'Checked balance.wrong_type: observed balance.wrong_type. Meaning balance.wrong_type.',
    );
  });

  it('after a setup problem, leaves out the other setup problems and the requests not sent', () => {
    const findings = [
      finding('balance.key_refused', false),
      finding('services.key_refused', false),
      finding('unknownOrder.not_run', false),
      finding('services.wrong_type', false),
      finding('transport.https', false),
    ];
    expect(summarizeApiCheck(report(findings))).toBe(
      [
        'Checked balance.key_refused: observed balance.key_refused. Meaning balance.key_refused.',
        'Also:',
        '- checked services.wrong_type: observed services.wrong_type',
        '- checked transport.https: observed transport.https',
      ].join('\n'),
    );
  });

  it('after a problem of shape, a setup problem is still listed', () => {
    const findings = [
      finding('services.wrong_type', false),
      finding('wrongKey.timeout', false),
      finding('wrongKey.not_run', false),
    ];
    expect(summarizeApiCheck(report(findings))).toBe(
      [
        'Checked services.wrong_type: observed services.wrong_type. Meaning services.wrong_type.',
        'Also:',
        '- checked wrongKey.timeout: observed wrongKey.timeout',
      ].join('\n'),
    );
  });
});
