import type { FastifyInstance } from 'fastify';
import type { FaultController } from './faults.js';
import { PROBLEM_CONTENT_TYPE, problem } from './problems.js';
import type { State } from './state.js';
import { OPERATION_NAMES, type OperationName } from './types.js';

export interface AdminContext {
  state: State;
  faults: FaultController;
  requests(operation?: OperationName): number;
  violations(): string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fault controls and a view of the state over HTTP, under /_sandbox/, for tests running in another process.
 * Registered as a plugin of its own so that only these routes parse JSON bodies.
 */
export async function adminRoutes(app: FastifyInstance, context: AdminContext): Promise<void> {
  const { faults, state } = context;
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(String(body)));
    } catch {
      done(Object.assign(new Error('The body is not valid JSON.'), { statusCode: 400 }));
    }
  });

  app.post('/_sandbox/faults', async (request, reply) => {
    const body = request.body;
    try {
      if (!isRecord(body))
        throw new TypeError('send a JSON object: { fault, times?, operation? } or { rate, faults, operation? }');
      if ('rate' in body) faults.setRate(body.rate, body.faults, { operation: body.operation });
      else faults.inject(body.fault, { times: body.times, operation: body.operation });
    } catch (error) {
      return reply
        .code(400)
        .type(PROBLEM_CONTENT_TYPE)
        .send(JSON.stringify(problem(400, (error as Error).message)));
    }
    return reply.code(204).send();
  });

  app.delete('/_sandbox/faults', async (_request, reply) => {
    faults.clear();
    return reply.code(204).send();
  });

  app.get('/_sandbox/state', async () => ({
    requests: Object.fromEntries(OPERATION_NAMES.map((operation) => [operation, context.requests(operation)])),
    orders: state.orders(),
    violations: context.violations(),
  }));
}
