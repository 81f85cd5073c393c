// MCP Tasks through a real SDK client that asks for them: register_order and a waiting get_order_status run as
// tasks, outlive the client's request timeout and end through tasks/get and tasks/result; cancelling a task stops
// the waiting and never undoes an order. The sandbox's orders move only when this test moves its clock.
import { formatUsd } from '@cappi-reseller/core';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import {
  type CallToolResult,
  CallToolResultSchema,
  CreateTaskResultSchema,
  type ElicitResult,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, LINK, leaks, type Spawned, STEAM_LIKES, spawnServer, textOf } from './helpers.js';

/** Far below how long the tasks here take: each request must answer within it, the tasks need not. */
const REQUEST_TIMEOUT_MS = 500;
/** Only a hang-catcher. */
const HANG_MS = 60_000;

let sandbox: Sandbox;
let server: Spawned;
let now = Date.now();
/** Answers the next confirmation the server asks for; set by a test. */
let answerElicitation: (message: string) => Promise<ElicitResult> = async () => ({
  action: 'accept',
  content: { confirm: true },
});

beforeAll(async () => {
  sandbox = await startSandbox({
    keys: [{ key: CANARY, balance: 100 }],
    orderTiming: { pendingMs: 1_000, deliveryMs: 1_000 },
    clock: () => now, // orders stay pending until a test moves the clock
    validateResponses: true,
  });
  server = await spawnServer({
    sandbox,
    elicit: (message) => answerElicitation(message),
    // A client that shows cards (so quotes carry the budget left) and asks for tasks.
    capabilities: {
      tasks: { list: {}, cancel: {} },
      extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } },
    },
  });
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

const timeout = { timeout: REQUEST_TIMEOUT_MS };

async function startTask(name: string, args: Record<string, unknown>): Promise<string> {
  const created = await server.client.request(
    { method: 'tools/call', params: { name, arguments: args, task: { ttl: HANG_MS } } },
    CreateTaskResultSchema,
    timeout,
  );
  expect(created.task.status).toBe('working');
  return created.task.taskId;
}

async function statusOf(taskId: string): Promise<string> {
  return (await server.client.experimental.tasks.getTask(taskId, timeout)).status;
}

async function resultOf(taskId: string): Promise<CallToolResult & { structuredContent?: Record<string, unknown> }> {
  const result = await server.client.experimental.tasks.getTaskResult(taskId, CallToolResultSchema, timeout);
  server.seen.push(JSON.stringify(result));
  return result as CallToolResult & { structuredContent?: Record<string, unknown> };
}

async function quote(quantity: number) {
  const answer = await server.call('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity });
  expect(answer.isError, textOf(answer)).toBeFalsy();
  return answer.structuredContent as { quote_id: string; price: number; budget_left: number };
}

describe('tasks', () => {
  it('tools/list offers register_order and get_order_status as tasks, the others not', async () => {
    const { tools } = await server.client.listTools();
    const support = Object.fromEntries(tools.map((tool) => [tool.name, tool.execution?.taskSupport]));
    expect(support).toMatchObject({ register_order: 'optional', get_order_status: 'optional' });
    expect(support.quote_order).not.toBe('optional');
  });

  it('an order placed and followed as tasks reaches its end, long after the request timeout', {
    timeout: HANG_MS * 2,
  }, async () => {
    const { quote_id: quoteId } = await quote(20);
    const placing = await startTask('register_order', { quote_id: quoteId });
    await expect.poll(() => statusOf(placing), { timeout: HANG_MS }).toBe('completed');
    const placed = await resultOf(placing);
    expect(placed.isError, textOf(placed)).toBeFalsy();
    const orderId = placed.structuredContent?.order_id as number;
    expect(sandbox.orders(CANARY).filter((order) => order.orderId === orderId)).toHaveLength(1);

    const started = Date.now();
    const statusRequests = sandbox.requests('OrderStatus');
    const following = await startTask('get_order_status', { order_id: orderId, wait_seconds: 45 });
    // The server polls the pending order; by its second poll, more than the request timeout has passed.
    await expect
      .poll(() => sandbox.requests('OrderStatus'), { timeout: HANG_MS })
      .toBeGreaterThanOrEqual(statusRequests + 2);
    expect(await statusOf(following)).toBe('working');
    now += 10_000; // the sandbox's order is delivered
    await expect.poll(() => statusOf(following), { timeout: HANG_MS }).toBe('completed');
    expect(Date.now() - started).toBeGreaterThan(REQUEST_TIMEOUT_MS);
    const followed = await resultOf(following);
    expect(followed.structuredContent).toMatchObject({ order_id: orderId, state: 'completed', final: true });
    expect(followed.content[0]?.type).toBe('text');
  });

  it('a cancelled wait leaves the order untouched and counted', { timeout: HANG_MS * 2 }, async () => {
    const before = await quote(30);
    const placing = await startTask('register_order', { quote_id: before.quote_id });
    await expect.poll(() => statusOf(placing), { timeout: HANG_MS }).toBe('completed');
    const orderId = (await resultOf(placing)).structuredContent?.order_id as number;

    const statusRequests = sandbox.requests('OrderStatus');
    const following = await startTask('get_order_status', { order_id: orderId, wait_seconds: 45 });
    await expect.poll(() => sandbox.requests('OrderStatus'), { timeout: HANG_MS }).toBeGreaterThan(statusRequests);
    const cancelled = await server.client.experimental.tasks.cancelTask(following, timeout);
    expect(cancelled.status).toBe('cancelled');
    expect(await statusOf(following)).toBe('cancelled');

    // The order is still there, still pending, and the ledger still counts it against today's budget.
    const order = sandbox.orders(CANARY).find((entry) => entry.orderId === orderId);
    expect(order?.status).toBe('pending');
    const row = (await server.ledger()).find((entry) => entry.orderId === orderId);
    expect(row?.status).toBe('placed');
    const after = await quote(30);
    expect(formatUsd(after.budget_left)).toBe(formatUsd(before.budget_left - before.price));
  });

  it('a task cancelled while the person is asked to confirm places nothing', { timeout: HANG_MS * 2 }, async () => {
    const { quote_id: quoteId } = await quote(40);
    const ordersBefore = sandbox.orders(CANARY).length;
    const rowsBefore = (await server.ledger()).length;
    let taskId = '';
    let asked: () => void = () => undefined;
    const wasAsked = new Promise<void>((resolve) => {
      asked = resolve;
    });
    // The person is asked; the task is cancelled before they answer; then they accept.
    answerElicitation = async () => {
      asked();
      await expect.poll(() => taskId !== '').toBe(true);
      await server.client.experimental.tasks.cancelTask(taskId, timeout);
      return { action: 'accept', content: { confirm: true } };
    };
    taskId = await startTask('register_order', { quote_id: quoteId });
    await wasAsked;
    await expect.poll(() => statusOf(taskId), { timeout: HANG_MS }).toBe('cancelled');
    // The server logs how a cancelled task ended once its work is over: then count.
    await expect
      .poll(() => server.stderr(), { timeout: HANG_MS })
      .toContain(`task ${taskId} was cancelled before it ended; its answer, not delivered:`);
    expect(server.stderr()).toContain('the request was cancelled; nothing was placed.');
    expect(sandbox.orders(CANARY).length).toBe(ordersBefore);
    expect((await server.ledger()).length).toBe(rowsBefore);
  });

  it('no answer held the key', () => {
    for (const text of [...server.seen, server.stderr()]) expect(leaks(text)).toBe(false);
  });
});
