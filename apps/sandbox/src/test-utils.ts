import { startSandbox } from './server.js';
import type { Sandbox, SandboxOptions } from './types.js';

/**
 * Runs `body` against a fresh sandbox that validates every response against the contract, then stops it:
 * stop() rejects on any violation, so every test here also proves the responses it caused conform.
 */
export async function withSandbox(options: SandboxOptions, body: (sandbox: Sandbox) => Promise<void>): Promise<void> {
  const sandbox = await startSandbox({ validateResponses: true, ...options });
  try {
    await body(sandbox);
  } catch (error) {
    await sandbox.stop().catch(() => undefined);
    throw error;
  }
  await sandbox.stop();
}

export interface Response {
  status: number;
  contentType: string | null;
  retryAfter: string | null;
  text: string;
  /** The parsed body; throws when it is not JSON. */
  json(): unknown;
}

/** One real HTTP request to an operation, with the sandbox's key unless `key` says otherwise (null: no key). */
export async function call(
  sandbox: Sandbox,
  path: string,
  params: Record<string, string | number> = {},
  { key = sandbox.key as string | null, method = path === '/RegisterOrder' ? 'POST' : 'GET' } = {},
): Promise<Response> {
  const url = new URL(path, sandbox.url);
  if (key !== null) url.searchParams.set('key', key);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, String(value));
  const response = await fetch(url, { method });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    retryAfter: response.headers.get('retry-after'),
    text,
    json: () => JSON.parse(text),
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}
