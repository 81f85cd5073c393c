// The pure entry ('@cappi-reseller/core/domain': no I/O, as a browser or a face with its own HTTP stack uses it) on
// fixed data: answers parsed and compared with the contract, a catalog searched, an order validated and quoted,
// statuses normalized, errors built and told apart, outcomes classified, secrets redacted, a check that saw nothing.
import * as domain from '@cappi-reseller/core/domain';

/** What `run` threw, or undefined. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** The field an InvalidRequestError names, or what else happened. */
function refusedField(run: () => unknown): string {
  const error = thrown(run);
  if (error instanceof domain.InvalidRequestError) return error.field ?? 'no field';
  return error === undefined ? 'accepted' : 'another error';
}

/** Whether `run` throws an InvalidResponseError, and whether reading again may help. */
function invalidAnswer(run: () => unknown): string {
  const error = thrown(run);
  return error instanceof domain.InvalidResponseError ? `${error.code} retryable=${error.retryable}` : 'accepted';
}

/** One line per error, branching on `code` as a caller does: each branch sees its own class's fields. */
function describeError(error: domain.AnyResellerError): string {
  switch (error.code) {
    case 'insufficient_funds':
      return `${error.name}: ${error.balance} < ${error.cost} ${error.currency}`;
    case 'invalid_request':
      return `${error.name}: ${error.field} ${error.min}-${error.max}`;
    case 'not_found':
      return `${error.name}: order ${error.orderId}`;
    case 'rate_limited':
      return `${error.name}: after ${error.retryAfterMs} ms`;
    case 'server':
      return `${error.name}: HTTP ${error.status}`;
    case 'timeout':
      return `${error.name}: ${error.timeoutMs} ms`;
    case 'unknown_outcome':
      return `${error.name}: service ${error.order.serviceId} sent ${error.sentAt}`;
    default:
      return `${error.name}: retryable=${error.retryable}`;
  }
}

export function runPureDomain(apiKey: string) {
  const catalog = domain.parseServices([
    { service: 1, category: 'Instagram Likes', name: 'Likes, fast', rate: 0.015, min: 10, max: 1000 },
    { service: 2, category: 'Instagram Likes', name: 'Likes, slow', rate: 0.01, min: 10, max: 5000, desc: null },
    { service: 3, category: 'YouTube Views', name: 'Views', rate: 0.002, min: 100, max: 100000 },
  ]);
  const likes = domain.searchServices(catalog, { category: 'Instagram Likes', maxRate: 0.012 });
  const first = domain.paginate(catalog, { limit: 2 });
  const rest = domain.paginate(catalog, { limit: 2, cursor: first.nextCursor });
  const service = domain.findService(catalog, domain.validateServiceId(2));
  const order = domain.validateOrderInput({ serviceId: 2, link: ' https://example.com/p/1 ', quantity: 100 });
  domain.assertOrderAllowed(order, service);
  const balance = domain.parseBalance({ balance: 0.5, currency: 'USD' });
  const quote = service === undefined ? undefined : domain.quoteOrder(order, service, balance);
  const status = domain.parseOrderStatus({
    status: 'Partial',
    charge: 0.4,
    walletReturn: 0.6,
    success: 40,
    failed: 60,
    currency: 'USD',
    mode: null,
    observation: null,
  });
  const normalized = domain.normalizeOrderStatus(status);
  const registered = domain.parseRegisterOrderResult({ success: false, insufficientFunds: true });

  const sentAt = '2026-01-01T00:00:00.000Z';
  const built: domain.AnyResellerError[] = [
    new domain.AuthenticationError('the key was refused', { status: 401, requestId: 'r-1' }),
    new domain.InsufficientFundsError('the balance is too low', { balance: 1, cost: 2, currency: 'USD' }),
    new domain.InvalidRequestError('quantity is out of range', { field: 'quantity', min: 10, max: 5000 }),
    new domain.NotFoundError('no such order', { orderId: domain.UNKNOWN_ORDER_ID }),
    new domain.RateLimitedError('too many requests', { retryAfterMs: 1000 }),
    new domain.ServerError('the API is down', { status: 503 }),
    new domain.ConnectionError('connection refused'),
    new domain.TimeoutError('no answer in time', { timeoutMs: 5 }),
    new domain.InvalidResponseError('not JSON'),
    new domain.UnknownOutcomeError(domain.unknownOutcomeMessage(order, sentAt, 'no answer came'), { order, sentAt }),
    new domain.AbortedError('stopped by the caller'),
  ];
  const refusal = domain.errorFromRefusal(registered, { balance: balance.balance, cost: 0.9 });
  const context = { order, sentAt, origin: 'https://api.example' };
  const notSentCode = [...domain.NOT_SENT_CODES][0];

  const unreachable = domain.analyzeApiCheck(
    domain.API_CHECK_PROBES.map(
      (probe): domain.ApiCheckObservation => ({
        probe: probe.name,
        kind: 'no_answer',
        reason: 'connection',
        detail: 'connection refused, ECONNREFUSED',
        durationMs: 1,
      }),
    ),
    { baseUrl: 'http://127.0.0.1:9', checkedAt: sentAt, timeoutMs: 1000, slowMs: 500, secrets: [] },
  );

  return {
    catalog: {
      likes: likes.map((found) => found.service),
      categories: domain.listCategories(catalog).map((category) => `${category.category}: ${category.count}`),
      pages: [first.items.length, rest.items.length, rest.nextCursor === undefined],
      quote: quote === undefined ? 'no service' : `${domain.formatUsd(quote.price)} affordable=${quote.affordable}`,
      rounded: domain.roundMoney(1.005),
      status: [normalized.state, domain.isFinalState(normalized.state), domain.normalizeStatusText('In Progress')],
    },
    validation: {
      trimmed: order.link,
      tooMany: service === undefined ? 'no service' : domain.quantityProblem(5001, service),
      quantity: refusedField(() => domain.assertOrderAllowed({ ...order, quantity: 5001 }, service)),
      link: refusedField(() =>
        domain.validateOrderInput({ ...order, link: `https://example.com/${'a'.repeat(domain.MAX_LINK_LENGTH)}` }),
      ),
      serviceId: refusedField(() => domain.validateServiceId(domain.MAX_API_INTEGER + 1)),
      orderId: refusedField(() => domain.validateOrderId(0)),
      largest: domain.validateOrderId(domain.MAX_API_INTEGER) === domain.MAX_API_INTEGER,
    },
    answers: {
      balance: invalidAnswer(() => domain.parseBalance({ balance: 'ten', currency: 'USD' })),
      services: invalidAnswer(() => domain.parseServices({ services: [] })),
      status: invalidAnswer(() => domain.parseOrderStatus(null)),
      order: invalidAnswer(() => domain.parseRegisterOrderResult({ orderId: 7 })),
      conforms: domain.compareWithContract('Balance', balance).length,
      differences: domain
        .compareWithContract('Balance', { balance: '12', rate: 1 })
        .map((difference) => `${difference.kind} ${difference.path.join('.')}`),
      shape: domain.describeShape({ title: 'Not Found', status: 404, errors: [1, 2] }),
    },
    errors: {
      built: built.map(describeError),
      all: built.every((error) => error instanceof domain.ResellerError && domain.isResellerError(error)),
      notOurs: domain.isResellerError(new Error('x')),
      unknownOutcome: built[9]?.message.startsWith('the order may have been placed') === true,
      http: domain.errorFromHttp(503, undefined, { operation: 'Balance' }).code,
      refusal: describeError(refusal),
      facts: domain.withRefusalFacts(domain.errorFromRefusal({ success: false, insufficientFunds: true }), {
        balance: 1,
        cost: 2,
      }).message,
      requestId: domain.requestIdOf({ 'x-request-id': 'r2' }, undefined),
    },
    outcomes: [
      domain.classifyOrderAttempt({ kind: 'timeout', timeoutMs: 5 }, context).kind,
      domain.classifyOrderAttempt({ kind: 'network_error', code: notSentCode, reason: 'refused' }, context).kind,
      domain.classifyOrderAttempt({ kind: 'network_error', code: 'ECONNRESET', reason: 'reset' }, context).kind,
      domain.classifyOrderAttempt({ kind: 'answer', status: 200, body: { success: true, orderId: 9 } }, context).kind,
      domain.isNotSentCode('ECONNREFUSED'),
      domain.isNotSentCode(undefined),
    ],
    secrets: {
      redacted: domain.redact(`x ${apiKey} y`, [apiKey]) === `x ${domain.REDACTED} y`,
      tooShort: domain.redact('abc abc', ['abc']) === 'abc abc' && 'abc'.length < domain.MIN_SECRET_LENGTH,
      url: domain.redactUrl('https://h/Balance?key=abc'),
      headers: domain.redactHeaders(new Headers({ 'Set-Cookie': 'a=1', 'X-Request-Id': 'r1' }), [apiKey]),
      keys: [domain.apiKeyProblem('short1'), domain.apiKeyProblem('a'.repeat(domain.API_KEY_MAX_LENGTH + 1))],
      sandboxKey: domain.apiKeyProblem(`sbx_${'0a'.repeat(16)}`) === undefined,
      shape: domain.API_KEY_SHAPE.startsWith(`${domain.API_KEY_MIN_LENGTH} to ${domain.API_KEY_MAX_LENGTH}`),
    },
    unreachable: {
      passed: unreachable.passed,
      setupProblem: unreachable.findings.filter((finding) => !finding.handled).every(domain.isSetupProblem),
      verdict: unreachable.verdict.startsWith('the API could not be checked'),
    },
  };
}
