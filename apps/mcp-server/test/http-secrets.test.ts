// Secrets over Streamable HTTP, with real MCP clients: a key a session brings is a secret of that session only (its
// answers, its log lines, its ledger rows), the configured key is scrubbed from everything, a "key" that could be
// protocol text is refused at the door, and an upstream that echoes the key in catalog data (a service name, a
// category) leaks it nowhere: not in tool answers, resource lists, resources, the ledger or the log.
import type { Service } from '@cappi-reseller/core';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY,
  LINK,
  leaks,
  readLedger,
  removeDir,
  STEAM_LIKES,
  startTestSandbox,
  tempDir,
  textOf,
} from './helpers.js';
import { call, connect, type HttpServer, rawInitialize, startHttpServer, stopAll } from './http-helpers.js';

const OTHER_KEY = 'second-user-key-Qm4Vx8Lp2Rt6';
/** A plausible key that is also a piece of text another session's answers carry (here, in a link). */
const SHARED_TEXT_KEY = 'Shared0123456789Text';

let sandbox: Sandbox;
let stateDir: string;
let perSessionKeys: HttpServer;

beforeAll(async () => {
  sandbox = await startTestSandbox([{ key: OTHER_KEY, balance: 42 }]);
  stateDir = tempDir();
  // No CAPPI_API_KEY: every session brings its own, as on a server shared by several people.
  // The catalog is fetched afresh on each use, so a changed catalog is seen at once.
  perSessionKeys = await startHttpServer({ sandboxUrl: sandbox.url, stateDir, args: ['--catalog-ttl', '0'] });
});

afterAll(async () => {
  await stopAll();
  await sandbox?.stop();
  removeDir(stateDir);
});

describe('a key a session brings', () => {
  it.each([
    ['a short common string', 'type', 'too short'],
    ['a JSON fragment', '"type":"text"', 'too short'],
    ['a field name', 'structuredContent', 'no digit'],
    ['text with spaces', 'the answer was 0123456789', 'character'],
  ])('is refused at the door with a 400 when it is %s', async (_name, key, reason) => {
    const refused = await rawInitialize(perSessionKeys.url, { 'X-Cappi-Api-Key': key });
    expect(refused.status).toBe(400);
    const message = (JSON.parse(refused.body) as { error: { message: string } }).error.message;
    expect(message).toContain(reason);
    expect(message).toContain('X-Cappi-Api-Key header takes a Cappi Reseller API key, 16 to 256 characters');
  });

  it("is scrubbed only from its own session: another session's answers and quote ids stay whole", async () => {
    const bystander = await connect(perSessionKeys.url, { 'X-Cappi-Api-Key': SHARED_TEXT_KEY });
    const { client } = await connect(perSessionKeys.url, { 'X-Cappi-Api-Key': CANARY });
    try {
      const link = `${LINK}&ref=${SHARED_TEXT_KEY}`;
      const quote = await call(client, 'quote_order', { service_id: STEAM_LIKES, link, quantity: 15 });
      expect(quote.isError).toBeFalsy();
      expect(quote.structuredContent?.link).toBe(link);
      expect(JSON.stringify(quote)).not.toContain('***');
      const placed = await call(client, 'register_order', { quote_id: quote.structuredContent?.quote_id });
      expect(textOf(placed)).not.toContain('withheld');
      expect(placed.isError).toBeFalsy();
      const orderId = placed.structuredContent?.order_id as number;
      expect(sandbox.orders(CANARY).find((order) => order.orderId === orderId)?.link).toBe(link);
    } finally {
      await client.close();
      await bystander.client.close();
    }
  });
});

describe('an upstream that echoes the key in catalog data', () => {
  let original: Service[];
  beforeAll(() => {
    original = sandbox.catalog();
    // The service every test orders, named and filed by the upstream with the canary key in it.
    sandbox.setCatalog(
      original.map((service) =>
        service.service === STEAM_LIKES
          ? { ...service, name: `Steam Likes ${CANARY}`, category: `Steam ${CANARY}` }
          : service,
      ),
    );
  });
  afterAll(() => sandbox.setCatalog(original));

  it("leaks a session's key into none of its answers, resource lists, resources, ledger rows or log lines", async () => {
    const { client } = await connect(perSessionKeys.url, { 'X-Cappi-Api-Key': CANARY });
    const seen: string[] = [];
    try {
      const resources = await client.listResources();
      seen.push(JSON.stringify(resources));
      expect(resources.resources.map((resource) => resource.name)).toContain('Steam ***');
      const categories = await client.readResource({ uri: 'cappi://catalog/categories' });
      seen.push(JSON.stringify(categories));
      const listed = await call(client, 'list_services', { query: 'steam likes' });
      seen.push(JSON.stringify(listed));
      expect(JSON.stringify(listed.structuredContent)).toContain('Steam Likes ***');
      const quote = await call(client, 'quote_order', {
        service_id: STEAM_LIKES,
        link: `${LINK}&echo=1`,
        quantity: 12,
      });
      const placed = await call(client, 'register_order', { quote_id: quote.structuredContent?.quote_id });
      seen.push(JSON.stringify(quote), JSON.stringify(placed));
      expect(placed.isError).toBeFalsy();
      const orderId = placed.structuredContent?.order_id as number;
      const rows = await readLedger(`${stateDir}/ledger.sqlite`, CANARY, seen);
      expect(rows.find((row) => row.orderId === orderId)?.serviceName).toBe('Steam Likes ***');
    } finally {
      await client.close();
    }
    expect(seen.length).toBeGreaterThan(5);
    for (const text of seen) expect(leaks(text)).toBe(false);
    expect(leaks(perSessionKeys.stderr())).toBe(false);
  });

  it('scrubs the configured key from the sessions of every key', async () => {
    const configured = await startHttpServer({ sandboxUrl: sandbox.url, stateDir, env: { CAPPI_API_KEY: CANARY } });
    const { client } = await connect(configured.url, { 'X-Cappi-Api-Key': OTHER_KEY });
    try {
      const resources = await client.listResources();
      const listed = await call(client, 'list_services', { query: 'steam likes' });
      expect(JSON.stringify(listed.structuredContent)).toContain('Steam Likes ***');
      for (const text of [JSON.stringify(resources), JSON.stringify(listed)]) expect(leaks(text)).toBe(false);
    } finally {
      await client.close();
    }
    expect(leaks(configured.stderr())).toBe(false);
  });
});
