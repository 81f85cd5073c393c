// The credential test against a real sandbox over HTTP. n8n hands a credential test only its legacy request helper;
// here a small fetch-based stand-in plays it (same options: no redirect followed, any status, body as text), so
// this file checks our side quickly. That n8n's own helper behaves the same is proven by the real-n8n e2e test
// (e2e/n8n.e2e.test.mts, "credential test"), which runs this test through n8n's REST API.

import { randomBytes } from 'node:crypto';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import type { ICredentialsDecrypted, ICredentialTestFunctions } from 'n8n-workflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CappiResellerApi } from '../credentials/CappiResellerApi.credentials';
import { CappiReseller } from '../nodes/CappiReseller/CappiReseller.node';
import { CappiResellerTrigger } from '../nodes/CappiResellerTrigger/CappiResellerTrigger.node';
import { CREDENTIAL_TEST, testCredential } from '../nodes/shared/credentialTest';

// A canary key: random, so that no other text can contain it.
const KEY = `canary-${randomBytes(12).toString('hex')}`;
let sandbox: Sandbox;
let requests: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, services: 200, keys: [{ key: KEY, balance: 765.43 }] });
});
afterEach(() => {
  sandbox.faults.clear();
  requests = [];
});
afterAll(() => sandbox.stop());

interface LegacyRequest {
  method: string;
  uri: string;
  qs: Record<string, string>;
  followRedirect: boolean;
  simple: boolean;
  resolveWithFullResponse: boolean;
  timeout: number;
}

/** Stands in for n8n's helpers.request with the options the credential test uses. */
const context = {
  helpers: {
    async request(options: LegacyRequest) {
      expect(options).toMatchObject({ followRedirect: false, simple: false, resolveWithFullResponse: true });
      const url = new URL(options.uri);
      for (const [name, value] of Object.entries(options.qs)) url.searchParams.set(name, value);
      requests.push(`${options.method} ${url.pathname}`);
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(options.timeout) });
      return {
        statusCode: response.status,
        headers: Object.fromEntries(response.headers),
        body: await response.text(),
      };
    },
  },
} as unknown as ICredentialTestFunctions;

function test(apiKey: string, baseUrl = sandbox.url) {
  const credential = { id: '1', name: 'Cappi', type: 'cappiResellerApi', data: { apiKey, baseUrl } };
  return testCredential.call(context, credential as ICredentialsDecrypted);
}

describe('the credential test', () => {
  it("is the nodes' read-only API check: both nodes name it, the credential has no request test of its own", () => {
    for (const node of [new CappiReseller(), new CappiResellerTrigger()]) {
      expect(node.description.credentials).toEqual([
        { name: 'cappiResellerApi', required: true, testedBy: CREDENTIAL_TEST },
      ]);
      expect(node.methods.credentialTest[CREDENTIAL_TEST]).toBe(testCredential);
    }
    expect('test' in new CappiResellerApi()).toBe(false);
  });

  it('passes against an API as the contract says, without ever sending RegisterOrder', async () => {
    const result = await test(KEY);
    expect(result).toEqual({ status: 'OK', message: 'The API behaves as the contract says.' });
    expect(requests).toEqual(['GET /Balance', 'GET /ServicesList', 'GET /OrderStatus', 'GET /Balance']);
    expect(sandbox.requests('RegisterOrder')).toBe(0);
  });

  it('says what is wrong with a rejected key', async () => {
    const result = await test('not-the-key-of-this-account');
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(
      /^Balance: the API key was rejected \(HTTP 401, application\/problem\+json \{.*\}\)\. Nothing works with this key: check that it is the reseller API key of your account/,
    );
    expect(result.message).not.toContain('not-the-key');
  });

  it('says more than "connection successful" when the API has drifted: the difference and what it means', async () => {
    sandbox.faults.inject({ kind: 'rate_as_string' }, { operation: 'ServicesList' });
    sandbox.faults.inject({ kind: 'login_redirect' }, { operation: 'OrderStatus' });
    const result = await test(KEY);
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(
      /^ServicesList, every service: `rate` is a string in \d+ of 200 services \(first: service 199825\); the contract says a number\. The toolkit refuses a catalog with this difference/,
    );
    expect(result.message).toContain(
      `- OrderStatus of an order that cannot exist (2147483647): a redirect instead of an answer: HTTP 302 to ${sandbox.url}/Account/Login, a login page`,
    );
    for (const text of [KEY, encodeURIComponent(KEY), '765']) expect(result.message).not.toContain(text);
  });

  it('stops at the first request when nothing answers at the Base URL', async () => {
    const result = await test(KEY, 'http://127.0.0.1:9');
    expect(result.status).toBe('Error');
    expect(result.message).toMatch(/^Balance: could not connect \(.+\)\. The toolkit cannot reach the API either/);
    expect(requests).toEqual(['GET /Balance']);
  });

  it('asks for a key before sending anything', async () => {
    expect(await test('  ')).toEqual({
      status: 'Error',
      message: 'Enter the reseller API key of your Cappi Services account',
    });
    expect(requests).toEqual([]);
  });
});
