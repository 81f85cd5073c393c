import type { AnswerInfo } from './domain/types.js';

/** A parsed answer with what the answer said about itself (status, request id, redacted headers). */
export interface WithResponse<T> {
  data: T;
  response: AnswerInfo;
}

/**
 * What each client method returns: a Promise of the parsed answer that can also give the answer's status, request
 * id and headers, the way openai-node's `withResponse()` does. The request is sent once, whichever is awaited.
 *
 * @example
 * ```ts
 * const { data: balance, response } = await client.getBalance().withResponse();
 * console.log(balance.balance, response.status, response.requestId);
 * ```
 */
export class ResellerPromise<T> extends Promise<T> {
  readonly #answered: Promise<WithResponse<T>>;

  /** Made by the client; `answered` is the call already under way. */
  constructor(answered: Promise<WithResponse<T>>) {
    // The base promise is never used: every then() reads `answered`, so a rejection is reported once, where awaited.
    super((resolve) => resolve(undefined as T));
    this.#answered = answered;
  }

  // then() and the rest build plain promises, not ResellerPromises (which would need an `answered`).
  static override get [Symbol.species]() {
    return Promise;
  }

  /** The parsed answer and what the answer said about itself. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#answered;
  }

  // biome-ignore lint/suspicious/noThenProperty: a Promise subclass must override then() so awaiting it reads the call.
  override then<Fulfilled = T, Rejected = never>(
    onFulfilled?: ((value: T) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.#answered.then(({ data }) => data).then(onFulfilled, onRejected);
  }
}
