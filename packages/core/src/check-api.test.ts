import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Fault, type FaultOptions, type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkApi } from './check-api.js';
import { createResellerClient, type ResellerClientOptions } from './client.js';
import type { ApiCheckFinding, ApiCheckReport } from './domain/api-check.js';
import { API_CHECK_HEADLINE, renderApiCheckJson, renderApiCheckText } from './domain/api-check-report.js';

// The check against a real sandbox over HTTP: as it is (everything matches), then with each drift injected. The key
// is a canary: random, so that no other text can contain it, with characters URL encoding changes, so that a leak
// in an encoded form shows too. The balance is an odd figure, to prove it never appears.
const KEY = `canary-${randomBytes(8).toString('hex')}/+&=%25`;
const BALANCE = 987.65;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    services: 400,
    validateResponses: true,
    keys: [{ key: KEY, balance: BALANCE }],
  });
});
afterEach(() => sandbox.faults.clear());
// stop() rejects if an answer outside the drifts broke the contract.
afterAll(() => sandbox.stop());

function client(options: Partial<ResellerClientOptions> = {}) {
  return createResellerClient({ apiKey: KEY, baseUrl: sandbox.url, timeoutMs: 5000, ...options });
}

async function checkWith(drifts: [Fault, FaultOptions?][], options: Parameters<typeof checkApi>[1] = {}) {
  for (const [fault, faultOptions] of drifts) sandbox.faults.inject(fault, faultOptions);
  const report = await checkApi(client(), options);
  expectNothingSecret(report);
  return report;
}

/** Neither rendering holds the key (in any encoding) nor the balance figure. */
function expectNothingSecret(report: ApiCheckReport): void {
  const forms = [KEY, encodeURIComponent(KEY), new URLSearchParams({ k: KEY }).toString().slice(2)];
  for (const text of [renderApiCheckText(report), renderApiCheckJson(report)]) {
    for (const form of forms) expect(text).not.toContain(form);
    expect(text).not.toContain('987');
    expect(text).not.toContain('canary-');
  }
}

function byId(report: ApiCheckReport, id: string): ApiCheckFinding {
  const found = report.findings.find((finding) => finding.id === id);
  expect(found, `finding ${id} in ${report.findings.map((finding) => finding.id).join(', ')}`).toBeDefined();
  return found as ApiCheckFinding;
}

describe('checkApi against the sandbox', () => {
  it('everything matches: every finding is a match, the report passes, and RegisterOrder is never sent', async () => {
    const before = sandbox.requests('RegisterOrder');
    const report = await checkWith([]);
    expect(report.passed).toBe(true);
    expect(report.verdict).toBe('the API behaves as the contract says');
    expect(report.findings.filter((finding) => finding.result !== 'matched')).toEqual([]);
    expect(report.findings.map((finding) => finding.id)).toEqual(
      expect.arrayContaining([
        'transport.https',
        'transport.redirects',
        'balance.contract',
        'services.contract',
        'services.size',
        'unknownOrder.not_found',
        'wrongKey.refused',
        'latency.ok',
      ]),
    );
    expect(byId(report, 'balance.contract').observed).toBe('balance present, a number; currency "USD"');
    expect(byId(report, 'services.size').observed).toMatch(
      /^400 services in \d+ categories: Steam, [^,]+, [^,]+, [^,]+, [^,]+, [^,]+ and \d+ more$/,
    );
    // The sandbox lists a few services without a rate, as the contract allows.
    expect(byId(report, 'services.some_without_rate').observed).toMatch(/^\d+ of 400 services have no `rate`/);
    expect(byId(report, 'wrongKey.refused').observed).toMatch(/^refused with HTTP 401, application\/problem\+json \{/);
    expect(report.requests.map((request) => [request.request, request.status])).toEqual([
      ['GET /Balance', 200],
      ['GET /ServicesList', 200],
      ['GET /OrderStatus?orderId=2147483647', 404],
      ['GET /Balance, wrong key', 401],
    ]);
    expect(sandbox.requests('RegisterOrder')).toBe(before);
    const text = renderApiCheckText(report);
    expect(text.split('\n')[0]).toBe(API_CHECK_HEADLINE);
    expect(text).toContain('Result: OK: the API behaves as the contract says.');
  });

  it('a catalog without any rate', async () => {
    const report = await checkWith([[{ kind: 'rate_missing' }, { operation: 'ServicesList' }]]);
    expect(report.passed).toBe(false);
    const finding = byId(report, 'services.rate_missing');
    expect(finding).toMatchObject({ result: 'differed', handled: false });
    expect(finding.observed).toMatch(/^no service has a `rate` \(0 of 400\)/);
    expect(report.verdict).toContain('no service has a `rate`');
  });

  it('rates sent as strings', async () => {
    const withRate = sandbox.catalog().filter((service) => service.rate !== undefined).length;
    const report = await checkWith([[{ kind: 'rate_as_string' }, { operation: 'ServicesList' }]]);
    expect(report.passed).toBe(false);
    const finding = byId(report, 'services.wrong_type.rate');
    expect(finding.handled).toBe(false);
    expect(finding.observed).toBe(
      `\`rate\` is a string in ${withRate} of 400 services (first: service 199825); the contract says a number`,
    );
  });

  it('a renamed field, in the catalog and in the balance', async () => {
    const report = await checkWith([
      [{ kind: 'rename_field', from: 'service', to: 'id' }, { operation: 'ServicesList' }],
      [
        { kind: 'rename_field', from: 'balance', to: 'amount' },
        { operation: 'Balance', times: 1 },
      ],
    ]);
    expect(report.passed).toBe(false);
    expect(byId(report, 'services.renamed.service').observed).toBe(
      '`service` is missing in 400 of 400 services (first: entry #1) and `id` (an integer), a field the contract does not know, is there instead: it looks renamed; the contract requires `service` (an integer)',
    );
    expect(byId(report, 'balance.renamed.balance').observed).toContain('`balance` is missing and `amount`');
    // The figure stays out even though it sits in a field the check does not know.
    expect(report.findings.some((finding) => finding.id === 'balance.contract')).toBe(false);
  });

  it('errors sent as HTTP 200 with a message', async () => {
    const report = await checkWith([[{ kind: 'error_as_200' }, { times: 10 }]]);
    expect(report.passed).toBe(false);
    expect(byId(report, 'unknownOrder.error_as_200')).toMatchObject({
      handled: false,
      observed: 'HTTP 200 with an error message instead of HTTP 404: "Order 2147483647 was not found."',
    });
    expect(byId(report, 'wrongKey.error_as_200').observed).toBe(
      'HTTP 200 with an error message instead of HTTP 401: "Invalid API key."',
    );
    // The account's own reads are unaffected by this drift.
    expect(byId(report, 'balance.contract').result).toBe('matched');
  });

  it('a 302 to a login page: never followed, the key in its ReturnUrl never shown', async () => {
    const report = await checkWith([[{ kind: 'login_redirect' }, { times: 4 }]]);
    expect(report.passed).toBe(false);
    const balance = byId(report, 'balance.redirect');
    expect(balance.handled).toBe(false);
    expect(balance.observed).toBe(
      `a redirect instead of an answer: HTTP 302 to ${sandbox.url}/Account/Login, a login page (its query is not shown)`,
    );
    expect(byId(report, 'services.redirect').handled).toBe(false);
    // For the wrong key, a redirect only spoils the message: still handled (never followed, nothing placed).
    expect(byId(report, 'wrongKey.redirect').handled).toBe(true);
    expect(report.findings.some((finding) => finding.id === 'transport.redirects')).toBe(false);
    // Four requests, four answers: the client followed none of the redirects.
    expect(report.requests.map((request) => request.status)).toEqual([302, 302, 302, 302]);
  });

  it('an HTML error page, with an error status and with 200', async () => {
    const report = await checkWith([
      [{ kind: 'html_error' }, { operation: 'Balance', times: 1 }],
      [{ kind: 'html_error', status: 200 }, { operation: 'ServicesList' }],
    ]);
    expect(report.passed).toBe(false);
    expect(byId(report, 'balance.html_page').observed).toMatch(
      /^HTTP 500 with an HTML page \(text\/html\) instead of JSON: something other than the API answered/,
    );
    expect(byId(report, 'services.html_page').meaning).toBe(
      'the toolkit cannot read an HTML page: every call of this kind fails with "unexpected body"',
    );
  });

  it('a slow answer: named, and handled while it stays within the timeout', async () => {
    // The measured time cannot be below the injected delay, whatever the machine's load.
    const report = await checkWith(
      [
        [
          { kind: 'latency', ms: 600 },
          { operation: 'Balance', times: 1 },
        ],
      ],
      {
        slowMs: 300,
      },
    );
    const slow = byId(report, 'latency.slow');
    expect(slow).toMatchObject({ result: 'differed', handled: true });
    expect(slow.observed).toMatch(/^slow answers: GET \/Balance \d+ ms/);
    expect(report.passed).toBe(true);
    expect(report.verdict).toMatch(/^the API differs from the contract in \d+ ways?, all handled by the toolkit$/);
  });

  it('an answer slower than the timeout: not handled', async () => {
    const report = await checkWith(
      [
        [
          { kind: 'latency', ms: 1500 },
          { operation: 'Balance', times: 1 },
        ],
      ],
      {
        timeoutMs: 300,
      },
    );
    expect(byId(report, 'balance.timeout')).toMatchObject({ handled: false, observed: 'no answer within 300 ms' });
    expect(report.passed).toBe(false);
    expect(report.verdict).toBe('the API could not be checked: Balance: no answer within 300 ms');
  });

  it('a wrong key of the user: the verdict says so, not "drift"', async () => {
    const report = await checkApi(createResellerClient({ apiKey: 'not-a-key-of-this-sandbox', baseUrl: sandbox.url }));
    expect(report.passed).toBe(false);
    expect(report.verdict).toMatch(/^the API could not be checked: Balance: the API key was rejected \(HTTP 401/);
  });

  it('an API that echoes the request URL, key included, in its error messages: the report shows it scrubbed', async () => {
    const echo = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const key = new URL(request.url ?? '', 'http://x').searchParams.get('key');
      response.end(JSON.stringify({ error: `cannot serve ${request.url} for the key ${key}` }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = echo.address() as AddressInfo;
      const report = await checkApi(createResellerClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}` }));
      expectNothingSecret(report);
      expect(byId(report, 'balance.error_as_200').observed).toBe(
        'HTTP 200 with an error message instead of a balance: "cannot serve /Balance?key=*** for the key ***"',
      );
    } finally {
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it('refuses an object that is not a client of this package', async () => {
    await expect(checkApi({ baseUrl: sandbox.url } as never)).rejects.toThrow(
      'checkApi needs a client made by createResellerClient',
    );
  });
});
