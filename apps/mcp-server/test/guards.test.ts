// The spending guard, end to end: each limit through a spawned server, checked against what the sandbox
// actually committed (an order refused must never reach it; an order placed must reach it exactly once).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { accountFingerprint } from '@cappi-reseller/core';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { createPostgresDatabase } from '@cappi-reseller/test-services';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CANARY,
  LINK,
  leaks,
  quoteAndOrder,
  removeDir,
  type Spawned,
  type SpawnOptions,
  STEAM_LIKES,
  spawnServer,
  startTestSandbox,
  tempDir,
  textOf,
} from './helpers.js';

let sandbox: Sandbox;
const spawned: Spawned[] = [];
let linkCount = 0;

/** A link not used before, so only the guard under test can refuse the order. */
function freshLink(): string {
  linkCount += 1;
  return `${LINK}&guard=${linkCount}`;
}

async function server(options: Omit<SpawnOptions, 'sandbox'> = {}): Promise<Spawned> {
  const started = await spawnServer({ sandbox, ...options });
  spawned.push(started);
  return started;
}

function committed(): number {
  return sandbox.orders(CANARY).length;
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
});

afterAll(async () => {
  for (const started of spawned) {
    for (const answer of started.seen) expect(leaks(answer)).toBe(false);
    expect(leaks(started.stderr())).toBe(false);
    await started.close();
  }
  await sandbox?.stop();
});

describe('per-order cap', () => {
  it('refuses an order above the cap, at the quote and at the order', async () => {
    const capped = await server({ args: ['--max-order-usd', '1', '--allow-unquoted-orders'] });
    const before = committed();
    const quote = await capped.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
    expect(quote.isError).toBe(true);
    expect(textOf(quote)).toContain('this order costs 1.20 USD, above the per-order cap of 1.00 USD');
    const order = await capped.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
    expect(order.isError).toBe(true);
    expect(textOf(order)).toContain('above the per-order cap');
    expect(committed()).toBe(before);
  });
});

describe('daily budget', () => {
  it('is kept on disk: a restart does not reset it', async () => {
    const stateDir = tempDir();
    try {
      const args = ['--daily-budget-usd', '2'];
      const first = await server({ args, stateDir });
      const { placed } = await quoteAndOrder(first, { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
      expect(placed.isError).toBeFalsy();
      const refused = await first.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
      expect(textOf(refused)).toContain(
        'daily budget reached: 1.20 USD of 2.00 USD spent or possibly spent today (UTC), 0.80 USD left',
      );
      await first.close();

      const before = committed();
      const restarted = await server({ args, stateDir });
      const again = await restarted.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
      expect(again.isError).toBe(true);
      expect(textOf(again)).toContain('daily budget reached');
      const small = await quoteAndOrder(restarted, { service_id: STEAM_LIKES, link: freshLink(), quantity: 50 });
      expect(small.placed.isError).toBeFalsy();
      expect(committed()).toBe(before + 1);
    } finally {
      removeDir(stateDir);
    }
  });
});

describe('a ledger shared by two server processes', () => {
  it('records each order before sending it: the budget holds when both order at once', async () => {
    const stateDir = tempDir();
    try {
      const args = ['--daily-budget-usd', '2']; // room for one order of 1.20 USD, not two
      const [first, second] = [await server({ args, stateDir }), await server({ args, stateDir })];
      const quotes = [first, second].map((s) =>
        s.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 }),
      );
      const [quoteA, quoteB] = await Promise.all(quotes);
      expect(quoteA?.isError).toBeFalsy();
      expect(quoteB?.isError).toBeFalsy();
      // Each order takes 1 s at the API: unless an order is recorded before it is sent, in one transaction with the
      // budget check, both would pass the check before either is recorded.
      sandbox.faults.inject({ kind: 'latency', ms: 1_000 }, { operation: 'RegisterOrder', times: 2 });
      const before = committed();
      const answers = await Promise.all([
        first.call('register_order', { quote_id: quoteA?.structuredContent?.quote_id }),
        second.call('register_order', { quote_id: quoteB?.structuredContent?.quote_id }),
      ]);
      sandbox.faults.clear();
      const placed = answers.filter((answer) => !answer.isError);
      const refused = answers.filter((answer) => answer.isError);
      expect(placed).toHaveLength(1);
      expect(refused.map(textOf)).toEqual([expect.stringContaining('daily budget')]);
      expect(committed()).toBe(before + 1);
      expect(await first.ledger()).toHaveLength(1);
    } finally {
      removeDir(stateDir);
    }
  });
});

describe('allow-list', () => {
  it('refuses services outside it and accepts those on it, by id or category', async () => {
    const steam = sandbox.catalog().find((s) => s.service === STEAM_LIKES);
    const tiktokOnly = await server({ args: ['--allow', 'TikTok'] });
    const refused = await tiktokOnly.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain(`service ${STEAM_LIKES} (${steam?.category}) is not on the allow-list`);

    const byId = await server({ env: { CAPPI_ALLOW: `${STEAM_LIKES}` } });
    expect(
      (await byId.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 })).isError,
    ).toBeFalsy();
    const byCategory = await server({ args: ['--allow', 'steam'] });
    expect(
      (await byCategory.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 })).isError,
    ).toBeFalsy();
  });
});

describe('quotes', () => {
  let guarded: Spawned;
  beforeAll(async () => {
    guarded = await server({ args: ['--quote-ttl', '1'] });
  });

  it('expire', async () => {
    const before = committed();
    const quote = await guarded.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const order = await guarded.call('register_order', { quote_id: quote.structuredContent?.quote_id });
    expect(order.isError).toBe(true);
    expect(textOf(order)).toMatch(/^quote expired at .* UTC; nothing was placed\. Call quote_order again/);
    expect(committed()).toBe(before);
  });

  it('cannot be altered', async () => {
    const before = committed();
    const quote = await guarded.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    const [body, signature] = String(quote.structuredContent?.quote_id).split('.');
    const payload = JSON.parse(Buffer.from(String(body), 'base64url').toString('utf8'));
    payload.q = 100;
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    const order = await guarded.call('register_order', { quote_id: forged });
    expect(order.isError).toBe(true);
    expect(textOf(order)).toContain('quote_id is not a quote from this server (or it was altered)');
    expect(committed()).toBe(before);
  });

  it('must match the service, link and quantity given with them', async () => {
    const before = committed();
    const link = freshLink();
    const quote = await guarded.call('quote_order', { service_id: STEAM_LIKES, link, quantity: 10 });
    const order = await guarded.call('register_order', {
      quote_id: quote.structuredContent?.quote_id,
      service_id: STEAM_LIKES,
      link,
      quantity: 90,
    });
    expect(order.isError).toBe(true);
    expect(textOf(order)).toContain('the quantity given differ');
    expect(committed()).toBe(before);
  });

  it('are required unless the operator allows unquoted orders', async () => {
    const before = committed();
    const order = await guarded.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(order.isError).toBe(true);
    expect(textOf(order)).toContain('register_order needs a quote_id: call quote_order');
    expect(committed()).toBe(before);

    const open = await server({ args: ['--allow-unquoted-orders'] });
    const placed = await open.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(placed.isError).toBeFalsy();
    expect(committed()).toBe(before + 1);
  });
});

describe('duplicates', () => {
  it('refuses an identical order within the window unless confirmed as intended', async () => {
    const orders = await server();
    const order = { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 };
    const before = committed();
    expect((await quoteAndOrder(orders, order)).placed.isError).toBeFalsy();

    const second = await quoteAndOrder(orders, order);
    expect(textOf(second.quote)).toContain('a second one needs confirm_duplicate: true');
    expect(second.placed.isError).toBe(true);
    expect(textOf(second.placed)).toMatch(
      /an identical order .* was sent \d+ s ago: order \d+ was placed\. Nothing was placed now/,
    );
    expect(committed()).toBe(before + 1);

    const confirmed = await orders.call('register_order', {
      quote_id: second.quote.structuredContent?.quote_id,
      confirm_duplicate: true,
    });
    expect(confirmed.isError).toBeFalsy();
    expect(committed()).toBe(before + 2);
  });
});

describe('read-only mode', () => {
  it('does not even list register_order, and cannot be made to call it', async () => {
    const readOnly = await server({ env: { CAPPI_READ_ONLY: '1' } });
    const { tools } = await readOnly.client.listTools();
    expect(tools.map((tool) => tool.name)).not.toContain('register_order');
    expect(tools.map((tool) => tool.name)).toContain('quote_order');
    const before = committed();
    const result = await readOnly.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(result.isError).toBe(true);
    expect(committed()).toBe(before);
  });
});

describe('confirmation by elicitation', () => {
  it('asks the person with the service, link, quantity and price, and places the order on accept', async () => {
    const asking = await server({ elicit: () => ({ action: 'accept', content: { confirm: true } }) });
    const link = freshLink();
    const before = committed();
    const { placed } = await quoteAndOrder(asking, { service_id: STEAM_LIKES, link, quantity: 25 });
    expect(placed.isError).toBeFalsy();
    expect(asking.elicitations).toHaveLength(1);
    expect(asking.elicitations[0]).toContain(`25 × Steam Like`);
    expect(asking.elicitations[0]).toContain(`(service ${STEAM_LIKES}) to ${link} for 0.30 USD`);
    expect(committed()).toBe(before + 1);
  });

  it.each([
    ['decline', 'the person declined the order'],
    ['cancel', 'the person dismissed the confirmation'],
  ] as const)('places nothing when the person answers %s', async (action, sentence) => {
    const asking = await server({ elicit: () => ({ action }) });
    const before = committed();
    const { placed } = await quoteAndOrder(asking, { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(placed.isError).toBe(true);
    expect(textOf(placed)).toContain(`nothing was placed: ${sentence}`);
    expect(asking.elicitations).toHaveLength(1);
    expect(committed()).toBe(before);
    expect(await asking.ledger()).toEqual([]);
  });

  it('places nothing when accepted without the box ticked', async () => {
    const asking = await server({ elicit: () => ({ action: 'accept', content: { confirm: false } }) });
    const before = committed();
    const { placed } = await quoteAndOrder(asking, { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(textOf(placed)).toContain('nothing was placed: the person declined the order');
    expect(committed()).toBe(before);
  });

  it('refuses when confirmation is required and the client cannot ask', async () => {
    const strict = await server({ args: ['--require-confirmation'] });
    const before = committed();
    const { placed } = await quoteAndOrder(strict, { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
    expect(textOf(placed)).toContain('this client cannot ask (no elicitation support)');
    expect(committed()).toBe(before);
  });
});

describe('a ledger that cannot be written', () => {
  it('means no order is sent', async () => {
    const dir = tempDir();
    try {
      // A folder where the ledger file should be: it can be neither read nor appended to.
      const broken = await server({ args: ['--ledger', dir, '--allow-unquoted-orders'] });
      const before = committed();
      const order = await broken.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
      expect(order.isError).toBe(true);
      expect(textOf(order)).toContain(`the order ledger ${dir} cannot be`);
      expect(committed()).toBe(before);
    } finally {
      removeDir(dir);
    }
  });
});

describe('an unknown outcome', () => {
  it('says the order may have been placed, records it, counts it, and refuses a blind retry', async () => {
    const orders = await server({ args: ['--daily-budget-usd', '1.5'] });
    const order = { service_id: STEAM_LIKES, link: freshLink(), quantity: 50 };
    const before = committed();
    const quote = await orders.call('quote_order', order);
    // The sandbox commits the order, then drops the connection before answering.
    sandbox.faults.inject({ kind: 'drop_after' }, { operation: 'RegisterOrder' });
    const placed = await orders.call('register_order', { quote_id: quote.structuredContent?.quote_id });
    expect(placed.isError).toBe(true);
    expect(textOf(placed)).toContain('the order may have been placed');
    expect(textOf(placed)).toContain('call get_balance: a drop of 0.60 USD from ');
    expect(committed()).toBe(before + 1); // sent exactly once, never retried
    expect((await orders.ledger()).at(-1)).toMatchObject({
      status: 'unknown',
      orderId: null,
      priceCents: 60,
      quantity: 50,
    });

    const retry = await orders.call('register_order', { quote_id: quote.structuredContent?.quote_id });
    expect(textOf(retry)).toContain('an order whose outcome is unknown (it may have been placed) was sent');
    const budget = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
    expect(textOf(budget)).toContain('daily budget reached: 0.60 USD of 1.50 USD');
    expect(committed()).toBe(before + 1);
  });
});

describe('a damaged ledger', () => {
  it.each([
    ['a negative price', 'price_cents = -5', /row 1 has priceCents -5/],
    ['a status the ledger never writes', "status = 'weird'", /row 1 has status "weird"/],
  ])('with %s: the server refuses to quote or order, naming the database and the row', async (_what, damage, named) => {
    const stateDir = tempDir();
    try {
      const orders = await server({ args: ['--allow-unquoted-orders'], stateDir });
      const first = await orders.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
      expect(first.isError).toBeFalsy();
      // Damage the row as a broken disk or a careless hand would: past the schema's own checks.
      const db = new DatabaseSync(join(stateDir, 'ledger.sqlite'));
      db.exec('PRAGMA ignore_check_constraints = 1');
      db.exec(`UPDATE ledger_rows SET ${damage} WHERE id = 1`);
      db.close();
      const before = committed();
      const requests = sandbox.requests('RegisterOrder');
      const quote = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
      const order = await orders.call('register_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 10 });
      for (const answer of [quote, order]) {
        expect(answer.isError).toBe(true);
        expect(textOf(answer)).toMatch(/^nothing was (quoted|placed): the order ledger .*ledger\.sqlite is damaged: /);
        expect(textOf(answer)).toMatch(named);
      }
      expect(committed()).toBe(before);
      expect(sandbox.requests('RegisterOrder')).toBe(requests);
    } finally {
      removeDir(stateDir);
    }
  });
});

describe('an older JSON-lines ledger', () => {
  it('is imported once at start: its orders count, its damaged lines are reported, the file stays', async () => {
    const stateDir = tempDir();
    try {
      const account = await accountFingerprint(CANARY);
      const now = new Date().toISOString();
      const entry = (outcome: string, orderId: number | null, charge: unknown) =>
        JSON.stringify({
          time: now,
          account,
          outcome,
          orderId,
          serviceId: STEAM_LIKES,
          serviceName: 'Steam Likes',
          link: freshLink(),
          quantity: 100,
          charge,
          currency: 'USD',
        });
      const lines = [
        entry('placed', 111, 1.2),
        'null',
        entry('placed', 112, 'free'), // no numeric charge
        entry('unknown', null, 0.6),
        '{"time":"2030-01-01T00:', // a torn last line
      ];
      const old = join(stateDir, 'ledger.jsonl');
      writeFileSync(old, `${lines.join('\n')}`);
      const orders = await server({ args: ['--daily-budget-usd', '2.5'], stateDir });
      const quote = await orders.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
      expect(textOf(quote)).toContain('daily budget reached: 1.80 USD of 2.50 USD');
      expect(orders.stderr()).toMatch(/imported 2 order\(s\) of the older ledger .*ledger\.jsonl/);
      expect(orders.stderr()).toMatch(/3 damaged line\(s\) not imported: line 2: .*; line 3: .*; line 5: /);
      expect(readFileSync(old, 'utf8')).toBe(lines.join('\n'));
      await orders.close();
      // A second start does not import it again.
      const again = await server({ args: ['--daily-budget-usd', '2.5'], stateDir });
      const second = await again.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 });
      expect(textOf(second)).toContain('daily budget reached: 1.80 USD of 2.50 USD');
      expect(again.stderr()).not.toContain('imported');
    } finally {
      removeDir(stateDir);
    }
  });
});

describe('a PostgreSQL ledger shared by two servers with separate state folders', () => {
  it('holds one daily budget: two orders at once with room for one place exactly one', async () => {
    const database = await createPostgresDatabase('cappi_mcp_guards');
    const folders = [tempDir(), tempDir()];
    try {
      const args = ['--daily-budget-usd', '2', '--ledger', database.url];
      const [first, second] = [
        await server({ args, stateDir: folders[0] }),
        await server({ args, stateDir: folders[1] }),
      ];
      const quotes = await Promise.all(
        [first, second].map((s) =>
          s.call('quote_order', { service_id: STEAM_LIKES, link: freshLink(), quantity: 100 }),
        ),
      );
      sandbox.faults.inject({ kind: 'latency', ms: 1_000 }, { operation: 'RegisterOrder', times: 2 });
      const before = committed();
      const answers = await Promise.all([
        first.call('register_order', { quote_id: quotes[0]?.structuredContent?.quote_id }),
        second.call('register_order', { quote_id: quotes[1]?.structuredContent?.quote_id }),
      ]);
      sandbox.faults.clear();
      expect(answers.filter((answer) => !answer.isError)).toHaveLength(1);
      expect(answers.filter((answer) => answer.isError).map(textOf)).toEqual([
        expect.stringContaining('daily budget reached'),
      ]);
      expect(committed()).toBe(before + 1);
      expect(first.stderr()).toContain(`ledger postgres://`);
      expect(leaks(JSON.stringify(await dumpTable(database.url)))).toBe(false);
    } finally {
      for (const folder of folders) removeDir(folder);
      await database.drop();
    }
  });
});

/** Every row of the PostgreSQL ledger, as the database holds it. */
async function dumpTable(url: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query(
      "SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
    );
    const rows: unknown[] = [];
    for (const { table_schema: schema, table_name: table } of tables.rows) {
      rows.push(...(await client.query(`SELECT * FROM "${schema}"."${table}"`)).rows);
    }
    expect(rows.length).toBeGreaterThan(0);
    return rows;
  } finally {
    await client.end();
  }
}
