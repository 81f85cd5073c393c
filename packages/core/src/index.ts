export { type CatalogCache, type CatalogCacheOptions, createCatalogCache } from './catalog-cache.js';
export { type CheckApiOptions, checkApi } from './check-api.js';
export {
  createResellerClient,
  type ReadOptions,
  type RequestOptions,
  type ResellerClient,
  type ResellerClientOptions,
} from './client.js';
export * from './domain/index.js';
export { isLogLevel, LOG_LEVEL_ENV, type LogLevel, type ResellerLogger } from './log.js';
export {
  createOrderGuard,
  type GuardedOrder,
  type GuardedOrderResult,
  INTERRUPTED_DETAIL,
  type OrderGuard,
  type OrderGuardOptions,
  type RecoveredRow,
  recoverInterrupted,
} from './order-guard.js';
export type { ImportedLedgerRow, LedgerSettlement, NewLedgerRow, OrderLedgerStore } from './order-ledger.js';
export {
  accountFingerprint,
  createQuoteSigner,
  type QuoteCheck,
  type QuoteSigner,
  type QuoteTerms,
} from './quote-token.js';
export { ResellerPromise, type WithResponse } from './reseller-promise.js';
export { DEFAULT_MAX_RESPONSE_BYTES } from './response-limit.js';
export type { RetryInfo } from './transport.js';
export { type WaitForOrderOptions, waitForOrder } from './wait-for-order.js';
