import type { OrderLedgerStore } from '@cappi-reseller/core';
import { openPostgresLedger, type PostgresLedgerOptions } from './postgres.js';
import { openSqliteLedger, type SqliteLedgerOptions } from './sqlite.js';

export type LedgerOptions = SqliteLedgerOptions & PostgresLedgerOptions;

/** Whether `location` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location.trim());
}

/**
 * Opens the ledger at `location`: a postgres:// or postgresql:// URL opens (and sets up) a PostgreSQL ledger;
 * anything else is the path of a SQLite file, created with the first write.
 */
export async function openLedger(location: string, options: LedgerOptions = {}): Promise<OrderLedgerStore> {
  if (isPostgresLocation(location)) {
    const { lockWaitMs } = options;
    return openPostgresLedger(location.trim(), lockWaitMs === undefined ? {} : { lockWaitMs });
  }
  const { busyWaitMs } = options;
  return openSqliteLedger(location, busyWaitMs === undefined ? {} : { busyWaitMs });
}
