// Streamable HTTP under load, through the SDK's client against the spawned server (loopback, bearer token):
// - requests with a wrong Host or Origin, or without the token, are refused with the right status;
// - 100 sessions at once making 50 calls each (get_balance / list_services): no errors, latency printed;
// - 10,000 sessions opened and closed (initialize, then DELETE): each is gone afterwards, and the server's memory
//   (VmRSS of the process, read from /proc) is back within 10% of where it stood after a warm-up;
// - 1,000 people, each with their own key (X-Cappi-Api-Key), each opening a session, searching the catalog and
//   closing: the server does not keep a client and a catalog per key it has ever seen.
import { request } from 'node:http';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectHttp,
  cpuSeconds,
  isAlive,
  keyForms,
  makeCanaryKey,
  pool,
  rssKb,
  sleep,
  spawnHttp,
  summarize,
  textOf,
} from '../lib/harness.mjs';
import { report, round } from './figures.js';

const TOKEN = 'mcp-proof-token-5f0c2a9e71d4';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const SESSIONS = 100;
const CALLS_PER_SESSION = 50;
const CHURN = Number(process.env.MCP_PROOF_CHURN_SESSIONS ?? 10_000);
const WARM_UP = 2_000;
const CHURN_CONCURRENCY = 16;
const IDLE_MS = 3_000;
const USERS_WARM_UP = 200;
const USERS = 800;
const userKeys = Array.from({ length: USERS_WARM_UP + USERS }, (_, i) => `user-${i}-key-${'k'.repeat(16)}`);

const canary = makeCanaryKey();
let sandbox: Sandbox;
let server: Awaited<ReturnType<typeof spawnHttp>>;

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** Median of three RSS samples of a process, once it has been left alone. */
async function settledRss(pid: number): Promise<number> {
  await sleep(IDLE_MS);
  const samples: number[] = [];
  for (let i = 0; i < 3; i += 1) {
    samples.push(rssKb(pid));
    await sleep(250);
  }
  return samples.sort((a, b) => a - b)[1] as number;
}

/** One raw HTTP request to the server, with exactly the headers given (Host included). */
function raw(options: {
  method?: string;
  path?: string;
  headers: Record<string, string>;
  body?: string;
}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(port),
        method: options.method ?? 'POST',
        path: options.path ?? '/mcp',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...options.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({
    keys: [{ key: canary.key, balance: 100 }, ...userKeys.map((key) => ({ key, balance: 5 }))],
    validateResponses: true,
  });
  server = await spawnHttp({ baseUrl: sandbox.url, apiKey: canary.key, env: { CAPPI_MCP_TOKEN: TOKEN } });
});

afterAll(async () => {
  await server?.stop();
  await sandbox?.stop();
});

describe('Streamable HTTP', () => {
  it('refuses a wrong Host, a foreign Origin, and a missing or wrong bearer token', async () => {
    const host = new URL(server.url).host;
    const statuses: Record<string, number> = {};
    async function attempt(name: string, headers: Record<string, string>, path?: string) {
      const answer = await raw({ headers, body: INITIALIZE, ...(path === undefined ? {} : { path }) });
      statuses[name] = answer.status;
      const session = answer.headers['mcp-session-id'];
      if (typeof session === 'string') {
        const closed = await raw({ method: 'DELETE', headers: { host, ...AUTH, 'mcp-session-id': session } });
        expect(closed.status).toBe(200);
      }
      return answer;
    }

    // What a well-formed request gets, so the refusals below are refusals of one thing each.
    const accepted = await attempt('all right', { host, ...AUTH });
    expect(accepted.status).toBe(200);
    expect(accepted.headers['mcp-session-id']).toBeTypeOf('string');
    expect((await attempt('Origin of a local page', { host, ...AUTH, origin: 'http://localhost:6274' })).status).toBe(
      200,
    );

    const wrongHost = await attempt('Host evil.example', { host: 'evil.example', ...AUTH });
    expect(wrongHost.status).toBe(403);
    expect(wrongHost.body).toMatch(/Host not allowed/);
    expect((await attempt('Host localhost.evil.example', { host: 'localhost.evil.example:80', ...AUTH })).status).toBe(
      403,
    );
    const foreignOrigin = await attempt('Origin https://evil.example', {
      host,
      ...AUTH,
      origin: 'https://evil.example',
    });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.body).toMatch(/Origin not allowed/);
    expect((await attempt('Origin null', { host, ...AUTH, origin: 'null' })).status).toBe(403);

    const noToken = await attempt('no Authorization', { host });
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toBe('Bearer');
    expect((await attempt('wrong token', { host, authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await attempt('token as Basic', { host, authorization: `Basic ${TOKEN}` })).status).toBe(401);
    expect((await attempt('key in the URL', { host, ...AUTH }, '/mcp?key=abc')).status).toBe(400);

    // The SDK's client meets the same refusal without the token.
    await expect(connectHttp(server.url)).rejects.toThrow(/401|bearer token/i);
    report('http-refusals', {
      command: 'pnpm --filter @cappi-reseller/mcp-proof exec vitest run src/http-load.test.ts',
      statuses,
    });
  });

  it(`serves ${SESSIONS} sessions at once, ${CALLS_PER_SESSION} calls each, with no error`, async () => {
    const rssBefore = rssKb(server.pid);
    const opened = performance.now();
    const sessions = await pool(SESSIONS, 20, () => connectHttp(server.url, { headers: AUTH }));
    const openSeconds = (performance.now() - opened) / 1000;
    expect(new Set(sessions.map((session) => session.sessionId)).size).toBe(SESSIONS);

    const latencies: number[] = [];
    const errors: string[] = [];
    const seen: string[] = [];
    const started = performance.now();
    const cpuBefore = cpuSeconds(server.pid);
    await Promise.all(
      sessions.map(async (session, s) => {
        for (let i = 0; i < CALLS_PER_SESSION; i += 1) {
          const balance = (i + s) % 2 === 0;
          const t0 = performance.now();
          try {
            const result = (await session.client.callTool(
              balance
                ? { name: 'get_balance', arguments: {} }
                : { name: 'list_services', arguments: { query: ['steam', 'views', 'followers'][i % 3], limit: 10 } },
            )) as CallToolResult;
            latencies.push(performance.now() - t0);
            if (i % 10 === 0) seen.push(JSON.stringify(result));
            if (result.isError) errors.push(textOf(result));
            else if (balance) expect(result.structuredContent?.balance).toBe(100);
            else expect((result.structuredContent?.services as unknown[] | undefined)?.length ?? 0).toBeGreaterThan(0);
          } catch (error) {
            // fetch's own message ("fetch failed") says nothing: its cause names the socket error.
            const cause = (error as { cause?: { code?: string; message?: string } }).cause;
            errors.push(cause === undefined ? String(error) : `${String(error)}: ${cause.code ?? cause.message}`);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const serverCpu = cpuSeconds(server.pid) - cpuBefore;
    const rssLoaded = rssKb(server.pid);
    await pool(SESSIONS, 20, (i) => sessions[i]?.close() ?? Promise.resolve());

    const calls = SESSIONS * CALLS_PER_SESSION;
    const latency = summarize(latencies);
    report('http-load', {
      command: 'pnpm --filter @cappi-reseller/mcp-proof exec vitest run src/http-load.test.ts',
      sessions: SESSIONS,
      callsPerSession: CALLS_PER_SESSION,
      calls,
      errors: errors.length,
      firstErrors: errors.slice(0, 3),
      secondsToOpenSessions: round(openSeconds, 2),
      seconds: round(seconds, 2),
      callsPerSecond: round(calls / seconds),
      latencyMs: { p50: round(latency.p50), p99: round(latency.p99), mean: round(latency.mean) },
      // How busy the server was: the rest of the time went to the clients and the sandbox (this process).
      serverCpuSeconds: round(serverCpu, 2),
      serverCpuMsPerCall: round((serverCpu * 1000) / calls, 2),
      rssMiB: { before: round(rssBefore / 1024), loaded: round(rssLoaded / 1024) },
    });
    expect(errors).toEqual([]);
    expect(latencies).toHaveLength(calls);
    for (const form of keyForms(canary.key, canary.token)) {
      expect(seen.join('\n').includes(form)).toBe(false);
      expect(server.stderr().includes(form)).toBe(false);
    }
  });

  // A fixed amount of work whose duration is the machine's: 10,000 sessions took about 60 s on an idle 2-core
  // machine, and several times that on a busy one. No assertion is about time; the limit only catches a hang.
  it(`opens and closes ${CHURN} sessions and its memory comes back within 10%`, { timeout: 30 * 60_000 }, async () => {
    const host = new URL(server.url).host;
    async function churn(count: number, keep: string[]): Promise<number> {
      const t0 = performance.now();
      await pool(count, CHURN_CONCURRENCY, async (i) => {
        const session = await connectHttp(server.url, { headers: AUTH });
        if (i % 500 === 0 && session.sessionId !== undefined) keep.push(session.sessionId);
        await session.close(); // DELETE, then the transport closes
      });
      return (performance.now() - t0) / 1000;
    }
    const rssStart = rssKb(server.pid);
    const warmUpSeconds = await churn(WARM_UP, []);
    const rssAfterWarmUp = await settledRss(server.pid);
    const closedIds: string[] = [];
    const churnSeconds = await churn(CHURN, closedIds);
    const rssPeak = rssKb(server.pid);
    const rssAfter = await settledRss(server.pid);

    // Every session closed is gone: its id is unknown to the server.
    for (const id of closedIds) {
      const answer = await raw({
        headers: { host, ...AUTH, 'mcp-session-id': id },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      });
      expect(answer.status).toBe(404);
    }
    // And the server still opens new ones.
    const fresh = await connectHttp(server.url, { headers: AUTH });
    const balance = (await fresh.client.callTool({ name: 'get_balance', arguments: {} })) as CallToolResult;
    expect(balance.isError, textOf(balance)).toBeFalsy();
    await fresh.close();

    const growth = (rssAfter - rssAfterWarmUp) / rssAfterWarmUp;
    report('http-sessions', {
      command: 'pnpm --filter @cappi-reseller/mcp-proof exec vitest run src/http-load.test.ts',
      warmUpSessions: WARM_UP,
      sessions: CHURN,
      concurrency: CHURN_CONCURRENCY,
      sessionsPerSecond: round(CHURN / churnSeconds),
      warmUpSeconds: round(warmUpSeconds, 1),
      churnSeconds: round(churnSeconds, 1),
      rssMiB: {
        beforeWarmUp: round(rssStart / 1024),
        afterWarmUp: round(rssAfterWarmUp / 1024),
        peak: round(rssPeak / 1024),
        afterIdle: round(rssAfter / 1024),
      },
      growthAfterWarmUp: `${round(growth * 100, 1)}%`,
      closedSessionsChecked: closedIds.length,
      serverAlive: isAlive(server.pid),
    });
    expect(closedIds.length).toBeGreaterThanOrEqual(CHURN / 500);
    expect(growth).toBeLessThanOrEqual(0.1);
    expect(isAlive(server.pid)).toBe(true);
  });

  it(`forgets the client and catalog of each per-session key once its sessions end (${USERS} people)`, async () => {
    // No CAPPI_API_KEY: every session brings its own key, as on a server shared by several people.
    const shared = await spawnHttp({ baseUrl: sandbox.url });
    try {
      const rawCatalogChars = (await (await fetch(`${sandbox.url}/ServicesList?key=${userKeys[0]}`)).text()).length;
      let next = 0;
      async function visit(count: number): Promise<void> {
        await pool(count, 8, async () => {
          const key = userKeys[next++] as string;
          const session = await connectHttp(shared.url, { headers: { 'x-cappi-api-key': key } });
          const found = (await session.client.callTool({ name: 'list_services', arguments: {} })) as CallToolResult;
          expect(found.isError, textOf(found)).toBeFalsy();
          await session.close();
        });
      }
      await visit(USERS_WARM_UP);
      const before = await settledRss(shared.pid);
      const started = performance.now();
      await visit(USERS);
      const seconds = (performance.now() - started) / 1000;
      const after = await settledRss(shared.pid);
      const growthMiB = (after - before) / 1024;
      // Keeping each key's catalog would take at least its raw JSON per person (parsed, it takes more).
      const keptCatalogsMiB = (USERS * rawCatalogChars) / 1024 / 1024;
      report('http-per-session-keys', {
        command: 'pnpm --filter @cappi-reseller/mcp-proof exec vitest run src/http-load.test.ts',
        warmUpPeople: USERS_WARM_UP,
        people: USERS,
        seconds: round(seconds, 1),
        rssMiB: { afterWarmUp: round(before / 1024), afterIdle: round(after / 1024) },
        growthMiB: round(growthMiB),
        growth: `${round((100 * (after - before)) / before, 1)}%`,
        catalogsOfThosePeopleMiB: round(keptCatalogsMiB),
      });
      // Kept catalogs would add at least keptCatalogsMiB. RSS also holds heap the GC has not handed back yet, more of it
      // on a busy machine (88 MiB was seen under load, for 344 MiB of catalogs): half of it separates the two cases.
      expect(growthMiB).toBeLessThan(keptCatalogsMiB / 2);
      for (const form of keyForms(canary.key, canary.token)) expect(shared.stderr().includes(form)).toBe(false);
      for (const key of userKeys) expect(shared.stderr().includes(key)).toBe(false);
    } finally {
      await shared.stop();
    }
  });
});
