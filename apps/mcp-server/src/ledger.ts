// The server's order ledger: a database (SQLite by default, PostgreSQL to share one budget between servers) from
// @cappi-reseller/ledger. It is opened in the background at start, so an AI client's initialize and tools/list never
// wait for it; whatever needs it waits for the opening, and fails with the reason when it cannot be opened (then
// nothing is ordered). At start, an older JSON-lines ledger is imported once, and rows left 'sending' by a process
// that is gone become 'unknown'.
import {
  type ImportedLedgerRow,
  type LedgerSettlement,
  type NewLedgerRow,
  type OrderLedgerStore,
  type RecoveredRow,
  recoverInterrupted,
  redact,
} from '@cappi-reseller/core';
// Small and dependency-free: loaded with the server. The database drivers are loaded with the first use of the ledger.
import { isOwnerGone, ledgerOwner } from '@cappi-reseller/ledger/owner';
import type { LedgerLocation } from './config.js';
import type { Logger } from './log.js';

export interface ServerLedger {
  store: OrderLedgerStore;
  /** This process, as written in the rows it creates. */
  owner: string;
}

export function openServerLedger(
  location: LedgerLocation,
  log: Logger,
  onRecovered: (rows: RecoveredRow[]) => void,
): ServerLedger {
  const opening = import('@cappi-reseller/ledger').then(async (module) => {
    const store = await module.openLedger(location.location);
    if (location.importFrom !== undefined) {
      const scrub = (text: string) => redact(text, log.secrets());
      const report = await module.importJsonLinesLedger(store, location.importFrom, { scrub });
      if (report.status === 'imported') {
        const damaged = report.damaged.map((line) => `line ${line.line}: ${line.reason}`).join('; ');
        log.info(
          `imported ${report.imported} order(s) of the older ledger ${location.importFrom} into ${store.location} (the file is left in place)` +
            (damaged === '' ? '' : `; ${report.damaged.length} damaged line(s) not imported: ${damaged}`),
        );
      }
    }
    const now = Date.now();
    onRecovered(await recoverInterrupted(store, (row) => isOwnerGone(row, now)));
    return store;
  });
  // Reported once here; every use of the store rejects with the same error, so nothing is ordered.
  opening.catch((error: unknown) => log.info(`the order ledger cannot be opened: ${(error as Error).message}`));
  return { store: deferredStore(location.location, opening), owner: ledgerOwner() };
}

/** A store whose methods wait for the database to be open. */
function deferredStore(location: string, opening: Promise<OrderLedgerStore>): OrderLedgerStore {
  const use = async <T>(action: (store: OrderLedgerStore) => Promise<T>): Promise<T> => action(await opening);
  return {
    location,
    rowsSince: (account: string, since: number) => use((store) => store.rowsSince(account, since)),
    reserve: <R>(row: NewLedgerRow, since: number, decide: (rows: unknown[]) => R | undefined) =>
      use((store) => store.reserve(row, since, decide)),
    settle: (id: number, settlement: LedgerSettlement) => use((store) => store.settle(id, settlement)),
    recentRows: (account: string, limit: number) => use((store) => store.recentRows(account, limit)),
    rowOfOrder: (account: string, orderId: number) => use((store) => store.rowOfOrder(account, orderId)),
    recordCharge: (account: string, orderId: number, cents: number) =>
      use((store) => store.recordCharge(account, orderId, cents)),
    sendingRows: () => use((store) => store.sendingRows()),
    markUnknown: (id: number, detail: string) => use((store) => store.markUnknown(id, detail)),
    wasImported: (source: string) => use((store) => store.wasImported(source)),
    importRows: (source: string, rows: readonly ImportedLedgerRow[]) => use((store) => store.importRows(source, rows)),
    ping: () => use((store) => store.ping()),
    async close() {
      const store = await opening.catch(() => undefined);
      await store?.close();
    },
  };
}
