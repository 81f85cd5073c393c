// A program as a user of the published package writes it: strict TypeScript, exactOptionalPropertyTypes, no cast.
// Run by src/packed.test.ts against the sandbox, on each Node.js version the package claims.
import * as core from '@cappi-reseller/core';
import { normalizeStatusText as normalizeFromDomain } from '@cappi-reseller/core/domain';

const apiKey = process.env.CAPPI_API_KEY ?? '';
const baseUrl = process.env.CAPPI_BASE_URL;
const lines: string[] = [];
const logger = { debug: (line: string) => lines.push(line), info: () => {}, warn: () => {}, error: () => {} };
const client = core.createResellerClient({ apiKey, baseUrl, timeoutMs: 10_000, logger, logLevel: 'debug' });

const balance = await client.getBalance({ retries: 1, timeoutMs: undefined });
const { data: services, response } = await client.listServices().withResponse();
const priced = services.filter(
  (service) => service.rate !== undefined && service.rate > 0 && service.max > service.min,
);
const service = core.searchServices(priced, { maxRate: 1 })[0] ?? priced[0];
if (service === undefined) throw new Error('the sandbox has no priced service');
const categories = core.listCategories(services);
const page = core.paginate(services, { limit: 5 });
const found = core.findService(services, service.service);

const order = core.validateOrderInput({
  serviceId: service.service,
  link: 'https://example.com/post/1',
  quantity: service.min,
});
core.assertOrderAllowed(order, service);
const quote = core.quoteOrder(order, service, balance);
const placed = await client.registerOrder(order).withResponse();
const status = await client.getOrderStatus(placed.data.orderId);
const normalized = core.normalizeOrderStatus(status);

// waitForOrder, stopped by the caller after its first progress report.
const stop = new AbortController();
let waited = 'not stopped';
try {
  await core.waitForOrder(client, placed.data.orderId, {
    signal: stop.signal,
    intervalMs: 10,
    onProgress: () => stop.abort(),
  });
  waited = 'finished';
} catch (error) {
  if (core.isResellerError(error) && error.code === 'aborted') waited = error.name;
}

const refused = await client.attemptOrder({ ...order, quantity: service.max + 1 });
const limits =
  refused.kind === 'refused' && refused.error.code === 'invalid_request' ? [refused.error.min, refused.error.max] : [];

let rejected = '';
try {
  await core.createResellerClient({ apiKey: 'wrong-consumer-key', baseUrl }).getBalance({ retries: 0 });
} catch (error) {
  if (core.isResellerError(error) && error.code === 'authentication')
    rejected = `${error.name} ${error.status} ${error.requestId !== undefined}`;
}

const cache = core.createCatalogCache(client);
const cached = await cache.get();
const report = await core.checkApi(client);

const pure = {
  price: core.formatUsd(core.priceOf(0.015, 3)),
  rounded: core.roundMoney(1.005),
  state: core.normalizeStatusText('In Progress'),
  fromDomain: normalizeFromDomain('done'),
  final: core.isFinalState('partial'),
  redacted: core.redact(`x ${apiKey} y`, [apiKey]),
  redactedUrl: core.redactUrl('https://h/Balance?key=abc'),
  headers: core.redactHeaders(new Headers({ 'Set-Cookie': 'a=1', 'X-Request-Id': 'r1' }), [apiKey]),
  requestId: core.requestIdOf({ 'x-request-id': 'r2' }, undefined),
  http: core.errorFromHttp(503, undefined, { operation: 'Balance' }).code,
  refusal: core.errorFromRefusal({ success: false, insufficientFunds: true }).code,
  facts: core.withRefusalFacts(core.errorFromRefusal({ success: false, insufficientFunds: true }), {
    balance: 1,
    cost: 2,
  }).message,
  outcome: core.classifyOrderAttempt(
    { kind: 'timeout', timeoutMs: 5 },
    { order, sentAt: new Date().toISOString(), origin: 'x' },
  ).kind,
  notSent: core.isNotSentCode('ECONNREFUSED'),
  logLevel: core.isLogLevel('debug'),
  orderId: core.validateOrderId(7),
};

process.stdout.write(
  `${JSON.stringify({
    node: process.version,
    currency: balance.currency,
    servicesStatus: response.status,
    categories: categories.length,
    page: page.items.length,
    found: found?.service === service.service,
    price: quote.price,
    placed: placed.data.orderId > 0,
    placedStatus: placed.response.status,
    state: normalized.state,
    waited,
    limits,
    rejected,
    cached: cached.length === services.length,
    report: report.passed,
    reportText: core.renderApiCheckText(report).length > 0 && core.renderApiCheckJson(report).length > 0,
    pure,
    debugLines: lines.length,
    logs: lines.join('\n'),
  })}\n`,
);
