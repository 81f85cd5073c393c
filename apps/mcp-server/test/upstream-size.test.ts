// Issue 9, point 5, through a real MCP client: an upstream whose ServicesList answer never ends (a runaway or
// hostile API) is read up to core's limit (32 MiB for the catalog), then dropped; list_services says so in a sentence,
// and the server goes on answering.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaks, type Spawned, spawnServer, startTestSandbox, textOf } from './helpers.js';

const LIMIT = 32 * 1024 * 1024;
const ROW = `{"service":1,"category":"Runaway","name":"${'x'.repeat(200)}","rate":0.01,"min":1,"max":100},`;

let sandbox: Sandbox;
let upstream: Server;
let upstreamUrl: string;
let written = 0;
let server: Spawned;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  // Everything but ServicesList goes to the sandbox; ServicesList streams rows for as long as it is read.
  upstream = createServer((request, response) => {
    if (!request.url?.includes('/ServicesList')) {
      fetch(`${sandbox.url}${request.url?.replace(/^\/api\/Reseller/, '')}`)
        .then(async (answer) =>
          response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()),
        )
        .catch(() => response.writeHead(502).end());
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('[');
    written += 1;
    const more = () => {
      // Stops once the reader has gone (or at 4 times the limit, so a broken limit ends the test instead of hanging it).
      while (!response.destroyed && written < 4 * LIMIT) {
        written += ROW.length;
        if (!response.write(ROW)) return void response.once('drain', more);
      }
      if (!response.destroyed) response.end('{}]');
    };
    more();
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  server = await spawnServer({ sandbox, env: { CAPPI_BASE_URL: upstreamUrl } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  upstream?.closeAllConnections();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
  await sandbox?.stop();
});

describe('an upstream answer larger than its limit', () => {
  it('is read up to the limit, then refused in a sentence; the server goes on', async () => {
    const result = await server.call('list_services', { query: 'likes' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('larger than 32 MiB');
    expect(textOf(result)).toContain('maxResponseBytes.ServicesList');
    // Reading stopped near the limit: far less than the 4 x 32 MiB the upstream would have sent.
    expect(written).toBeLessThan(2 * LIMIT);
    expect(leaks(JSON.stringify(result))).toBe(false);
    const balance = await server.call('get_balance');
    expect(balance.isError).toBeFalsy();
  }, 120_000);
});
