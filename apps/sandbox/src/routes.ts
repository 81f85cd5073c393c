import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Binder, type Query, queryValue } from './binding.js';
import { OPERATION_ROUTES, type ResponseValidator } from './contract.js';
import { type Answer, applyBodyDrift, htmlErrorPage, LOGIN_REDIRECT_PAGE, loginRedirectLocation } from './drifts.js';
import { DRIFT_KINDS, type Fault, type FaultController } from './faults.js';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, problem, validationProblem } from './problems.js';
import type { Account, State } from './state.js';
import type { OperationName } from './types.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the four API routes: which operation the route serves. */
    operation?: OperationName;
  }
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const HTML_CONTENT_TYPE = 'text/html; charset=utf-8';

export interface RouteContext {
  state: State;
  faults: FaultController;
  /** Counts requests received per operation. */
  countRequest(operation: OperationName): void;
  /** Called with every response to an operation that is not deliberately broken; undefined when not validating. */
  validate: ResponseValidator | undefined;
  recordViolations(violations: string[]): void;
}

function sendProblem(reply: FastifyReply, body: ProblemDetails, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return reply
    .code(body.status ?? 500)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(body));
}

/** Closes the connection with no response at all: the client sees a socket error. */
function dropConnection(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  request.raw.socket.destroy();
}

export function registerOperationRoutes(app: FastifyInstance, context: RouteContext): void {
  const { state, faults } = context;
  // The fault chosen for each request, read again after the operation ran (malformed, drop_after) and when
  // deciding whether the response is exempt from contract validation.
  const faultOf = new WeakMap<FastifyRequest, Fault>();

  function authenticated(request: FastifyRequest): Account | ProblemDetails {
    const key = queryValue(request.query as Query, 'key');
    // Never echo the key back, not even a wrong one.
    if (key === undefined) return problem(401, 'The API key is missing: send it as the query parameter "key".');
    return state.authenticate(key) ?? problem(401, 'Invalid API key.');
  }

  const handlers: Record<OperationName, (account: Account, query: Query) => Answer> = {
    Balance: (account) => ({ status: 200, body: state.balance(account) }),
    ServicesList: () => ({ status: 200, body: state.listServices() }),
    OrderStatus(account, query) {
      const binder = new Binder(query);
      const orderId = binder.integer('orderId', 'int64');
      if (orderId === undefined) return { status: 400, body: validationProblem(binder.errors) };
      const status = state.orderStatus(account, orderId);
      if (!status) return { status: 404, body: problem(404, `Order ${orderId} was not found.`) };
      return { status: 200, body: status };
    },
    RegisterOrder(account, query) {
      const binder = new Binder(query);
      const serviceId = binder.integer('serviceId', 'int64');
      const link = binder.string('link');
      const quantity = binder.integer('quantity', 'int32');
      if (serviceId === undefined || link === undefined || quantity === undefined) {
        return { status: 400, body: validationProblem(binder.errors) };
      }
      return { status: 200, body: state.registerOrder(account, { serviceId, link, quantity }) };
    },
  };

  for (const [operation, { method, path }] of Object.entries(OPERATION_ROUTES) as [
    OperationName,
    (typeof OPERATION_ROUTES)[OperationName],
  ][]) {
    app.route({
      method,
      url: path,
      // ASP.NET answers GET actions only to GET, not HEAD.
      exposeHeadRoute: false,
      config: { operation },
      async onRequest(request, reply) {
        context.countRequest(operation);
        const fault = faults.next(operation);
        if (!fault) return;
        faultOf.set(request, fault);
        switch (fault.kind) {
          case 'latency':
            await sleep(fault.ms);
            return;
          case 'drop_before':
            dropConnection(request, reply);
            return reply;
          case 'status':
            if (fault.afterCommit === true) return; // the handler runs the operation first
            return sendProblem(reply, problem(fault.status), fault.retryAfterSeconds);
          case 'rate_limit':
            return sendProblem(
              reply,
              problem(
                429,
                `Rate limit exceeded. Try again in ${fault.retryAfterSeconds} second${fault.retryAfterSeconds === 1 ? '' : 's'}.`,
              ),
              fault.retryAfterSeconds,
            );
          case 'login_redirect':
            return reply
              .code(302)
              .header('location', loginRedirectLocation(request.url))
              .type(HTML_CONTENT_TYPE)
              .send(LOGIN_REDIRECT_PAGE);
          case 'html_error': {
            const status = fault.status ?? 500;
            return reply.code(status).type(HTML_CONTENT_TYPE).send(htmlErrorPage(status));
          }
          default:
            return;
        }
      },
      async handler(request, reply) {
        const account = authenticated(request);
        const fault = faultOf.get(request);
        const answer: Answer = applyBodyDrift(
          fault,
          'key' in account ? handlers[operation](account, request.query as Query) : { status: 401, body: account },
        );
        if (fault?.kind === 'status') {
          // afterCommit: the operation ran (an order may now exist and be paid for), then a later step failed.
          return sendProblem(reply, problem(fault.status), fault.retryAfterSeconds);
        }
        if (fault?.kind === 'drop_after') {
          // The operation ran (an order may now exist and be paid for) but the client never hears of it.
          dropConnection(request, reply);
          return reply;
        }
        const text = JSON.stringify(answer.body);
        if (fault?.kind === 'malformed') {
          // As if the response were cut off: the operation ran, the client gets half a JSON document.
          return reply
            .code(200)
            .type(JSON_CONTENT_TYPE)
            .send(text.slice(0, Math.floor(text.length / 2)));
        }
        const contentType = answer.status === 200 ? JSON_CONTENT_TYPE : PROBLEM_CONTENT_TYPE;
        return reply.code(answer.status).type(contentType).send(text);
      },
    });
  }

  const validate = context.validate;
  if (validate) {
    app.addHook('onSend', async (request, reply, payload) => {
      const operation = request.routeOptions.config.operation;
      const fault = faultOf.get(request);
      // Deliberately broken answers are exempt: a malformed body, and the drifts (answers unlike the contract's).
      if (!operation || fault?.kind === 'malformed' || (fault !== undefined && DRIFT_KINDS.has(fault.kind))) {
        return payload;
      }
      const status = reply.statusCode;
      const retryAfter = reply.getHeader('retry-after');
      const contentType = reply.getHeader('content-type');
      context.recordViolations(
        validate(operation, {
          status,
          contentType: contentType === undefined ? undefined : String(contentType),
          retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
          body: typeof payload === 'string' ? payload : String(payload),
        }),
      );
      return payload;
    });
  }
}

/** The methods an operation's path answers to (matched as the routes are); none for any other path. */
function allowedMethods(path: string): string[] {
  return Object.values(OPERATION_ROUTES)
    .filter((route) => route.path === path)
    .map((route) => route.method);
}

/** Problem responses for everything that goes wrong outside the operations' own logic. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      // ASP.NET's endpoint routing: a known path asked with another method is 405 with the methods it takes.
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        problem(405, `${request.method} is not allowed on ${path}: use ${allowed.join(' or ')}.`),
      );
    }
    return sendProblem(reply, problem(404, `No route ${request.method} ${path}.`));
  });
  app.setErrorHandler((error: { statusCode?: number; message?: string }, _request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) return sendProblem(reply, problem(500));
    return sendProblem(reply, problem(status, error.message));
  });
}
