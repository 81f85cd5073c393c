// `cappi-reseller-mcp doctor` and `--check-api`: core's read-only API check (checkApi), run with the key and base
// URL the server itself would use. It never sends RegisterOrder.
import {
  type ApiCheckReport,
  checkApi,
  createResellerClient,
  renderApiCheckJson,
  renderApiCheckText,
} from '@cappi-reseller/core';
import { type Config, SERVER_NAME } from './config.js';
import { loadSandbox } from './embedded-sandbox.js';
import { UPSTREAM_TIMEOUT_MS } from './runtime.js';
import { VERSION } from './server.js';

export interface Upstream {
  apiKey: string;
  /** Undefined: the production API. */
  baseUrl: string | undefined;
}

/** The check, with the server's own time limit per request: an answer too slow for it is too slow for the server. */
export function checkUpstream(upstream: Upstream): Promise<ApiCheckReport> {
  const client = createResellerClient({
    apiKey: upstream.apiKey,
    ...(upstream.baseUrl === undefined ? {} : { baseUrl: upstream.baseUrl }),
    timeoutMs: UPSTREAM_TIMEOUT_MS,
  });
  return checkApi(client, { toolkit: `${SERVER_NAME} ${VERSION}` });
}

/** Exit codes of `doctor`: the API is fine (or differs only in ways the server handles), or it is not. */
export const DOCTOR_PASSED = 0;
export const DOCTOR_FOUND_PROBLEMS = 1;

/** Runs `doctor`: writes the report (text, or JSON with --json) and resolves with the exit code. */
export async function runDoctor(config: Config, write: (text: string) => void): Promise<number> {
  let upstream: Upstream;
  let stopSandbox: (() => Promise<void>) | undefined;
  if (config.sandbox) {
    const { startSandbox } = await loadSandbox();
    const sandbox = await startSandbox({ port: 0 });
    stopSandbox = () => sandbox.stop();
    upstream = { apiKey: sandbox.key, baseUrl: sandbox.url };
  } else {
    if (config.apiKey === undefined) throw new Error('no API key'); // parseConfig guarantees one for doctor
    upstream = { apiKey: config.apiKey, baseUrl: config.baseUrl };
  }
  try {
    const report = await checkUpstream(upstream);
    write(config.json ? renderApiCheckJson(report) : renderApiCheckText(report));
    return report.passed ? DOCTOR_PASSED : DOCTOR_FOUND_PROBLEMS;
  } finally {
    await stopSandbox?.();
  }
}
