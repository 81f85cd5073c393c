import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';
import { describeFailure, normalizeBaseUrl } from '../CappiReseller/transport';
import {
  API_CHECK_PROBES,
  type ApiCheckObservation,
  type ApiCheckProbe,
  analyzeApiCheck,
  WRONG_API_KEY,
} from './core/domain/api-check';
import { summarizeApiCheck } from './core/domain/api-check-report';
import { redact } from './core/domain/redact';

/** The name both nodes give this test in `testedBy`. */
export const CREDENTIAL_TEST = 'cappiResellerApiCheck';

/** Per request: the credential dialog waits for the whole check, four requests at most. */
const CHECK_TIMEOUT_MS = 15_000;

type Helpers = ICredentialTestFunctions['helpers'];

/**
 * The credential test: core's read-only API check (never RegisterOrder), through n8n's request helper. An API that
 * answers as the toolkit expects passes; anything the toolkit cannot handle fails the test with the sentence that
 * says what differs and what it means. The message never holds the key or the balance figure.
 */
export async function testCredential(
  this: ICredentialTestFunctions,
  credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
  const data = credential.data ?? {};
  const apiKey = typeof data.apiKey === 'string' ? data.apiKey.trim() : '';
  if (apiKey === '') return { status: 'Error', message: 'Enter the reseller API key of your Cappi Services account' };
  const baseUrl = normalizeBaseUrl(data.baseUrl);
  const observations: ApiCheckObservation[] = [];
  for (const probe of API_CHECK_PROBES) {
    const observation = await observe(this.helpers, baseUrl, apiKey, probe);
    observations.push(observation);
    // Nothing answers (wrong Base URL, no network): the other requests would only wait as long again.
    if (observation.kind === 'no_answer') break;
  }
  const report = analyzeApiCheck(observations, {
    baseUrl,
    checkedAt: new Date().toISOString(),
    timeoutMs: CHECK_TIMEOUT_MS,
    slowMs: 3000,
    secrets: [apiKey, WRONG_API_KEY],
    toolkit: 'n8n-nodes-cappi-reseller',
  });
  return { status: report.passed ? 'OK' : 'Error', message: summarizeApiCheck(report) };
}

/**
 * One request of the check, as it is: no redirect followed (the key is in the URL), any status accepted, the body
 * as text. n8n gives a credential test only its request helper (no httpRequest), so the key is added here, to the
 * query, as the credential's `authenticate` adds it for the nodes.
 */
async function observe(
  helpers: Helpers,
  baseUrl: string,
  apiKey: string,
  probe: ApiCheckProbe,
): Promise<ApiCheckObservation> {
  const started = Date.now();
  try {
    const response = (await helpers.request({
      method: 'GET',
      uri: `${baseUrl}${probe.path}`,
      qs: { ...probe.query, key: probe.key === 'wrong' ? WRONG_API_KEY : apiKey },
      resolveWithFullResponse: true,
      simple: false,
      followRedirect: false,
      followAllRedirects: false,
      json: false,
      timeout: CHECK_TIMEOUT_MS,
    })) as { statusCode: number; headers?: Record<string, unknown>; body?: unknown };
    return {
      probe: probe.name,
      kind: 'answer',
      status: response.statusCode,
      contentType: header(response.headers, 'content-type'),
      location: header(response.headers, 'location'),
      body: typeof response.body === 'string' ? response.body : (JSON.stringify(response.body) ?? ''),
      durationMs: Date.now() - started,
    };
  } catch (error) {
    const failure = describeFailure(error, (text) => redact(text, [apiKey]));
    return {
      probe: probe.name,
      kind: 'no_answer',
      reason: failure.timedOut ? 'timeout' : 'connection',
      detail: failure.reason,
      durationMs: Date.now() - started,
    };
  }
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (typeof value === 'string') return value;
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}
