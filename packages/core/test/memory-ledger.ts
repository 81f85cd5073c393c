// An OrderLedgerStore in memory, for the kernel's own tests: it keeps rows exactly as the interface says (the real
// stores in @cappi-reseller/ledger run the same kernel against SQLite and PostgreSQL). `fail` makes a method throw,
// as a full disk or a lost database connection would.
import type { ImportedLedgerRow, LedgerSettlement, NewLedgerRow, OrderLedgerStore } from '../src/order-ledger.js';

export type StoredRow = Record<string, unknown> & { id: number; account: string; createdAt: number; status: string };

export interface MemoryLedger extends OrderLedgerStore {
  rows: StoredRow[];
  fail: Partial<Record<keyof OrderLedgerStore, Error>>;
}

export function createMemoryLedger(location = 'memory://ledger'): MemoryLedger {
  const rows: StoredRow[] = [];
  const fail: MemoryLedger['fail'] = {};
  const imported = new Set<string>();
  let tail: Promise<unknown> = Promise.resolve();
  const check = (method: keyof OrderLedgerStore) => {
    const error = fail[method];
    if (error !== undefined) throw error;
  };
  const insert = (row: NewLedgerRow, extra: Partial<StoredRow>): StoredRow => {
    const stored: StoredRow = {
      id: rows.length + 1,
      status: 'sending',
      chargedCents: null,
      orderId: null,
      detail: null,
      ...row,
      ...extra,
    };
    rows.push(stored);
    return stored;
  };
  const copy = (row: StoredRow) => ({ ...row });
  return {
    location,
    rows,
    fail,
    async rowsSince(account, since) {
      check('rowsSince');
      return rows.filter((row) => row.account === account && row.createdAt >= since).map(copy);
    },
    reserve<R>(row: NewLedgerRow, since: number, decide: (rows: unknown[]) => R | undefined) {
      // One at a time, like a transaction serialised per account.
      const run = tail.then(async () => {
        check('reserve');
        const refusal = decide(rows.filter((r) => r.account === row.account && r.createdAt >= since).map(copy));
        if (refusal !== undefined) return { refusal };
        return { id: insert(row, {}).id };
      });
      tail = run.catch(() => undefined);
      return run;
    },
    async settle(id: number, settlement: LedgerSettlement) {
      check('settle');
      const row = rows.find((r) => r.id === id);
      if (row === undefined) throw new Error(`no row ${id}`);
      Object.assign(
        row,
        settlement.status === 'placed'
          ? { status: 'placed', orderId: settlement.orderId }
          : { status: settlement.status, detail: settlement.detail },
      );
    },
    async recentRows(account, limit) {
      check('recentRows');
      return rows
        .filter((row) => row.account === account)
        .slice(-limit)
        .reverse()
        .map(copy);
    },
    async rowOfOrder(account, orderId) {
      check('rowOfOrder');
      const row = rows.find((r) => r.account === account && r.orderId === orderId);
      return row === undefined ? undefined : copy(row);
    },
    async recordCharge(account, orderId, chargedCents) {
      check('recordCharge');
      const row = rows.find((r) => r.account === account && r.orderId === orderId);
      if (row === undefined) return false;
      row.chargedCents = chargedCents;
      return true;
    },
    async sendingRows() {
      check('sendingRows');
      return rows.filter((row) => row.status === 'sending').map(copy);
    },
    async markUnknown(id, detail) {
      check('markUnknown');
      const row = rows.find((r) => r.id === id && r.status === 'sending');
      if (row === undefined) return false;
      Object.assign(row, { status: 'unknown', detail });
      return true;
    },
    async wasImported(source: string) {
      check('wasImported');
      return imported.has(source);
    },
    async importRows(source: string, imports: readonly ImportedLedgerRow[]) {
      check('importRows');
      if (imported.has(source)) return false;
      imported.add(source);
      for (const row of imports) insert(row, { status: row.status, orderId: row.orderId, detail: row.detail });
      return true;
    },
    async ping() {
      check('ping');
    },
    async close() {},
  };
}
