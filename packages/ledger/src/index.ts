export { LedgerUnavailableError } from './errors.js';
export {
  type DamagedLine,
  IMPORTED_OWNER,
  importJsonLinesLedger,
  type JsonLinesImport,
  type JsonLinesImportOptions,
} from './import-jsonl.js';
export { isPostgresLocation, type LedgerOptions, openLedger } from './open-ledger.js';
export { DEFAULT_STALE_AFTER_MS, isOwnerGone, ledgerOwner, type OwnerCheckOptions, ownerGoneCheck } from './owner.js';
export { openPostgresLedger, type PostgresLedger, type PostgresLedgerOptions } from './postgres.js';
export { openSqliteLedger, type SqliteLedger, type SqliteLedgerOptions } from './sqlite.js';
