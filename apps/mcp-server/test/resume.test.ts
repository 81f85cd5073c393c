// Resumable streams (issue 9, point 4): the connection of a register_order call drops right after the server's priming
// event, while the sandbox still holds the order's answer; the SDK's client reconnects with Last-Event-ID after the
// server's `retry` and receives the answer: the order id, and exactly one order in the sandbox.
// Event-driven: the stream is cut after its first event whatever arrived with it, so the answer can only come through
// the resumed stream.
import type { Sandbox } from '@cappi-reseller/sandbox';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  CANARY,
  LINK,
  leaks,
  removeDir,
  STEAM_LIKES,
  startTestSandbox,
  type ToolAnswer,
  tempDir,
  textOf,
} from './helpers.js';
import { type HttpServer, startHttpServer, stopAll } from './http-helpers.js';

let sandbox: Sandbox;
let stateDir: string;
let server: HttpServer | undefined;

/** The body of an SSE answer up to the end of its first event; then the connection breaks, as a network would. */
function cutAfterFirstEvent(body: ReadableStream<Uint8Array>, onCut: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let seen = new Uint8Array(0);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      const joined = new Uint8Array(seen.length + value.length);
      joined.set(seen);
      joined.set(value, seen.length);
      seen = joined;
      const end = new TextDecoder().decode(seen).indexOf('\n\n');
      if (end < 0) return;
      controller.enqueue(seen.subarray(0, end + 2));
      await reader.cancel();
      onCut();
      controller.error(new TypeError('fetch failed: the connection dropped (test)'));
    },
  });
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  stateDir = tempDir();
});

afterAll(async () => {
  await stopAll();
  expect(leaks(server?.stderr() ?? '')).toBe(false);
  await sandbox?.stop();
  removeDir(stateDir);
});

it('a register_order whose stream dropped mid-call is answered after the client resumes with Last-Event-ID', async () => {
  server = await startHttpServer({ sandboxUrl: sandbox.url, stateDir });
  const { url } = server;
  let dropNextToolCall = false;
  let dropped = false;
  const resumedWith: string[] = [];
  const droppingFetch: typeof fetch = async (input, init) => {
    const method = init?.method ?? 'GET';
    const lastEventId = new Headers(init?.headers).get('last-event-id');
    if (method === 'GET' && lastEventId !== null) resumedWith.push(lastEventId);
    const isToolCall = method === 'POST' && String(init?.body).includes('"tools/call"');
    const response = await fetch(input, init);
    if (!(isToolCall && dropNextToolCall) || response.body === null) return response;
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    dropNextToolCall = false;
    const body = cutAfterFirstEvent(response.body, () => {
      dropped = true;
    });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { 'X-Cappi-Api-Key': CANARY } },
    fetch: droppingFetch,
  });
  const client = new Client({ name: 'cappi-resume-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    const quote = (await client.callTool({
      name: 'quote_order',
      arguments: { service_id: STEAM_LIKES, link: LINK, quantity: 10 },
    })) as ToolAnswer;
    expect(quote.isError, textOf(quote)).toBeFalsy();

    const ordersBefore = sandbox.orders(CANARY).length;
    // The order's answer is held back, so the server is still waiting for it when the stream drops.
    sandbox.faults.inject({ kind: 'latency', ms: 1_500 }, { operation: 'RegisterOrder' });
    dropNextToolCall = true;
    const placed = (await client.callTool({
      name: 'register_order',
      arguments: { quote_id: quote.structuredContent?.quote_id },
    })) as ToolAnswer;

    expect(dropped).toBe(true);
    expect(resumedWith.length).toBeGreaterThanOrEqual(1);
    expect(placed.isError, textOf(placed)).toBeFalsy();
    const orders = sandbox.orders(CANARY);
    expect(orders).toHaveLength(ordersBefore + 1);
    expect(placed.structuredContent?.order_id).toBe(orders.at(-1)?.orderId);
    expect(sandbox.requests('RegisterOrder')).toBe(1);
  } finally {
    await client.close();
  }
});
