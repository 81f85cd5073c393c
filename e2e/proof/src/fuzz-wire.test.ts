// Fuzz the other side of the wire: a loopback HTTP server answers each of the four operations with a generated
// response (a valid body, a mutated one, any JSON, any text, half a body, a dropped connection; every status from
// 200 to 504; odd Content-Types and Retry-After values), and sometimes echoes the API key back in the body, a header
// or a redirect. 10,000 responses per operation, one request each (retries 0). What must hold:
// - nothing but a ResellerError is thrown, and the client sends exactly one request per call;
// - a read succeeds only on a 2xx whose body has the contract's shape, and returns exactly that body;
// - RegisterOrder succeeds only on a 2xx `success: true` with a usable order id (a whole number from 1); an answer it
//   cannot read, a dropped connection or any 5xx is an UnknownOutcomeError ("may have been placed": a service can fail
//   after committing, a gateway answers without knowing); a readable refusal or a 3xx/4xx is a definite error, never
//   "unknown" (core's classifyOrderAttempt);
// - errors map statuses as documented (401/403 authentication, 404 not found, 429 rate limited with its Retry-After,
//   408/5xx server for reads, 400/422 invalid request);
// - the key, echoed by the server, never shows up in an error.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AuthenticationError,
  createResellerClient,
  InsufficientFundsError,
  InvalidRequestError,
  isResellerError,
  NotFoundError,
  RateLimitedError,
  type ResellerError,
  ServerError,
  UnknownOutcomeError,
} from '@cappi-reseller/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CanaryWatch, captureOutput, countBy, formatCounts, makeCanaryKey, printFigures } from './support.js';

const RUNS_PER_OPERATION = 10_000;
const SEED = process.env.PROOF_SEED === undefined ? undefined : Number(process.env.PROOF_SEED);
type Operation = 'Balance' | 'ServicesList' | 'OrderStatus' | 'RegisterOrder';

interface Planned {
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  /** The body; `{{KEY}}`, `{{ENCODED}}` and `{{URL}}` are replaced by what the request carried. */
  body: string;
  /** How the body was made, for the figures and for what must happen. */
  shape: 'valid' | 'mutated' | 'json' | 'text' | 'half' | 'empty';
  /** answer: the whole response; drop: the connection closed before any answer; cut: half the body, then closed. */
  mode: 'answer' | 'drop' | 'cut';
  location: string | undefined;
}

const { key, token } = makeCanaryKey();
const canary = new CanaryWatch(key, token);
// Errors made from an HTTP 200 refusal of RegisterOrder (`success: false` with the server's `error` text) are watched
// apart: they once leaked an echoed key (a gap this suite found, fixed in core; see docs/faults.md).
const refusalCanary = new CanaryWatch(key, token);
const output = captureOutput();
let planned: Planned | undefined;
let received = 0;
/** Requests by operation (the last segment of the path). */
const receivedBy = new Map<string, number>();
/** The body the server last sent, after replacements ('' when HTTP forbids one). */
let sentBody = '';
let baseUrl = '';
const server = createServer((request: IncomingMessage, response: ServerResponse) => {
  received += 1;
  const plan = planned;
  if (plan === undefined) {
    response.writeHead(500).end();
    return;
  }
  const url = `http://${request.headers.host}${request.url}`;
  const operationOf = new URL(url).pathname.split('/').pop() ?? '';
  receivedBy.set(operationOf, (receivedBy.get(operationOf) ?? 0) + 1);
  const echoedKey = new URL(url).searchParams.get('key') ?? '';
  const body = plan.body
    .replaceAll('{{KEY}}', echoedKey)
    .replaceAll('{{ENCODED}}', encodeURIComponent(echoedKey))
    .replaceAll('{{URL}}', url);
  if (plan.mode === 'drop') {
    request.socket.destroy();
    return;
  }
  const headers: Record<string, string | number> = {};
  if (plan.contentType !== undefined) headers['content-type'] = plan.contentType;
  if (plan.retryAfter !== undefined) headers['retry-after'] = plan.retryAfter;
  if (plan.location !== undefined) headers.location = plan.location.replaceAll('{{URL}}', url);
  // 204 and 304 carry no body.
  sentBody = plan.status === 204 || plan.status === 304 ? '' : body;
  const bytes = Buffer.from(sentBody, 'utf8');
  if (plan.mode === 'cut') {
    // Promise the whole body, send half, then cut the connection.
    headers['content-length'] = bytes.length + 10;
    response.writeHead(plan.status, headers);
    response.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    setImmediate(() => request.socket.destroy());
    return;
  }
  headers['content-length'] = bytes.length;
  response.writeHead(plan.status, headers);
  response.end(bytes);
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  output.stop();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// Values the server may echo: the key in the forms a careless server would use.
const echo = fc.constantFrom('{{KEY}}', '{{ENCODED}}', '{{URL}}', 'key={{KEY}}', 'plain text');
const text = fc.oneof({ arbitrary: fc.string({ maxLength: 30 }), weight: 4 }, { arbitrary: echo, weight: 1 });
const money = fc.oneof(fc.double({ min: -1e6, max: 1e9, noNaN: true, noDefaultInfinity: true }), fc.integer());
const whole = fc.oneof(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));

const validBodies: Record<Operation, fc.Arbitrary<unknown>> = {
  Balance: fc.record({ balance: money, currency: text }),
  ServicesList: fc.array(
    fc.record(
      {
        service: whole,
        category: text,
        name: text,
        rate: money,
        min: whole,
        max: whole,
        desc: fc.option(text, { nil: null }),
      },
      { requiredKeys: ['service', 'category', 'name', 'min', 'max'] },
    ),
    { maxLength: 5 },
  ),
  OrderStatus: fc.record({
    status: fc.oneof(fc.constantFrom('pending', 'in progress', 'completed', 'partial', 'canceled'), text),
    charge: money,
    walletReturn: money,
    mode: fc.option(text, { nil: null }),
    success: whole,
    failed: whole,
    observation: fc.option(text, { nil: null }),
    currency: text,
  }),
  RegisterOrder: fc.oneof(
    fc.record({
      success: fc.constant(true),
      orderId: whole,
      insufficientFunds: fc.constant(false),
      error: fc.constant(null),
    }),
    fc.record(
      {
        success: fc.constant(false),
        orderId: fc.constant(null),
        insufficientFunds: fc.boolean(),
        error: fc.option(text, { nil: null }),
      },
      { requiredKeys: ['success'] },
    ),
  ),
};

const anyJson = fc.jsonValue({ maxDepth: 3 });

/** A valid body with one field removed or replaced by any JSON value. */
function mutate(body: unknown, field: string, replacement: unknown, remove: boolean): unknown {
  const target = Array.isArray(body) ? body[0] : body;
  if (typeof target !== 'object' || target === null) return replacement;
  const copy = { ...(target as Record<string, unknown>) };
  const names = Object.keys(copy);
  const name = names.find((candidate) => candidate === field) ?? names[field.length % Math.max(1, names.length)];
  if (name === undefined) return replacement;
  if (remove) delete copy[name];
  else copy[name] = replacement;
  return Array.isArray(body) ? [copy, ...body.slice(1)] : copy;
}

function plans(operation: Operation): fc.Arbitrary<Planned> {
  const valid = validBodies[operation];
  const body = fc.oneof(
    { arbitrary: valid.map((value) => ({ shape: 'valid' as const, body: JSON.stringify(value) })), weight: 5 },
    {
      arbitrary: fc
        .tuple(valid, fc.string({ maxLength: 12 }), anyJson, fc.boolean())
        .map(([value, field, replacement, remove]) => ({
          shape: 'mutated' as const,
          body: JSON.stringify(mutate(value, field, replacement, remove)),
        })),
      weight: 3,
    },
    { arbitrary: anyJson.map((value) => ({ shape: 'json' as const, body: JSON.stringify(value) })), weight: 2 },
    { arbitrary: fc.oneof(fc.string(), echo).map((value) => ({ shape: 'text' as const, body: value })), weight: 1 },
    {
      arbitrary: valid.map((value) => {
        const json = JSON.stringify(value);
        return { shape: 'half' as const, body: json.slice(0, Math.floor(json.length / 2)) };
      }),
      weight: 1,
    },
    { arbitrary: fc.constant({ shape: 'empty' as const, body: '' }), weight: 1 },
    // A problem document that quotes the request, key included.
    {
      arbitrary: fc.tuple(echo, echo).map(([title, detail]) => ({
        shape: 'json' as const,
        body: JSON.stringify({ type: 'about:blank', title, status: 400, detail, errors: { key: [detail] } }),
      })),
      weight: 1,
    },
  );
  const status = fc.oneof(
    { arbitrary: fc.constant(200), weight: 12 },
    {
      arbitrary: fc.constantFrom(
        201,
        204,
        301,
        302,
        307,
        400,
        401,
        403,
        404,
        408,
        409,
        418,
        422,
        429,
        500,
        502,
        503,
        504,
      ),
      weight: 6,
    },
  );
  return fc
    .record({
      status,
      contentType: fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/problem+json',
        'text/plain',
        'text/html',
        undefined,
      ),
      retryAfter: fc.constantFrom(
        undefined,
        undefined,
        '0',
        '1',
        '7',
        '-1',
        'soon',
        '1.5',
        'Wed, 21 Oct 2015 07:28:00 GMT',
      ),
      body,
      mode: fc.constantFrom(
        'answer',
        'answer',
        'answer',
        'answer',
        'answer',
        'answer',
        'answer',
        'answer',
        'drop',
        'cut',
      ),
      location: fc.constantFrom(undefined, 'http://evil.example/steal?{{URL}}', '/elsewhere'),
    })
    .map(({ body: made, ...rest }): Planned => ({ ...rest, ...made }));
}

/** A 2xx answer whose body is a readable refusal (`success: false`). */
function refusedWith200(status: number): boolean {
  if (status < 200 || status >= 300) return false;
  const body = sentJson();
  return isRecord(body) && body.success === false;
}

/** The body the server sent, parsed: what a successful call must return. */
function sentJson(): unknown {
  try {
    return JSON.parse(sentBody);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The contract's shape for each operation's 200 body, written independently of core's checks. */
const contractShape: Record<Operation, (value: unknown) => boolean> = {
  Balance: (value) => isRecord(value) && Number.isFinite(value.balance) && typeof value.currency === 'string',
  ServicesList: (value) =>
    Array.isArray(value) &&
    value.every(
      (service) =>
        isRecord(service) &&
        Number.isSafeInteger(service.service) &&
        typeof service.category === 'string' &&
        typeof service.name === 'string' &&
        Number.isSafeInteger(service.min) &&
        Number.isSafeInteger(service.max) &&
        (service.rate === undefined || Number.isFinite(service.rate)) &&
        (service.desc === undefined || service.desc === null || typeof service.desc === 'string'),
    ),
  OrderStatus: (value) =>
    isRecord(value) &&
    typeof value.status === 'string' &&
    Number.isFinite(value.charge) &&
    Number.isFinite(value.walletReturn) &&
    Number.isSafeInteger(value.success) &&
    Number.isSafeInteger(value.failed) &&
    typeof value.currency === 'string' &&
    (value.mode === null || typeof value.mode === 'string') &&
    (value.observation === null || typeof value.observation === 'string'),
  RegisterOrder: (value) =>
    isRecord(value) &&
    typeof value.success === 'boolean' &&
    (value.orderId === undefined || value.orderId === null || Number.isSafeInteger(value.orderId)) &&
    (value.insufficientFunds === undefined || typeof value.insufficientFunds === 'boolean') &&
    (value.error === undefined || value.error === null || typeof value.error === 'string'),
};

/** The error class an error status must map to (documented in packages/core/README.md). */
function classFor(status: number): (new (...args: never[]) => ResellerError) | undefined {
  if (status === 401 || status === 403) return AuthenticationError;
  if (status === 400 || status === 422) return InvalidRequestError;
  if (status === 404) return NotFoundError;
  if (status === 429) return RateLimitedError;
  if (status === 408 || status >= 500) return ServerError;
  return undefined;
}

const figures: string[] = [];

describe('fuzz: responses of every shape from a loopback server', () => {
  const operations: Operation[] = ['Balance', 'ServicesList', 'OrderStatus', 'RegisterOrder'];
  it.each(operations)(`%s: ${RUNS_PER_OPERATION} generated responses`, async (operation) => {
    const client = createResellerClient({ apiKey: key, baseUrl, retries: 0, timeoutMs: 5_000 });
    const outcomes: string[] = [];
    const call = (): Promise<unknown> => {
      switch (operation) {
        case 'Balance':
          return client.getBalance();
        case 'ServicesList':
          return client.listServices();
        case 'OrderStatus':
          return client.getOrderStatus(42);
        case 'RegisterOrder':
          return client.registerOrder({ serviceId: 7, link: 'https://example.com/p/1', quantity: 10 });
      }
    };
    await fc.assert(
      fc.asyncProperty(plans(operation), async (plan) => {
        planned = plan;
        const before = received;
        const beforeBy = new Map(receivedBy);
        let value: unknown;
        let error: ResellerError | undefined;
        try {
          value = await call();
        } catch (thrown) {
          const refusal = operation === 'RegisterOrder' && plan.mode === 'answer' && refusedWith200(plan.status);
          (refusal ? refusalCanary : canary).error(`${operation} ${plan.status} ${plan.shape} ${plan.mode}`, thrown);
          if (!isResellerError(thrown)) throw new Error(`a non-ResellerError escaped: ${String(thrown)}`);
          error = thrown;
        }
        // One request of the operation per call: no retry, no redirect followed. The only other requests: after an
        // order's refusal for funds or quantity, one Balance and one ServicesList read, so that the error can say the
        // balance and cost or the allowed quantities (core's explainRefusal); never another RegisterOrder.
        const sent = (name: string) => (receivedBy.get(name) ?? 0) - (beforeBy.get(name) ?? 0);
        expect(sent(operation)).toBe(1);
        const explained =
          operation === 'RegisterOrder' && (error?.code === 'insufficient_funds' || error?.code === 'invalid_request');
        const others = operations.filter((name) => name !== operation);
        for (const other of others) {
          const allowed = explained && (other === 'Balance' || other === 'ServicesList') ? 1 : 0;
          expect(sent(other), `${other} requests during a ${operation} call`).toBeLessThanOrEqual(allowed);
        }
        // And nothing else at all.
        expect(received - before).toBe(1 + others.reduce((sum, other) => sum + sent(other), 0));
        const answered = plan.mode !== 'drop'; // the status line arrived
        const complete = plan.mode === 'answer'; // and the whole body
        const ok = plan.status >= 200 && plan.status < 300;
        const serverError = plan.status >= 500;
        const body = complete ? sentJson() : undefined;
        const shaped = body !== undefined && contractShape[operation](body);
        outcomes.push(error === undefined ? 'resolved' : error.code);

        if (error === undefined) {
          // Success only for a whole 2xx answer of the contract's shape, and exactly what was sent.
          expect(complete && ok && shaped).toBe(true);
          if (operation === 'RegisterOrder') {
            expect((body as Record<string, unknown>).success).toBe(true);
            expect(value).toEqual({
              success: true,
              orderId: (body as Record<string, unknown>).orderId,
              insufficientFunds: false,
              error: null,
            });
          } else {
            expect(value).toEqual(body);
          }
          return;
        }
        if (operation === 'RegisterOrder') {
          const result = body as Record<string, unknown> | undefined;
          const orderId = result?.orderId;
          const usableId = typeof orderId === 'number' && Number.isSafeInteger(orderId) && orderId >= 1;
          if (!answered || (ok && !complete) || (ok && !shaped) || serverError) {
            // The request left and no answer it can act on came back: "the order may have been placed".
            expect(error).toBeInstanceOf(UnknownOutcomeError);
          } else if (ok && result?.success === false) {
            expect(error).toBeInstanceOf(
              result.insufficientFunds === true ? InsufficientFundsError : InvalidRequestError,
            );
          } else if (ok) {
            // success: true without a usable order id: nothing to act on, the outcome is unknown
            expect(usableId).toBe(false);
            expect(error).toBeInstanceOf(UnknownOutcomeError);
          } else {
            // A 3xx or 4xx of the service itself (even with its body cut): definite, nothing was placed.
            expect(error).not.toBeInstanceOf(UnknownOutcomeError);
          }
        } else if (complete && ok && shaped) {
          throw new Error(`a valid ${operation} answer was refused: ${error.message}`);
        }
        if (answered && !ok && !(operation === 'RegisterOrder' && serverError)) {
          // Error statuses map as documented.
          const expected = classFor(plan.status);
          if (expected !== undefined) expect(error).toBeInstanceOf(expected);
          else expect(error.code).toBe('invalid_response'); // 3xx (never followed) and other statuses
          if (complete && plan.status === 429 && plan.retryAfter !== undefined && /^\d+$/.test(plan.retryAfter)) {
            expect((error as RateLimitedError).retryAfterMs).toBe(Number(plan.retryAfter) * 1000);
          }
        }
      }),
      { numRuns: RUNS_PER_OPERATION, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    figures.push(
      `${operation}: ${outcomes.length} responses -> ${formatCounts(countBy(outcomes, (outcome) => outcome))}`,
    );
    expect(outcomes.length).toBe(RUNS_PER_OPERATION);
    expect(outcomes).toContain('resolved');
  });

  it('leaks the key nowhere, though the server echoed it in bodies, headers and redirects', () => {
    canary.text('stdout and stderr', output.text());
    figures.push(
      `canary key: ${canary.summary()}`,
      `canary key, errors made from HTTP 200 refusals of RegisterOrder: ${refusalCanary.summary()}`,
    );
    printFigures('fuzz: responses of every shape (e2e/proof/src/fuzz-wire.test.ts)', figures);
    expect(canary.leaks).toEqual([]);
    expect(refusalCanary.scannedErrors).toBeGreaterThan(100);
    expect(refusalCanary.leaks).toEqual([]);
  });
});
