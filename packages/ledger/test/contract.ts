// The contract of a ledger store, run against both stores (src/sqlite.test.ts, src/postgres.test.ts): every method
// of OrderLedgerStore, the reservation's atomicity, damaged rows refused by the kernel, and the kernel end to end
// against a real sandbox with a canary key.
import {
  type ImportedLedgerRow,
  INTERRUPTED_DETAIL,
  LedgerDataError,
  type LedgerRow,
  type NewLedgerRow,
  type OrderLedgerStore,
  parseLedgerRow,
  recoverInterrupted,
  snapshotOf,
} from '@cappi-reseller/core';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ledgerOwner, ownerGoneCheck } from '../src/index.js';
import {
  ACCOUNT,
  CANARY_KEY,
  cheapService,
  GENEROUS_POLICY,
  guardFor,
  orderFor,
  startLedgerSandbox,
} from './support.js';

export interface HarnessLedger {
  store: OrderLedgerStore;
  /** Another store on the same ledger: what another process sees. */
  reopen(): Promise<OrderLedgerStore>;
  /** Inserts a row with raw SQL, bypassing the schema's checks as far as the database allows. */
  insertRaw(columns: Record<string, string>, bypass: readonly string[]): Promise<number>;
  /** Every byte of the database's content, as text, to scan for the key. */
  dump(): Promise<string>;
}

export interface DamageCase {
  name: string;
  /** Column -> SQL expression, over a valid placed row of ACCOUNT created now. */
  columns: Record<string, string>;
  /** What must be switched off to write it (CHECK constraints, NOT NULL on a column). */
  bypass: readonly string[];
  /** The field parseLedgerRow names. */
  field: string;
}

export interface LedgerHarness {
  name: string;
  /** A fresh, empty ledger. */
  fresh(): Promise<HarnessLedger>;
  damageCases: readonly DamageCase[];
}

export function newRow(overrides: Partial<NewLedgerRow> = {}): NewLedgerRow {
  return {
    account: ACCOUNT,
    createdAt: Date.now(),
    serviceId: 7,
    serviceName: 'Steam Likes',
    link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=1',
    quantity: 100,
    priceCents: 250,
    currency: 'USD',
    owner: ledgerOwner(),
    sandbox: true,
    ...overrides,
  };
}

const accept = () => undefined;
const parsed = (rows: unknown[], where: string) => rows.map((row) => parseLedgerRow(row, where));

export function describeLedgerContract(harness: LedgerHarness): void {
  let sandbox: Sandbox;
  const opened: OrderLedgerStore[] = [];

  beforeAll(async () => {
    sandbox = await startLedgerSandbox();
  });
  afterEach(async () => {
    sandbox.faults.clear();
    await Promise.all(opened.splice(0).map((store) => store.close().catch(() => undefined)));
  });
  afterAll(() => sandbox.stop());

  async function fresh(): Promise<HarnessLedger> {
    const ledger = await harness.fresh();
    opened.push(ledger.store);
    return {
      ...ledger,
      async reopen() {
        const store = await ledger.reopen();
        opened.push(store);
        return store;
      },
    };
  }

  describe(`${harness.name}: every method of the store`, () => {
    it('reads an empty ledger as empty', async () => {
      const { store } = await fresh();
      expect(await store.rowsSince(ACCOUNT, 0)).toEqual([]);
      expect(await store.recentRows(ACCOUNT, 10)).toEqual([]);
      expect(await store.rowOfOrder(ACCOUNT, 1)).toBeUndefined();
      expect(await store.sendingRows()).toEqual([]);
      expect(await store.wasImported('jsonl:/nowhere')).toBe(false);
    });

    it('reserves a sending row that comes back, field for field, through parseLedgerRow', async () => {
      const { store } = await fresh();
      const row = newRow();
      const reserved = await store.reserve(row, 0, accept);
      expect(reserved).toEqual({ id: expect.any(Number) });
      const id = (reserved as { id: number }).id;
      const [back] = parsed(await store.rowsSince(ACCOUNT, 0), store.location);
      expect(back).toEqual({ ...row, id, status: 'sending', chargedCents: null, orderId: null, detail: null });
      expect(parsed(await store.sendingRows(), store.location).map((sending) => sending.id)).toEqual([id]);
    });

    it("passes decide the account's rows since the given time, oldest first, and no others", async () => {
      const { store } = await fresh();
      const now = Date.now();
      for (const [account, createdAt] of [
        [ACCOUNT, now - 2_000],
        ['other-account', now - 1_000],
        [ACCOUNT, now - 90_000_000],
        [ACCOUNT, now - 1_000],
      ] as const) {
        await store.reserve(newRow({ account, createdAt }), 0, accept);
      }
      let seen: LedgerRow[] = [];
      await store.reserve(newRow({ createdAt: now }), now - 86_400_000, (rows) => {
        seen = parsed(rows, store.location);
        return undefined;
      });
      expect(seen.map((row) => [row.account, row.createdAt])).toEqual([
        [ACCOUNT, now - 2_000],
        [ACCOUNT, now - 1_000],
      ]);
      expect((await store.rowsSince('other-account', 0)).length).toBe(1);
    });

    it('writes nothing when decide refuses, and returns the refusal', async () => {
      const { store } = await fresh();
      const refusal = { kind: 'over_budget', message: 'no' };
      expect(await store.reserve(newRow(), 0, () => refusal)).toEqual({ refusal });
      expect(await store.rowsSince(ACCOUNT, 0)).toEqual([]);
    });

    it('writes nothing when decide throws, and lets its error through unchanged', async () => {
      const { store } = await fresh();
      await store.reserve(newRow(), 0, accept);
      const thrown = new LedgerDataError('a damaged row');
      await expect(
        store.reserve(newRow(), 0, () => {
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      expect((await store.rowsSince(ACCOUNT, 0)).length).toBe(1);
      // and the store still works afterwards (no transaction left open)
      await store.reserve(newRow(), 0, accept);
      expect((await store.rowsSince(ACCOUNT, 0)).length).toBe(2);
    });

    it('reserves atomically: of 24 concurrent reservations through two stores, exactly the 5 a limit allows', async () => {
      const { store, reopen } = await fresh();
      const other = await reopen();
      const atMostFive = (rows: unknown[]) => (rows.length >= 5 ? 'full' : undefined);
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, index) => (index % 2 === 0 ? store : other).reserve(newRow(), 0, atMostFive)),
      );
      expect(results.filter((result) => 'id' in result)).toHaveLength(5);
      expect(results.filter((result) => 'refusal' in result)).toHaveLength(19);
      expect(await store.rowsSince(ACCOUNT, 0)).toHaveLength(5);
    });

    it('settles a row as placed (with its order id), refused, not placed or unknown', async () => {
      const { store } = await fresh();
      const ids: number[] = [];
      for (let index = 0; index < 4; index++) {
        ids.push(((await store.reserve(newRow(), 0, accept)) as { id: number }).id);
      }
      const [placed, refused, notPlaced, unknown] = ids as [number, number, number, number];
      await store.settle(placed, { status: 'placed', orderId: 4242 });
      await store.settle(refused, { status: 'refused', detail: 'insufficient funds' });
      await store.settle(notPlaced, { status: 'not_placed', detail: 'connection refused' });
      await store.settle(unknown, { status: 'unknown', detail: 'timed out' });
      const rows = parsed(await store.rowsSince(ACCOUNT, 0), store.location);
      expect(rows.map(({ id, status, orderId, detail }) => ({ id, status, orderId, detail }))).toEqual([
        { id: placed, status: 'placed', orderId: 4242, detail: null },
        { id: refused, status: 'refused', orderId: null, detail: 'insufficient funds' },
        { id: notPlaced, status: 'not_placed', orderId: null, detail: 'connection refused' },
        { id: unknown, status: 'unknown', orderId: null, detail: 'timed out' },
      ]);
      expect(await store.sendingRows()).toEqual([]);
    });

    it('settles a row marked unknown meanwhile (its answer came late), never one already settled, never a missing one', async () => {
      const { store } = await fresh();
      const { id } = (await store.reserve(newRow(), 0, accept)) as { id: number };
      expect(await store.markUnknown(id, INTERRUPTED_DETAIL)).toBe(true);
      await store.settle(id, { status: 'placed', orderId: 77 });
      await expect(store.settle(id, { status: 'refused', detail: 'late' })).rejects.toThrow(
        `no row ${id} waiting for its outcome`,
      );
      await expect(store.settle(id + 1000, { status: 'placed', orderId: 78 })).rejects.toThrow(store.location);
      const [row] = parsed(await store.rowsSince(ACCOUNT, 0), store.location);
      expect(row).toMatchObject({ status: 'placed', orderId: 77 });
    });

    it('marks only rows still sending as unknown', async () => {
      const { store } = await fresh();
      const { id: sending } = (await store.reserve(newRow(), 0, accept)) as { id: number };
      const { id: placed } = (await store.reserve(newRow(), 0, accept)) as { id: number };
      await store.settle(placed, { status: 'placed', orderId: 5 });
      expect(await store.markUnknown(placed, 'no')).toBe(false);
      expect(await store.markUnknown(sending, 'crashed')).toBe(true);
      expect(await store.markUnknown(sending, 'again')).toBe(false);
      const rows = parsed(await store.rowsSince(ACCOUNT, 0), store.location);
      expect(rows.map(({ status, detail }) => ({ status, detail }))).toEqual([
        { status: 'unknown', detail: 'crashed' },
        { status: 'placed', detail: null },
      ]);
    });

    it("records a charge for the account's order only, and finds the order's row", async () => {
      const { store } = await fresh();
      const { id } = (await store.reserve(newRow({ priceCents: 300 }), 0, accept)) as { id: number };
      await store.settle(id, { status: 'placed', orderId: 9001 });
      expect(await store.recordCharge('other-account', 9001, 999)).toBe(false);
      expect(await store.recordCharge(ACCOUNT, 9002, 999)).toBe(false);
      expect(await store.recordCharge(ACCOUNT, 9001, 450)).toBe(true);
      const row = parseLedgerRow(await store.rowOfOrder(ACCOUNT, 9001), store.location);
      expect(row).toMatchObject({ id, orderId: 9001, priceCents: 300, chargedCents: 450 });
      expect(await store.rowOfOrder('other-account', 9001)).toBeUndefined();
      // the budget counts the higher of price and charge
      expect(snapshotOf([row], undefined, GENEROUS_POLICY, Date.now()).spentTodayCents).toBe(450);
    });

    it('lists the most recent rows first, at most the limit', async () => {
      const { store } = await fresh();
      const now = Date.now();
      for (const offset of [3, 1, 2]) await store.reserve(newRow({ createdAt: now - offset * 1000 }), 0, accept);
      const recent = parsed(await store.recentRows(ACCOUNT, 2), store.location);
      expect(recent.map((row) => row.createdAt)).toEqual([now - 1000, now - 2000]);
    });

    it('imports rows once per source, as they were', async () => {
      const { store, reopen } = await fresh();
      const rows: ImportedLedgerRow[] = [
        { ...newRow({ createdAt: 1_700_000_000_000 }), status: 'placed', orderId: 11, detail: null },
        {
          ...newRow({ createdAt: 1_700_000_001_000, sandbox: false }),
          status: 'unknown',
          orderId: null,
          detail: 'lost',
        },
      ];
      const other = await reopen();
      // two processes importing at once: one of them does it
      const results = await Promise.all([store.importRows('jsonl:/a', rows), other.importRows('jsonl:/a', rows)]);
      expect(results.sort()).toEqual([false, true]);
      expect(await store.importRows('jsonl:/a', rows)).toBe(false);
      expect(await store.wasImported('jsonl:/a')).toBe(true);
      expect(await store.wasImported('jsonl:/b')).toBe(false);
      const back = parsed(await store.rowsSince(ACCOUNT, 0), store.location);
      expect(back.map(({ id: _id, chargedCents: _charged, ...row }) => row)).toEqual(rows);
      expect(await store.importRows('jsonl:/b', [])).toBe(true);
    });

    it('answers a ping (a health check) and writes nothing', async () => {
      const { store, dump } = await fresh();
      const before = await dump();
      await expect(store.ping()).resolves.toBeUndefined();
      expect(parsed(await store.rowsSince(ACCOUNT, 0), store.location)).toEqual([]);
      expect(await dump()).toBe(before);
    });

    it('turns rows of a gone process into unknown at recovery, and leaves those of a live one', async () => {
      const { store } = await fresh();
      const { id: mine } = (await store.reserve(newRow(), 0, accept)) as { id: number };
      const gone = newRow({ owner: 'host=elsewhere/x/1;pid=1;start=1;run=00', createdAt: Date.now() - 3_600_000 });
      const { id: theirs } = (await store.reserve(gone, 0, accept)) as { id: number };
      const recovered = await recoverInterrupted(store, ownerGoneCheck());
      expect(recovered.map((row) => row.id)).toEqual([theirs]);
      const rows = parsed(await store.rowsSince(ACCOUNT, 0), store.location);
      expect(rows.find((row) => row.id === theirs)).toMatchObject({ status: 'unknown', detail: INTERRUPTED_DETAIL });
      expect(rows.find((row) => row.id === mine)?.status).toBe('sending');
    });
  });

  describe(`${harness.name}: a damaged row makes the kernel refuse, with nothing sent`, () => {
    it.each(harness.damageCases.map((damage) => [damage.name, damage] as const))('%s', async (_name, damage) => {
      const ledger = await fresh();
      const guard = guardFor(ledger.store, sandbox);
      const good = await guard.place(orderFor(cheapService(sandbox)));
      expect(good.kind).toBe('placed');
      const rowId = await ledger.insertRaw(damage.columns, damage.bypass);
      const sentBefore = sandbox.requests('RegisterOrder');

      const result = await guard.place(orderFor(cheapService(sandbox)));

      expect(result.kind).toBe('ledger_unavailable');
      const message = (result as { message: string }).message;
      expect(message).toContain(ledger.store.location);
      expect(message).toContain(`row ${rowId} has ${damage.field}`);
      expect(message).toMatch(/^nothing was placed: /);
      expect(sandbox.requests('RegisterOrder')).toBe(sentBefore);
      // quotes refuse too: the day's spend is not known
      await expect(guard.checkQuote(cheapService(sandbox), 100)).rejects.toThrow(LedgerDataError);
    });
  });

  describe(`${harness.name}: the kernel end to end against the sandbox`, () => {
    it('records placed, refused, not placed and unknown orders as the sandbox holds them', async () => {
      const { store } = await fresh();
      const guard = guardFor(store, sandbox);
      const service = cheapService(sandbox);
      const before = new Set(sandbox.orders(CANARY_KEY).map((order) => order.orderId));

      const placed = await guard.place(orderFor(service));
      const refused = await guard.place(orderFor(service, { quantity: service.max + 1 }));
      sandbox.faults.inject({ kind: 'status', status: 500, afterCommit: true }, { operation: 'RegisterOrder' });
      const unknown = await guard.place(orderFor(service));
      const notPlaced = await guard.place(orderFor(service, { link: 'not a link' }));

      expect([placed.kind, refused.kind, unknown.kind, notPlaced.kind]).toEqual([
        'placed',
        'refused',
        'unknown',
        'not_placed',
      ]);
      const rows = parsed(await store.rowsSince(ACCOUNT, 0), store.location);
      expect(rows.map((row) => row.status)).toEqual(['placed', 'refused', 'unknown', 'not_placed']);
      const created = sandbox.orders(CANARY_KEY).filter((order) => !before.has(order.orderId));
      // every order the sandbox holds is a placed or an unknown row; placed rows carry the sandbox's order id
      expect(created).toHaveLength(2);
      expect(rows[0]?.orderId).toBe((placed as { orderId: number }).orderId);
      expect(created.map((order) => order.orderId)).toContain(rows[0]?.orderId);
      const unknownOrder = created.find((order) => order.orderId !== rows[0]?.orderId);
      expect(unknownOrder?.link).toBe(rows[2]?.link);
      // both count against today's budget, at their price
      const snapshot = await guard.snapshot();
      expect(snapshot.spentTodayCents).toBe((rows[0]?.priceCents ?? 0) + (rows[2]?.priceCents ?? 0));
      expect(await store.sendingRows()).toEqual([]);
    });

    it('refuses an order the budget cannot pay, writing and sending nothing', async () => {
      const { store } = await fresh();
      const order = orderFor(cheapService(sandbox));
      const guard = guardFor(store, sandbox, {
        policy: { ...GENEROUS_POLICY, dailyBudgetUsd: (order.priceCents * 1.5) / 100 },
      });
      expect((await guard.place(order)).kind).toBe('placed');
      const sentBefore = sandbox.requests('RegisterOrder');
      const second = await guard.place(orderFor(cheapService(sandbox)));
      expect(second).toMatchObject({ kind: 'refused_by_policy', refusal: { kind: 'over_budget' } });
      expect(sandbox.requests('RegisterOrder')).toBe(sentBefore);
      expect(await store.rowsSince(ACCOUNT, 0)).toHaveLength(1);
    });

    it('keeps the canary key out of every row: a service name that echoes it is scrubbed', async () => {
      const service = cheapService(sandbox);
      const echoing = { ...service, name: `${service.name} (for ${CANARY_KEY})` };
      sandbox.setCatalog(sandbox.catalog().map((entry) => (entry.service === service.service ? echoing : entry)));
      try {
        const scrubbed = await fresh();
        const guard = guardFor(scrubbed.store, sandbox);
        expect((await guard.place(orderFor(echoing))).kind).toBe('placed');
        sandbox.faults.inject({ kind: 'drop_after' }, { operation: 'RegisterOrder' });
        expect((await guard.place(orderFor(echoing))).kind).toBe('unknown');
        const dump = await scrubbed.dump();
        expect(dump).toContain('(for ***)');
        expect(dump).not.toContain(CANARY_KEY);

        // The scan finds the key when the kernel is not told to scrub: the check above can fail.
        const unscrubbed = await fresh();
        expect((await guardFor(unscrubbed.store, sandbox, { scrub: false }).place(orderFor(echoing))).kind).toBe(
          'placed',
        );
        expect(await unscrubbed.dump()).toContain(CANARY_KEY);
      } finally {
        sandbox.setCatalog(sandbox.catalog().map((entry) => (entry.service === service.service ? service : entry)));
      }
    });
  });
}
