import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Contract } from './contract.js';

/**
 * The contract as the real service publishes it: /openapi.yaml (verbatim), /openapi.json, and Swagger UI at
 * /docs. Swagger UI's assets ship with @fastify/swagger-ui, so the page works offline.
 */
export async function docsRoutes(app: FastifyInstance, contract: Contract): Promise<void> {
  app.get('/openapi.yaml', (_request, reply) => reply.type('application/yaml; charset=utf-8').send(contract.yaml));
  app.get('/openapi.json', (_request, reply) => reply.send(contract.document));

  await app.register(swagger, {
    mode: 'static',
    specification: {
      // "Try it out" must call this sandbox, not production: list it first, relative to wherever it runs.
      document: {
        ...contract.document,
        servers: [{ url: '/', description: 'This sandbox (no money is spent)' }],
      } as never,
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
}
