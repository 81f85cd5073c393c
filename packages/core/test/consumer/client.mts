// The client against the sandbox, as an application uses it: reads, an order, waiting for it, errors, the catalog
// cache, and the read-only API check, both core's checkApi and the same probes sent by a face's own fetch and
// analyzed by the pure domain.
import * as core from '@cappi-reseller/core';
import * as domain from '@cappi-reseller/core/domain';

export async function runClient(apiKey: string, baseUrl: string | undefined) {
  const lines: string[] = [];
  const logger: core.ResellerLogger = {
    debug: (line) => lines.push(line),
    info: () => {},
    warn: () => {},
    error: () => {},
  };
  const fromEnvironment = process.env[core.LOG_LEVEL_ENV];
  const client = core.createResellerClient({
    apiKey,
    baseUrl,
    timeoutMs: 10_000,
    logger,
    logLevel: core.isLogLevel(fromEnvironment) ? fromEnvironment : 'debug',
    maxResponseBytes: { ServicesList: core.DEFAULT_MAX_RESPONSE_BYTES.ServicesList / 4 },
  });

  const pending = client.getBalance({ retries: 1, timeoutMs: undefined });
  const balance = await pending;
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
    refused.kind === 'refused' && refused.error.code === 'invalid_request'
      ? [refused.error.min, refused.error.max]
      : [];

  let rejected = '';
  try {
    await core.createResellerClient({ apiKey: 'wrong-consumer-key', baseUrl }).getBalance({ retries: 0 });
  } catch (error) {
    // The class from the pure entry is the one core's client throws.
    if (error instanceof domain.AuthenticationError)
      rejected = `${error.name} ${error.status} ${error.requestId !== undefined}`;
  }

  const cache = core.createCatalogCache(client);
  const cached = await cache.get();
  const report = await core.checkApi(client);
  const faceReport = await checkLikeAFace(apiKey, client.baseUrl);

  const result = {
    currency: balance.currency,
    promise: pending instanceof core.ResellerPromise && pending instanceof Promise,
    keyProblem: domain.apiKeyProblem(apiKey),
    defaultBaseUrl: core.createResellerClient({ apiKey }).baseUrl === domain.DEFAULT_BASE_URL,
    logEnvironment: core.LOG_LEVEL_ENV,
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
    apiCheck: {
      face: faceReport.passed,
      verdict: domain.verdictOf(faceReport.findings) === faceReport.verdict,
      // isSetupProblem is about unhandled findings: a passing check has none.
      setupProblems: faceReport.findings.filter((finding) => !finding.handled && domain.isSetupProblem(finding)).length,
      headline: domain.renderApiCheckText(faceReport).startsWith(domain.API_CHECK_HEADLINE),
      json: domain.renderApiCheckJson(faceReport).includes('"sentRegisterOrder": false'),
      summary: domain.summarizeApiCheck(faceReport).length > 0,
    },
    debugLines: lines.length,
    logs: lines.join('\n'),
  };
  return { client, services, result };
}

/** The API check's probes sent with plain fetch (as a face with its own HTTP stack does) and analyzed by the domain. */
async function checkLikeAFace(apiKey: string, baseUrl: string): Promise<domain.ApiCheckReport> {
  const observations: domain.ApiCheckObservation[] = [];
  for (const probe of domain.API_CHECK_PROBES) {
    const url = new URL(`${baseUrl.replace(/\/$/, '')}${probe.path}`);
    for (const [name, value] of Object.entries(probe.query)) url.searchParams.set(name, value);
    url.searchParams.set('key', probe.key === 'wrong' ? domain.WRONG_API_KEY : apiKey);
    const started = performance.now();
    const answer = await fetch(url, { redirect: 'manual' });
    observations.push({
      probe: probe.name,
      kind: 'answer',
      status: answer.status,
      contentType: answer.headers.get('content-type') ?? undefined,
      location: answer.headers.get('location') ?? undefined,
      body: await answer.text(),
      durationMs: performance.now() - started,
    });
  }
  return domain.analyzeApiCheck(observations, {
    baseUrl,
    checkedAt: new Date().toISOString(),
    timeoutMs: 10_000,
    slowMs: 3000,
    secrets: [apiKey, domain.WRONG_API_KEY],
    toolkit: 'consumer 1.0.0',
  });
}
