import { describe, expect, it } from 'vitest';
import { CHECK_CONTEXT, ORDER_STATUS, PROBLEM_TYPE, SECRET } from '../../test/api-check-fixtures.js';
import { quoter } from './api-check-answers.js';
import type { ApiCheckObservation, ApiCheckProbeName } from './api-check-plan.js';
import { latencyFinding, transportFindings, unknownOrderFindings, wrongKeyFindings } from './api-check-probes.js';

// The probes that look at refusals (an order that cannot exist, a wrong key) and at the transport: what a user reads.

const context = CHECK_CONTEXT;
const quote = quoter([SECRET]);
const PROBLEM = PROBLEM_TYPE;
const JSON_TYPE = 'application/json';
function answer(
  probe: ApiCheckProbeName,
  status: number,
  body: unknown,
  contentType = JSON_TYPE,
  durationMs = 12,
): ApiCheckObservation {
  return {
    probe,
    kind: 'answer',
    status,
    contentType,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    durationMs,
  };
}
const unknownOrder = (status: number, body: unknown, contentType?: string) =>
  unknownOrderFindings(answer('unknownOrder', status, body, contentType), context, quote);
const wrongKey = (status: number, body: unknown, contentType?: string) =>
  wrongKeyFindings(answer('wrongKey', status, body, contentType), context, quote);
const CHECKED = 'OrderStatus of an order that cannot exist (2147483647)';

describe('unknownOrderFindings', () => {
  it('a 404 with problem details matches the contract', () => {
    expect(unknownOrder(404, { title: 'Not Found', status: 404 }, PROBLEM)).toEqual([
      {
        id: 'unknownOrder.not_found',
        checked: CHECKED,
        result: 'matched',
        observed: 'HTTP 404, application/problem+json {title: string, status: integer}',
        meaning: 'as the contract says: the toolkit reports "order not found"',
        handled: true,
      },
    ]);
  });

  it('a 404 of another type or shape is handled by its status', () => {
    const otherShape = {
      id: 'unknownOrder.not_found',
      checked: CHECKED,
      result: 'differed',
      meaning:
        'the contract says application/problem+json; the toolkit goes by the status and reports "order not found"',
      handled: true,
    };
    expect(unknownOrder(404, { title: 'Not Found' }, JSON_TYPE)).toEqual([
      { ...otherShape, observed: 'HTTP 404, application/json {title: string}' },
    ]);
    expect(unknownOrder(404, { title: 3 }, PROBLEM)).toEqual([
      { ...otherShape, observed: 'HTTP 404, application/problem+json {title: integer}' },
    ]);
    expect(unknownOrder(404, 'nope', PROBLEM)).toEqual([
      { ...otherShape, observed: 'HTTP 404, a body that is not JSON (application/problem+json)' },
    ]);
  });

  it('a 400 refuses the id rather than saying it does not exist', () => {
    expect(unknownOrder(400, { title: 'Bad' }, PROBLEM)).toEqual([
      {
        id: 'unknownOrder.bad_request',
        checked: CHECKED,
        result: 'differed',
        observed:
          'HTTP 400, application/problem+json {title: string}: the API refused the id rather than saying it does not exist',
        meaning: 'the toolkit reports "invalid request" for an order id the API does not know, not "order not found"',
        handled: true,
      },
    ]);
  });

  it('a 200 with an order status for an order that cannot exist is a problem', () => {
    expect(unknownOrder(200, ORDER_STATUS)).toEqual([
      {
        id: 'unknownOrder.answered',
        checked: CHECKED,
        result: 'differed',
        observed:
          'HTTP 200 with an order status ({status: string, charge: integer, walletReturn: integer, mode: null, success: integer, failed: integer, observation: null, currency: string}) for an order that cannot exist',
        meaning: 'the toolkit would show a status for an order that does not exist, and a wait for it would not end',
        handled: false,
      },
    ]);
  });

  it('a 200 with an error message, an HTML page or anything else', () => {
    expect(unknownOrder(200, { error: `no order, key ${SECRET}` })).toEqual([
      expect.objectContaining({
        id: 'unknownOrder.error_as_200',
        observed: 'HTTP 200 with an error message instead of HTTP 404: "no order, key ***"',
        handled: false,
      }),
    ]);
    expect(unknownOrder(200, '<html></html>', 'text/html').map((finding) => finding.id)).toEqual([
      'unknownOrder.html_page',
    ]);
    const unexpected = {
      id: 'unknownOrder.unexpected_body',
      checked: CHECKED,
      result: 'differed',
      meaning: 'the toolkit reports "unexpected body" (and retries) instead of "order not found"',
      handled: false,
    };
    expect(unknownOrder(200, 'error', 'text/plain')).toEqual([
      { ...unexpected, observed: 'HTTP 200 with a body that is not JSON (text/plain)' },
    ]);
    expect(unknownOrder(200, { status: 5 })).toEqual([
      { ...unexpected, observed: 'HTTP 200 with application/json {status: integer}' },
    ]);
  });

  it('other statuses are error statuses', () => {
    expect(unknownOrder(401, { title: 'x' }, PROBLEM).map((finding) => finding.id)).toEqual([
      'unknownOrder.key_refused',
    ]);
    expect(unknownOrder(502, '', 'text/plain').map((finding) => finding.id)).toEqual(['unknownOrder.server_error']);
  });

  it('not sent, or a redirect', () => {
    expect(unknownOrderFindings(undefined, context, quote).map((finding) => finding.id)).toEqual([
      'unknownOrder.not_run',
    ]);
    expect(unknownOrder(307, '').map((finding) => finding.id)).toEqual(['unknownOrder.redirect']);
  });
});

describe('wrongKeyFindings', () => {
  const refused = { id: 'wrongKey.refused', checked: 'Wrong key', result: 'differed', handled: true };
  const NOT_AS_CONTRACT =
    'the contract says HTTP 401 with application/problem+json; the toolkit goes by the status and reports "the API key was rejected"';

  it('a 401 with problem details matches the contract', () => {
    expect(wrongKey(401, { title: 'Unauthorized', status: 401 }, PROBLEM)).toEqual([
      {
        ...refused,
        result: 'matched',
        observed: 'refused with HTTP 401, application/problem+json {title: string, status: integer}',
        meaning: 'as the contract says: the toolkit reports "the API key was rejected"',
      },
    ]);
  });

  it('a 403, or a 401 of another shape, is handled by its status', () => {
    expect(wrongKey(403, { title: 'Forbidden', status: 403 }, PROBLEM)).toEqual([
      {
        ...refused,
        observed: 'refused with HTTP 403, application/problem+json {title: string, status: integer}',
        meaning: NOT_AS_CONTRACT,
      },
    ]);
    expect(wrongKey(401, { title: 1 }, PROBLEM)).toEqual([
      {
        ...refused,
        observed: 'refused with HTTP 401, application/problem+json {title: integer}',
        meaning: NOT_AS_CONTRACT,
      },
    ]);
    expect(wrongKey(401, 'no', 'text/plain')).toEqual([
      { ...refused, observed: 'refused with HTTP 401, a body that is not JSON (text/plain)', meaning: NOT_AS_CONTRACT },
    ]);
  });

  it('a 200 with a balance accepts a key no account has', () => {
    expect(wrongKey(200, { balance: 0, currency: 'USD' })).toEqual([
      {
        id: 'wrongKey.accepted',
        checked: 'Wrong key',
        result: 'differed',
        observed: 'HTTP 200 with a balance: the API accepted a key that no account has',
        meaning:
          'the API does not check keys the way the toolkit assumes: do not trust it with money until this is explained',
        handled: false,
      },
    ]);
  });

  it('a 200 with an error message, an HTML page or anything else', () => {
    expect(wrongKey(200, { message: 'Invalid key' })).toEqual([
      expect.objectContaining({
        id: 'wrongKey.error_as_200',
        observed: 'HTTP 200 with an error message instead of HTTP 401: "Invalid key"',
      }),
    ]);
    expect(wrongKey(200, '<body>login</body>', 'text/plain').map((finding) => finding.id)).toEqual([
      'wrongKey.html_page',
    ]);
    const unexpected = {
      id: 'wrongKey.unexpected_body',
      checked: 'Wrong key',
      result: 'differed',
      meaning:
        'the toolkit reports "unexpected body" for a rejected key, and a refused RegisterOrder in this shape would be reported as "the order may have been placed"',
      handled: false,
    };
    expect(wrongKey(200, { balance: 'none' })).toEqual([
      { ...unexpected, observed: 'HTTP 200 with application/json {balance: string}' },
    ]);
    expect(wrongKey(200, 'denied', 'text/plain')).toEqual([
      { ...unexpected, observed: 'HTTP 200 with a body that is not JSON (text/plain)' },
    ]);
  });

  it('rate limits and server errors are error statuses; 499 is not', () => {
    expect(wrongKey(429, { title: 'x' }, PROBLEM).map((finding) => finding.id)).toEqual(['wrongKey.rate_limited']);
    expect(wrongKey(500, { title: 'x' }, PROBLEM).map((finding) => finding.id)).toEqual(['wrongKey.server_error']);
    expect(wrongKey(499, '', 'text/plain').map((finding) => finding.id)).toEqual(['wrongKey.other_status']);
  });

  it('other statuses only spoil the message a rejected key gives', () => {
    const other = (status: number) => wrongKey(status, '', 'text/plain')[0];
    expect(other(400)).toEqual({
      id: 'wrongKey.other_status',
      checked: 'Wrong key',
      result: 'differed',
      observed: 'refused with HTTP 400, an empty body (text/plain); the contract says HTTP 401',
      meaning:
        'nothing is ever placed on such an answer, but a rejected key shows as "invalid request", not as "key rejected"',
      handled: true,
    });
    expect(other(404)?.meaning).toBe(
      'nothing is ever placed on such an answer, but a rejected key shows as "no endpoint here: check baseUrl", not as "key rejected"',
    );
    expect(other(418)?.meaning).toBe(
      'nothing is ever placed on such an answer, but a rejected key shows as "unexpected HTTP 418", not as "key rejected"',
    );
  });
});

describe('transportFindings', () => {
  const https = (baseUrl: string, observations: ApiCheckObservation[] = []) =>
    transportFindings({ ...context, baseUrl }, observations);

  it('HTTPS is a match', () => {
    expect(https('https://cappiservices.com/api/Reseller')).toEqual([
      {
        id: 'transport.https',
        checked: 'HTTPS',
        result: 'matched',
        observed: 'HTTPS to cappiservices.com',
        meaning: 'the key travels encrypted',
        handled: true,
      },
    ]);
  });

  it('plain HTTP to this machine is a sandbox', () => {
    for (const [baseUrl, host] of [
      ['http://localhost:4010', 'localhost'],
      ['http://127.0.0.1:4010/api', '127.0.0.1'],
      ['http://127.10.20.30', '127.10.20.30'],
      ['http://[::1]:4010', '[::1]'],
    ]) {
      expect(https(baseUrl as string), baseUrl).toEqual([
        {
          id: 'transport.https',
          checked: 'HTTPS',
          result: 'matched',
          observed: `plain HTTP to this machine (${host}): a local sandbox or proxy`,
          meaning: 'the key does not leave this machine; the real API is reached over HTTPS',
          handled: true,
        },
      ]);
    }
  });

  it('plain HTTP anywhere else, or no URL at all, is a problem', () => {
    const plain = (observed: string) => ({
      id: 'transport.https',
      checked: 'HTTPS',
      result: 'differed',
      observed,
      meaning: 'the key would cross the network unencrypted in every URL: use the https:// address',
      handled: false,
    });
    expect(https('http://api.example.com')).toEqual([plain('plain HTTP to api.example.com, not HTTPS')]);
    expect(https('http://mylocalhost')).toEqual([plain('plain HTTP to mylocalhost, not HTTPS')]);
    expect(https('http://localhost.example.com')).toEqual([plain('plain HTTP to localhost.example.com, not HTTPS')]);
    expect(https('http://1127.0.0.1x')).toEqual([plain('plain HTTP to 1127.0.0.1x, not HTTPS')]);
    expect(https('not a url')).toEqual([plain('plain HTTP to the base URL, not HTTPS')]);
  });

  it('says when no answer was a redirect; nothing when one was, or when none came', () => {
    const ok = [answer('balance', 200, {}), answer('services', 404, {})];
    expect(https('https://x.example', ok)[1]).toEqual({
      id: 'transport.redirects',
      checked: 'Redirects',
      result: 'matched',
      observed: 'none of the 2 answers was a redirect',
      meaning: 'the toolkit never follows one (the key would travel with it), and has none to follow',
      handled: true,
    });
    const noAnswer: ApiCheckObservation = {
      probe: 'wrongKey',
      kind: 'no_answer',
      reason: 'timeout',
      detail: '',
      durationMs: 1,
    };
    expect(https('https://x.example', [...ok, noAnswer])[1]?.observed).toBe('none of the 2 answers was a redirect');
    expect(https('https://x.example', [answer('balance', 300, '')])).toHaveLength(1);
    expect(https('https://x.example', [answer('balance', 399, '')])).toHaveLength(1);
    expect(https('https://x.example', [answer('balance', 400, '')])).toHaveLength(2);
    expect(https('https://x.example', [answer('balance', 299, '')])).toHaveLength(2);
    expect(https('https://x.example', [noAnswer])).toHaveLength(1);
  });
});

describe('latencyFinding', () => {
  it('every answer in time: the slowest, rounded, and the limits', () => {
    const observations = [
      answer('balance', 200, {}, JSON_TYPE, 40.4),
      answer('services', 200, {}, JSON_TYPE, 3000),
      answer('unknownOrder', 404, {}, JSON_TYPE, 2999.6),
    ];
    expect(latencyFinding(observations, context)).toEqual({
      id: 'latency.ok',
      checked: 'Latency',
      result: 'matched',
      observed: 'every answer within 3000 ms (slowest: GET /ServicesList, 3000 ms)',
      meaning: "well within the toolkit's 10000 ms per attempt",
      handled: true,
    });
  });

  it('no answer: nothing to time; a request with no answer is not timed', () => {
    const noAnswer: ApiCheckObservation = {
      probe: 'balance',
      kind: 'no_answer',
      reason: 'timeout',
      detail: '',
      durationMs: 10_000,
    };
    expect(latencyFinding([noAnswer], context)).toMatchObject({ id: 'latency.ok', observed: 'no answer to time' });
    expect(latencyFinding([], context).observed).toBe('no answer to time');
  });

  it('slow answers are listed, rounded, and handled', () => {
    const observations = [
      answer('balance', 200, {}, JSON_TYPE, 3000.4),
      answer('services', 200, {}, JSON_TYPE, 4200.5),
      answer('unknownOrder', 404, {}, JSON_TYPE, 12),
      answer('wrongKey', 401, {}, JSON_TYPE, 3001),
    ];
    expect(latencyFinding(observations, context)).toEqual({
      id: 'latency.slow',
      checked: 'Latency',
      result: 'differed',
      observed:
        'slow answers: GET /Balance 3000 ms, GET /ServicesList 4201 ms, GET /Balance, wrong key 3001 ms (slow means over 3000 ms)',
      meaning:
        'the toolkit waits up to 10000 ms per attempt, so these calls still work, slowly; closer to that limit they would fail',
      handled: true,
    });
  });
});
