import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseDocument } from 'yaml';
import type { Contract } from './contract.js';

export interface DocsOptions {
  contract: Contract;
  /** The sandbox's first key: Swagger UI starts authorised with it (a sandbox key is not a secret). */
  key: string;
}

const PRODUCT = 'Cappi Reseller';

/** Swagger UI's instance: in scope where @fastify/swagger-ui's initializer inlines uiConfig's functions. */
declare const ui: { preauthorizeApiKey(name: string, value: string): void };
const icon = readFileSync(new URL('../assets/cappi.svg', import.meta.url));
const logo = readFileSync(new URL('../assets/cappi-logo.svg', import.meta.url));

/** The server entry for this very sandbox, as the client reached it. */
function sandboxServer(request: FastifyRequest): { url: string; description: string } {
  return { url: `${request.protocol}://${request.host}`, description: 'This sandbox (no money is spent)' };
}

/**
 * The contract's servers with this sandbox first: a user who imports /openapi.json into Postman or Insomnia, or
 * presses "Try it out", must target the sandbox by default, not the real API with real money.
 */
function sandboxFirst(servers: unknown, request: FastifyRequest): unknown[] {
  return [sandboxServer(request), ...(Array.isArray(servers) ? servers : [])];
}

/**
 * The contract as the real service publishes it, with this sandbox listed first: /openapi.yaml (the YAML as
 * written, comments kept), /openapi.json, and Swagger UI at /docs, branded with the product's name and icon and
 * authorised with the sandbox key. Swagger UI's assets ship with @fastify/swagger-ui, so the page works offline.
 */
export async function docsRoutes(app: FastifyInstance, { contract, key }: DocsOptions): Promise<void> {
  app.get('/openapi.yaml', (request, reply) => {
    const document = parseDocument(contract.yaml);
    document.set('servers', sandboxFirst(contract.document.servers, request));
    return reply.type('application/yaml; charset=utf-8').send(document.toString({ lineWidth: 0 }));
  });
  app.get('/openapi.json', (request, reply) =>
    reply.send({ ...contract.document, servers: sandboxFirst(contract.document.servers, request) }),
  );

  await app.register(swagger, { mode: 'static', specification: { document: contract.document as never } });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    transformSpecification: (specification, request) => ({
      ...specification,
      servers: sandboxFirst((specification as { servers?: unknown }).servers, request),
    }),
    logo: { type: 'image/svg+xml', content: logo, href: '/docs', target: '_self' },
    theme: {
      title: `${PRODUCT} sandbox: API docs`,
      favicon: [{ filename: 'cappi.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: icon }],
      // Read by onComplete below; the initializer only serialises functions, so the key travels as its own script.
      js: [{ filename: 'sandbox-key.js', content: `window.cappiSandboxKey = ${JSON.stringify(key)};` }],
    },
    uiConfig: {
      // Runs in the browser, after the page loaded the contract: the Authorize dialog starts filled in.
      onComplete: () => {
        ui.preauthorizeApiKey('apiKey', (globalThis as unknown as { cappiSandboxKey: string }).cappiSandboxKey);
      },
    },
  });
}
