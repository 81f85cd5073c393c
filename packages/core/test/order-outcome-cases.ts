// The table of what can happen to one RegisterOrder request, and what every transport must conclude from it.
// Run through core's client (src/order-outcome.sandbox.test.ts) and through the n8n node's transport
// (packages/n8n-nodes-cappi-reseller/test/order-outcome.sandbox.test.ts), both against a real sandbox over HTTP:
// one table, so the two cannot drift apart.
import { type Fault, type Sandbox, startSandbox } from '@cappi-reseller/sandbox';

export type ExpectedOutcome = 'placed' | 'not_placed' | 'refused' | 'unknown';

export interface OrderOutcomeCase {
  name: string;
  /** Injected into the sandbox for the one RegisterOrder request. */
  fault?: Fault;
  /** Point the client somewhere nothing can take an order. */
  target?: 'closed_port' | 'tls_to_plain_http';
  /** Use a key the sandbox rejects (401), or an account whose balance cannot pay (HTTP 200 refusal). */
  key?: 'rejected' | 'broke';
  /** The order to send: the normal one, one above the service's max (the API refuses), or an invalid link. */
  order?: 'above_max' | 'invalid_link';
  /** The client's time limit for the request, in ms (with a latency fault much longer than it). */
  timeoutMs?: number;
  expected: ExpectedOutcome;
  /** How many orders the sandbox holds afterwards: whether the order really was placed. */
  ordersCreated: 0 | 1;
}

/** Long enough that a busy machine answers a normal request well within it, short enough for a test. */
export const SHORT_TIMEOUT_MS = 1_500;
/** How late the sandbox answers when a case wants the client to time out: far beyond SHORT_TIMEOUT_MS. */
const LATE_MS = 6_000;

export const ORDER_OUTCOME_CASES: readonly OrderOutcomeCase[] = [
  { name: 'a normal answer', expected: 'placed', ordersCreated: 1 },
  // The service answered 5xx after it committed the order: unknown, never "not placed", never retried.
  ...([500, 502, 503, 504] as const).map(
    (status): OrderOutcomeCase => ({
      name: `HTTP ${status} after the order was committed`,
      fault: { kind: 'status', status, afterCommit: true },
      expected: 'unknown',
      ordersCreated: 1,
    }),
  ),
  // The client cannot tell a 5xx before commit from one after: unknown too.
  {
    name: 'HTTP 500 before anything was committed',
    fault: { kind: 'status', status: 500 },
    expected: 'unknown',
    ordersCreated: 0,
  },
  {
    name: 'HTTP 429 (rate limited)',
    fault: { kind: 'rate_limit', retryAfterSeconds: 1 },
    expected: 'refused',
    ordersCreated: 0,
  },
  { name: 'a key the API rejects (HTTP 401)', key: 'rejected', expected: 'refused', ordersCreated: 0 },
  { name: 'insufficient funds (HTTP 200 refusal)', key: 'broke', expected: 'refused', ordersCreated: 0 },
  { name: 'a quantity above the service max', order: 'above_max', expected: 'refused', ordersCreated: 0 },
  { name: 'an invalid link, refused before sending', order: 'invalid_link', expected: 'not_placed', ordersCreated: 0 },
  { name: 'connection refused', target: 'closed_port', expected: 'not_placed', ordersCreated: 0 },
  { name: 'a TLS handshake that fails', target: 'tls_to_plain_http', expected: 'not_placed', ordersCreated: 0 },
  {
    name: 'the connection dropped before handling',
    fault: { kind: 'drop_before' },
    expected: 'unknown',
    ordersCreated: 0,
  },
  {
    name: 'the connection dropped after the order was committed',
    fault: { kind: 'drop_after' },
    expected: 'unknown',
    ordersCreated: 1,
  },
  { name: 'an answer cut off mid-body', fault: { kind: 'malformed' }, expected: 'unknown', ordersCreated: 1 },
  {
    name: 'no answer within the time limit',
    fault: { kind: 'latency', ms: LATE_MS },
    timeoutMs: SHORT_TIMEOUT_MS,
    expected: 'unknown',
    ordersCreated: 1,
  },
];

/** A key of an account that exists but cannot pay for anything. */
export const BROKE_KEY = 'sbx_outcome_table_broke_account_0000';
/** A key the sandbox never issued: every request with it is refused with HTTP 401. */
export const REJECTED_KEY = 'sbx_outcome_table_never_issued_00000';

/** A sandbox for the table: `key` pays for every order, BROKE_KEY for none; every answer checked against the contract. */
export function startCaseSandbox(key: string): Promise<Sandbox> {
  return startSandbox({
    port: 0,
    validateResponses: true,
    keys: [
      { key, balance: 1000 },
      { key: BROKE_KEY, balance: 0 },
    ],
  });
}

export function keyFor(testCase: OrderOutcomeCase, key: string): string {
  if (testCase.key === 'broke') return BROKE_KEY;
  if (testCase.key === 'rejected') return REJECTED_KEY;
  return key;
}

/** The same service, link and quantity for every case: a priced service of the seeded catalog. */
export function orderFor(sandbox: Sandbox, kind: OrderOutcomeCase['order']) {
  const service = sandbox.catalog().find((candidate) => (candidate.rate ?? 0) > 0 && candidate.max < 1_000_000);
  if (service === undefined) throw new Error('the sandbox catalog has no priced service');
  const quantity = kind === 'above_max' ? service.max + 1 : service.min;
  const link = kind === 'invalid_link' ? 'not a link' : 'https://example.com/post/outcome-table';
  return { serviceId: service.service, link, quantity };
}

/** A base URL on a port where nothing listens (bound, read, then closed). */
export async function closedPortUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** Where a case's client is pointed. */
export async function baseUrlFor(sandbox: Sandbox, target: OrderOutcomeCase['target']): Promise<string> {
  if (target === 'closed_port') return closedPortUrl();
  if (target === 'tls_to_plain_http') return sandbox.url.replace(/^http:/, 'https:');
  return sandbox.url;
}

/** Waits until the sandbox holds `count` orders of `key`: a timed-out order is committed when its latency ends. */
export async function ordersSettle(sandbox: Sandbox, key: string, count: number, deadlineMs = 20_000): Promise<number> {
  const started = Date.now();
  while (sandbox.orders(key).length < count && Date.now() - started < deadlineMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return sandbox.orders(key).length;
}
