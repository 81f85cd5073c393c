import { describe, expect, it } from 'vitest';
import { CHECK_CONTEXT, SECRET } from '../../test/api-check-fixtures.js';
import {
  type Answer,
  accountProbeFindings,
  contentTypeFinding,
  describeBody,
  errorMessageIn,
  errorStatusFinding,
  isRecord,
  notRun,
  probeFindings,
  quoter,
  readBody,
  redirectFinding,
  unansweredFinding,
} from './api-check-answers.js';
import { probeNamed } from './api-check-plan.js';

// Reading an answer of the API check, and the findings every probe shares: what a user reads in the report.

const context = CHECK_CONTEXT;
const quote = quoter([SECRET]);
const balance = probeNamed('balance');
const wrongKey = probeNamed('wrongKey');

function answer(status: number, body: string, contentType?: string, location?: string): Answer {
  return {
    probe: 'balance',
    kind: 'answer',
    status,
    ...(contentType === undefined ? {} : { contentType }),
    ...(location === undefined ? {} : { location }),
    body,
    durationMs: 5,
  };
}

describe('readBody', () => {
  it('takes the media type without parameters, in lower case, and parses JSON', () => {
    expect(readBody(answer(200, ' {"a":1} ', ' Application/JSON ; charset=utf-8'))).toEqual({
      mediaType: 'application/json',
      isJson: true,
      json: { a: 1 },
      isHtml: false,
      isEmpty: false,
    });
  });

  it('no content type is an empty media type; blank text is empty, not JSON', () => {
    expect(readBody(answer(200, '  \n '))).toEqual({
      mediaType: '',
      isJson: false,
      json: undefined,
      isHtml: false,
      isEmpty: true,
    });
  });

  it('recognises an HTML page by its label or by its first tag, whatever the case', () => {
    expect(readBody(answer(500, 'oops', 'text/html; charset=utf-8')).isHtml).toBe(true);
    for (const text of ['<!DOCTYPE html><p>', '<HTML>', '<head></head>', '<body>x</body>', '  <html lang="en">']) {
      expect(readBody(answer(200, text, 'text/plain')).isHtml, text).toBe(true);
    }
    for (const text of ['<htmlx>', 'x <html>', '<div>', 'plain']) {
      expect(readBody(answer(200, text, 'text/plain')).isHtml, text).toBe(false);
    }
  });

  it('JSON is never an HTML page, even labelled text/html', () => {
    expect(readBody(answer(200, '"<html>"', 'text/html'))).toMatchObject({ isJson: true, isHtml: false });
  });

  it('text that is not JSON is neither JSON nor empty', () => {
    expect(readBody(answer(200, 'not json', 'text/plain'))).toEqual({
      mediaType: 'text/plain',
      isJson: false,
      json: undefined,
      isHtml: false,
      isEmpty: false,
    });
  });
});

describe('describeBody', () => {
  const describe_ = (body: string, contentType?: string) => describeBody(readBody(answer(200, body, contentType)));
  it('says the shape of JSON, never its values', () => {
    expect(describe_('{"balance":987.65,"currency":"USD"}', 'application/json')).toBe(
      'application/json {balance: number, currency: string}',
    );
    expect(describe_('[1]')).toBe('no content type [1 x integer]');
  });
  it('names an HTML page, an empty body and other text with their content type', () => {
    expect(describe_('<html></html>', 'text/html')).toBe('an HTML page (text/html)');
    expect(describe_('', 'text/plain')).toBe('an empty body (text/plain)');
    expect(describe_('')).toBe('an empty body (no content type)');
    expect(describe_('nope', 'text/plain')).toBe('a body that is not JSON (text/plain)');
  });
});

describe('errorMessageIn', () => {
  it('finds the message under each usual spelling, trimmed', () => {
    for (const field of ['error', 'message', 'Message', 'errorMessage', 'error_message', 'Error']) {
      expect(errorMessageIn({ [field]: '  Bad key ' }), field).toBe('Bad key');
      expect(errorMessageIn({ [field]: { message: ' Nested ' } }), field).toBe('Nested');
    }
  });
  it('skips blank messages and takes the first field that has one', () => {
    expect(errorMessageIn({ error: '  ', message: 'second' })).toBe('second');
    expect(errorMessageIn({ error: { message: ' ' }, Error: 'last' })).toBe('last');
    expect(errorMessageIn({ error: 'first', message: 'second' })).toBe('first');
  });
  it('finds nothing in what is not an object with such a field', () => {
    expect(errorMessageIn('error')).toBeUndefined();
    expect(errorMessageIn(null)).toBeUndefined();
    expect(errorMessageIn([{ error: 'x' }])).toBeUndefined();
    expect(errorMessageIn({ error: 42, detail: 'x' })).toBeUndefined();
    expect(errorMessageIn({ error: { message: 3 } })).toBeUndefined();
    expect(errorMessageIn({ error: ['x'] })).toBeUndefined();
  });
});

describe('quoter', () => {
  it('quotes text with the key scrubbed and white space folded', () => {
    expect(quote(`bad\n key  ${SECRET}`)).toBe('"bad key ***"');
  });
  it('clips quoted text after 120 characters and plain text after 200', () => {
    expect(quote('a'.repeat(120))).toBe(`"${'a'.repeat(120)}"`);
    expect(quote('a'.repeat(121))).toBe(`"${'a'.repeat(120)}..."`);
    expect(quote.plain('b'.repeat(200))).toBe('b'.repeat(200));
    expect(quote.plain('b'.repeat(201))).toBe(`${'b'.repeat(200)}...`);
    expect(quote.plain(`x \t ${SECRET}`)).toBe('x ***');
  });
  it('shows a URL without query, fragment or trailing slashes, relative ones against the base', () => {
    expect(quote.url(`https://api.example.com/api/?key=${SECRET}#top`)).toBe('https://api.example.com/api');
    expect(quote.url('/Login?next=1', 'https://cappiservices.com/api/Reseller')).toBe(
      'https://cappiservices.com/Login',
    );
    expect(quote.url(`https://api.example.com/${SECRET}/x`)).toBe('https://api.example.com/***/x');
    expect(quote.url('https://api.example.com/api//')).toBe('https://api.example.com/api');
    expect(quote.url('https://api.example.com/')).toBe('https://api.example.com');
  });
  it('cuts what is not a URL at its query or fragment', () => {
    expect(quote.url(`not a url?key=${SECRET}`)).toBe('not a url');
    expect(quote.url(`not a url ${SECRET}#x`)).toBe('not a url ***');
  });
});

describe('findings every probe shares', () => {
  it('no answer in time: the timeout is said, not handled', () => {
    expect(
      unansweredFinding(
        balance,
        { probe: 'balance', kind: 'no_answer', reason: 'timeout', detail: '', durationMs: 10_000 },
        context,
        quote,
      ),
    ).toEqual({
      id: 'balance.timeout',
      checked: 'Balance',
      result: 'differed',
      observed: 'no answer within 10000 ms',
      meaning:
        'the toolkit gives up after the same time: with an API this slow, reads fail after their retries, and an order sent to it would have an unknown outcome',
      handled: false,
    });
  });

  it('a canceled check and a failed connection', () => {
    const aborted = unansweredFinding(
      balance,
      { probe: 'balance', kind: 'no_answer', reason: 'aborted', detail: '', durationMs: 1 },
      context,
      quote,
    );
    expect(aborted).toMatchObject({
      id: 'balance.aborted',
      observed: 'not checked: the check was canceled',
      meaning: 'nothing to say',
      handled: false,
    });
    const refused = unansweredFinding(
      balance,
      { probe: 'balance', kind: 'no_answer', reason: 'connection', detail: `refused ${SECRET}`, durationMs: 1 },
      context,
      quote,
    );
    expect(refused).toMatchObject({
      id: 'balance.unreachable',
      checked: 'Balance',
      observed: 'could not connect (refused ***)',
      meaning: 'the toolkit cannot reach the API either: check the base URL and the network (DNS, proxy, firewall)',
      handled: false,
    });
  });

  it('a redirect with the account key is a problem; with the wrong key it only spoils the message', () => {
    const to = answer(302, '', undefined, 'https://cappiservices.com/signin?next=x');
    expect(redirectFinding(balance, to, context, quote)).toEqual({
      id: 'balance.redirect',
      checked: 'Balance',
      result: 'differed',
      observed:
        'a redirect instead of an answer: HTTP 302 to https://cappiservices.com/signin, a login page (its query is not shown)',
      meaning:
        'the toolkit never follows a redirect, since the key is in the URL and would travel with it: every call of this kind fails with "unexpected HTTP 302". Check the base URL; if it is right, this API wants a browser session, not an API key',
      handled: false,
    });
    expect(redirectFinding(wrongKey, answer(301, ''), context, quote)).toEqual({
      id: 'wrongKey.redirect',
      checked: 'Wrong key',
      result: 'differed',
      observed: 'a redirect instead of an answer: HTTP 301 to no Location header (its query is not shown)',
      meaning:
        'the toolkit never follows a redirect (the key would travel with it): a rejected key shows as "unexpected HTTP 301", not as "key rejected"',
      handled: true,
    });
  });

  it('names a login page by the usual words in the target only', () => {
    const observed = (location: string) =>
      redirectFinding(balance, answer(302, '', undefined, location), context, quote).observed;
    for (const location of ['/login', '/Log-In', '/sign-in', '/SignIn', '/oauth/x', '/Account']) {
      expect(observed(location), location).toContain(', a login page (its query');
    }
    expect(observed('/api/v2/Balance?login=1')).toBe(
      'a redirect instead of an answer: HTTP 302 to https://cappiservices.com/api/v2/Balance (its query is not shown)',
    );
  });
});

describe('errorStatusFinding', () => {
  const finding = (status: number, body = '{"title":"x"}', contentType = 'application/problem+json') =>
    errorStatusFinding(balance, answer(status, body, contentType), readBody(answer(status, body, contentType)));

  it('401 and 403: the key was rejected', () => {
    for (const status of [401, 403]) {
      expect(finding(status)).toEqual({
        id: 'balance.key_refused',
        checked: 'Balance',
        result: 'differed',
        observed: `the API key was rejected (HTTP ${status}, application/problem+json {title: string})`,
        meaning:
          'nothing works with this key: check that it is the reseller API key of your account, without spaces, and that API access is enabled',
        handled: false,
      });
    }
  });

  it('404: no such endpoint at this base URL', () => {
    expect(finding(404, '', 'text/plain')).toMatchObject({
      id: 'balance.not_found',
      observed: 'no Balance endpoint at this base URL (HTTP 404, an empty body (text/plain))',
      meaning:
        'the toolkit cannot find the API here: check the base URL (the real one is https://cappiservices.com/api/Reseller)',
      handled: false,
    });
  });

  it('429: rate limited', () => {
    expect(finding(429)).toMatchObject({
      id: 'balance.rate_limited',
      observed: 'rate limited (HTTP 429, application/problem+json {title: string})',
      meaning:
        'the toolkit waits and retries reads when rate limited; the check could not see the answer: run it again in a minute',
      handled: false,
    });
  });

  it('a server error, and an HTML page from something in front of the API', () => {
    expect(finding(500)).toMatchObject({
      id: 'balance.server_error',
      observed: 'the API failed (HTTP 500, application/problem+json {title: string})',
      meaning:
        'the toolkit reports a server error and retries reads; the check could not see a real answer: run it again later',
      handled: false,
    });
    expect(finding(503, '<html>down</html>', 'text/html')).toEqual({
      id: 'balance.html_page',
      checked: 'Balance',
      result: 'differed',
      observed:
        "HTTP 503 with an HTML page (text/html) instead of JSON: something other than the API answered (a web server's error page, a proxy, a firewall)",
      meaning:
        'the toolkit goes by the status: it reports a server error and retries reads; the check could not see a real answer: run it again later, and if it stays, tell the vendor',
      handled: false,
    });
    expect(finding(500, '<html>down</html>', 'text/html').meaning).toBe(
      'the toolkit goes by the status: it reports a server error and retries reads; the check could not see a real answer: run it again later, and if it stays, tell the vendor',
    );
    expect(finding(418, '<html>tea</html>', '')).toMatchObject({
      id: 'balance.html_page',
      observed:
        "HTTP 418 with an HTML page (no content type) instead of JSON: something other than the API answered (a web server's error page, a proxy, a firewall)",
      meaning: 'the toolkit cannot read an HTML page: every call of this kind fails with "unexpected body"',
    });
  });

  it('any other status is unexpected; 499 is not a server error', () => {
    expect(finding(499, 'x', 'text/plain')).toEqual({
      id: 'balance.unexpected_status',
      checked: 'Balance',
      result: 'differed',
      observed: 'an unexpected HTTP 499 (a body that is not JSON (text/plain))',
      meaning: 'the toolkit reports "unexpected HTTP 499" for it: it cannot work with this answer',
      handled: false,
    });
  });
});

describe('contentTypeFinding', () => {
  it('JSON under another label or none is handled; not JSON or application/json gives nothing', () => {
    expect(contentTypeFinding(balance, readBody(answer(200, '{}', 'text/plain')))).toEqual([
      {
        id: 'balance.content_type',
        checked: 'Balance',
        result: 'differed',
        observed: 'JSON labelled "text/plain"; the contract says application/json',
        meaning: 'the toolkit reads the body as JSON whatever its label',
        handled: true,
      },
    ]);
    expect(contentTypeFinding(balance, readBody(answer(200, '{}')))[0]?.observed).toBe(
      'JSON labelled with no content type; the contract says application/json',
    );
    expect(contentTypeFinding(balance, readBody(answer(200, '{}', 'application/json; charset=utf-8')))).toEqual([]);
    expect(contentTypeFinding(balance, readBody(answer(200, 'x', 'text/plain')))).toEqual([]);
  });
});

describe('accountProbeFindings and probeFindings', () => {
  const analyze = () => [
    { id: 'analyzed', checked: '', result: 'matched' as const, observed: '', meaning: '', handled: true },
  ];
  const run = (status: number, body: string, contentType?: string) =>
    accountProbeFindings(balance, answer(status, body, contentType), context, quote, analyze);

  it('a 200 with JSON goes to the analysis', () => {
    expect(run(200, '{}', 'application/json').map((f) => f.id)).toEqual(['analyzed']);
  });
  it('an error status, an HTML page and a body that is not JSON are problems of their own', () => {
    expect(run(500, '{}', 'application/json').map((f) => f.id)).toEqual(['balance.server_error']);
    expect(run(200, '<html></html>', 'text/html').map((f) => f.id)).toEqual(['balance.html_page']);
    expect(run(200, 'hello', 'text/plain')).toEqual([
      {
        id: 'balance.not_json',
        checked: 'Balance',
        result: 'differed',
        observed: 'HTTP 200 with a body that is not JSON (text/plain)',
        meaning: 'the toolkit cannot read it: every call of this kind fails with "unexpected body"',
        handled: false,
      },
    ]);
  });

  it('redirects are the statuses 300 to 399 only', () => {
    const read = () => [];
    const ids = (status: number) =>
      probeFindings(balance, answer(status, ''), context, quote, read).map((finding) => finding.id);
    expect(ids(300)).toEqual(['balance.redirect']);
    expect(ids(399)).toEqual(['balance.redirect']);
    expect(ids(299)).toEqual([]);
    expect(ids(400)).toEqual([]);
  });

  it('a probe that was not sent, and one with no answer', () => {
    expect(probeFindings(balance, undefined, context, quote, () => [])).toEqual([notRun(balance)]);
    expect(notRun(balance)).toEqual({
      id: 'balance.not_run',
      checked: 'Balance',
      result: 'differed',
      observed: 'not checked',
      meaning: 'the check did not send this request',
      handled: false,
    });
    expect(
      probeFindings(
        balance,
        { probe: 'balance', kind: 'no_answer', reason: 'timeout', detail: '', durationMs: 1 },
        context,
        quote,
        () => [],
      ).map((finding) => finding.id),
    ).toEqual(['balance.timeout']);
  });
});

describe('isRecord', () => {
  it('is true for plain objects only', () => {
    expect(isRecord({})).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
    expect(isRecord('x')).toBe(false);
  });
});
