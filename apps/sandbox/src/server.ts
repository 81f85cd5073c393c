import Fastify from 'fastify';
import { adminRoutes } from './admin.js';
import { generateCatalog } from './catalog.js';
import { createResponseValidator, loadContract, type ResponseValidator } from './contract.js';
import { docsRoutes } from './docs.js';
import { createFaultController } from './faults.js';
import { registerErrorHandlers, registerOperationRoutes } from './routes.js';
import { createState, defaultKey } from './state.js';
import { OPERATION_NAMES, type OperationName, type Sandbox, type SandboxOptions } from './types.js';

const DEFAULTS = {
  port: 0,
  host: '127.0.0.1',
  seed: 1,
  services: 2400,
  balance: 100,
  pendingMs: 3000,
  deliveryMs: 20_000,
  partialRate: 0.2,
} as const;

function checkNonNegativeInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be an integer >= 0, got ${value}`);
  return value;
}

/** Starts a sandbox of the Reseller API on a real HTTP port. Resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const seed = checkNonNegativeInteger(options.seed ?? DEFAULTS.seed, 'seed');
  const port = checkNonNegativeInteger(options.port ?? DEFAULTS.port, 'port');
  const pendingMs = checkNonNegativeInteger(options.orderTiming?.pendingMs ?? DEFAULTS.pendingMs, 'pendingMs');
  const deliveryMs = checkNonNegativeInteger(options.orderTiming?.deliveryMs ?? DEFAULTS.deliveryMs, 'deliveryMs');
  const partialRate = options.partialRate ?? DEFAULTS.partialRate;
  if (!(partialRate >= 0 && partialRate <= 1))
    throw new RangeError(`partialRate must be from 0 to 1, got ${partialRate}`);
  const keys = options.keys ?? [{ key: defaultKey(seed), balance: DEFAULTS.balance }];
  const firstKey = keys[0]?.key;
  if (firstKey === undefined) throw new RangeError('keys must hold at least one key');

  const state = createState({
    seed,
    catalog: generateCatalog(seed, options.services ?? DEFAULTS.services),
    keys,
    pendingMs,
    deliveryMs,
    partialRate,
    clock: options.clock ?? Date.now,
  });
  const faults = createFaultController(seed);
  const contract = loadContract();
  // Compiled on first use: most sandboxes never validate and never change their catalog.
  let responseValidator: ResponseValidator | undefined;
  const checkResponse = (): ResponseValidator => {
    responseValidator ??= createResponseValidator(contract.document);
    return responseValidator;
  };
  const counts = new Map<OperationName, number>(OPERATION_NAMES.map((name) => [name, 0]));
  const violations: string[] = [];

  // stop() must not wait on clients that keep a connection open (a test that did not read a body, a stuck poller).
  const app = Fastify({ logger: false, forceCloseConnections: true });
  // No operation has a request body (RegisterOrder binds from the query string): accept and ignore any body,
  // as ASP.NET does for such an action, instead of failing on a content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
  registerErrorHandlers(app);
  registerOperationRoutes(app, {
    state,
    faults,
    countRequest: (operation) => counts.set(operation, (counts.get(operation) ?? 0) + 1),
    validate: options.validateResponses ? checkResponse() : undefined,
    recordViolations: (found) => violations.push(...found),
  });
  const requests = (operation?: OperationName): number =>
    operation === undefined
      ? [...counts.values()].reduce((sum, count) => sum + count, 0)
      : (counts.get(operation) ?? 0);
  await app.register(adminRoutes, { state, faults, requests, violations: () => [...violations] });
  await app.register(docsRoutes, { contract, key: firstKey });

  await app.listen({ port, host: options.host ?? DEFAULTS.host });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the sandbox is not listening on a TCP port');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    key: firstKey,
    async stop() {
      await app.close();
      if (violations.length > 0) {
        throw new Error(
          `the sandbox sent ${violations.length} response(s) that break the contract:\n${violations.join('\n')}`,
        );
      }
    },
    faults: {
      inject: (fault, injectOptions) => faults.inject(fault, injectOptions),
      setRate: (rate, list, rateOptions) => faults.setRate(rate, list, rateOptions),
      clear: () => faults.clear(),
    },
    requests,
    orders: (key) => state.orders(key),
    setBalance: (key, balance) => state.setBalance(key, balance),
    balanceOf: (key) => state.balanceOf(key),
    catalog: () => structuredClone(state.listServices()),
    setCatalog: (services) => {
      // The contract judges what /ServicesList may list, with the same check as validateResponses.
      const problems = checkResponse()('ServicesList', {
        status: 200,
        contentType: 'application/json',
        retryAfter: undefined,
        body: JSON.stringify(services) ?? '',
      });
      if (problems.length > 0)
        throw new RangeError(`setCatalog: not a catalog the API could list: ${problems.join('; ')}`);
      state.setCatalog(services);
    },
    violations: () => [...violations],
  };
}
