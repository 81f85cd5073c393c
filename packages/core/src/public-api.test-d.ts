// Type tests of the public API (vitest typecheck): what a caller writes must compile, and what it must not
// write must not.
import { describe, expectTypeOf, it } from 'vitest';
import type { AnswerInfo, Balance, RegisteredOrder } from './domain/types.js';
import {
  type AnyResellerError,
  createResellerClient,
  type InsufficientFundsError,
  isResellerError,
  type OrderOutcome,
  type ResellerClientOptions,
  type ResellerPromise,
  type WithResponse,
} from './index.js';

declare const caught: unknown;
declare const env: Record<string, string | undefined>;

describe('errors', () => {
  it('narrow on code after isResellerError', () => {
    if (isResellerError(caught)) {
      expectTypeOf(caught).toEqualTypeOf<AnyResellerError>();
      if (caught.code === 'insufficient_funds') {
        expectTypeOf(caught).toEqualTypeOf<InsufficientFundsError>();
        expectTypeOf(caught.balance).toEqualTypeOf<number | undefined>();
        expectTypeOf(caught.cost).toEqualTypeOf<number | undefined>();
        expectTypeOf(caught.name).toEqualTypeOf<'InsufficientFundsError'>();
      }
      if (caught.code === 'invalid_request') expectTypeOf(caught.min).toEqualTypeOf<number | undefined>();
      if (caught.code === 'unknown_outcome') {
        expectTypeOf(caught.sentAt).toEqualTypeOf<string>();
        expectTypeOf(caught.order.quantity).toEqualTypeOf<number>();
      }
      if (caught.name === 'TimeoutError') expectTypeOf(caught.timeoutMs).toEqualTypeOf<number>();
      expectTypeOf(caught.requestId).toEqualTypeOf<string | undefined>();
      expectTypeOf(caught.status).toEqualTypeOf<number | undefined>();
      // @ts-expect-error balance exists only once code says insufficient funds
      caught.balance;
    }
  });

  it('every code names exactly one class', () => {
    expectTypeOf<Extract<AnyResellerError, { code: 'timeout' }>['name']>().toEqualTypeOf<'TimeoutError'>();
    expectTypeOf<AnyResellerError['code']>().toEqualTypeOf<import('./index.js').ErrorCode>();
  });

  it('outcome errors narrow too', () => {
    const outcome = {} as OrderOutcome;
    if (outcome.kind === 'refused' && outcome.error.code === 'insufficient_funds') {
      expectTypeOf(outcome.error.balance).toEqualTypeOf<number | undefined>();
    }
  });
});

describe('options', () => {
  it('accept undefined where optional (exactOptionalPropertyTypes)', () => {
    const options: ResellerClientOptions = {
      apiKey: env.CAPPI_API_KEY ?? '',
      baseUrl: env.CAPPI_BASE_URL,
      timeoutMs: undefined,
      retries: undefined,
      logger: undefined,
      logLevel: undefined,
    };
    const client = createResellerClient(options);
    expectTypeOf(client.getBalance({ signal: undefined, timeoutMs: undefined, retries: undefined })).toEqualTypeOf<
      ResellerPromise<Balance>
    >();
  });

  it('give an order no retries', () => {
    const client = createResellerClient({ apiKey: 'k' });
    const order = { serviceId: 1, link: 'https://example.com', quantity: 1 };
    // @ts-expect-error an order is never retried
    client.registerOrder(order, { retries: 1 });
    expectTypeOf(client.registerOrder(order, { timeoutMs: 5000 })).toEqualTypeOf<ResellerPromise<RegisteredOrder>>();
  });
});

describe('withResponse', () => {
  it('gives the data and the answer', () => {
    const client = createResellerClient({ apiKey: 'k' });
    expectTypeOf(client.getBalance().withResponse()).toEqualTypeOf<Promise<WithResponse<Balance>>>();
    expectTypeOf<WithResponse<Balance>['response']>().toEqualTypeOf<AnswerInfo>();
    expectTypeOf(client.getBalance()).resolves.toEqualTypeOf<Balance>();
  });
});
