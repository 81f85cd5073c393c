// An order ledger of the program's own: OrderLedgerStore is a public interface a database implements (the toolkit's
// are SQLite and PostgreSQL); this one keeps rows in memory, and type-checks from outside the package.
import type * as core from '@cappi-reseller/core';
import type * as domain from '@cappi-reseller/core/domain';

export interface MemoryLedger extends core.OrderLedgerStore {
  readonly rows: domain.LedgerRow[];
}

export function createMemoryLedger(): MemoryLedger {
  const rows: domain.LedgerRow[] = [];
  const imported = new Set<string>();
  const copies = (list: readonly domain.LedgerRow[]) => list.map((row) => ({ ...row }));
  const ofAccount = (account: string, since: number) =>
    rows.filter((row) => row.account === account && row.createdAt >= since);
  const insert = (row: core.NewLedgerRow, state: Pick<domain.LedgerRow, 'status' | 'orderId' | 'detail'>) => {
    const stored: domain.LedgerRow = { ...row, ...state, id: rows.length + 1, chargedCents: null };
    rows.push(stored);
    return stored.id;
  };
  return {
    location: 'memory://consumer-ledger',
    rows,
    async rowsSince(account, since) {
      return copies(ofAccount(account, since));
    },
    // Reads, decides and inserts with no await in between: in one process nothing else runs meanwhile.
    async reserve<R>(row: core.NewLedgerRow, since: number, decide: (rows: unknown[]) => R | undefined) {
      const refusal = decide(copies(ofAccount(row.account, since)));
      if (refusal !== undefined) return { refusal };
      return { id: insert(row, { status: 'sending', orderId: null, detail: null }) };
    },
    async settle(id, settlement) {
      const row = rows.find((candidate) => candidate.id === id);
      if (row === undefined) throw new Error(`the order ledger memory://consumer-ledger has no row ${id}`);
      row.status = settlement.status;
      if (settlement.status === 'placed') row.orderId = settlement.orderId;
      else row.detail = settlement.detail;
    },
    async recentRows(account, limit) {
      return copies(ofAccount(account, 0).slice(-limit).reverse());
    },
    async rowOfOrder(account, orderId) {
      const row = rows.find((candidate) => candidate.account === account && candidate.orderId === orderId);
      return row === undefined ? undefined : { ...row };
    },
    async recordCharge(account, orderId, chargedCents) {
      const row = rows.find((candidate) => candidate.account === account && candidate.orderId === orderId);
      if (row === undefined) return false;
      row.chargedCents = chargedCents;
      return true;
    },
    async sendingRows() {
      return copies(rows.filter((row) => row.status === 'sending'));
    },
    async markUnknown(id, detail) {
      const row = rows.find((candidate) => candidate.id === id && candidate.status === 'sending');
      if (row === undefined) return false;
      row.status = 'unknown';
      row.detail = detail;
      return true;
    },
    async wasImported(source) {
      return imported.has(source);
    },
    async importRows(source, imports) {
      if (imported.has(source)) return false;
      imported.add(source);
      for (const row of imports) insert(row, { status: row.status, orderId: row.orderId, detail: row.detail });
      return true;
    },
    async ping() {},
    async close() {},
  };
}
