export { type CatalogCache, type CatalogCacheOptions, createCatalogCache } from './catalog-cache.js';
export { type CheckApiOptions, checkApi } from './check-api.js';
export {
  createResellerClient,
  type RequestOptions,
  type ResellerClient,
  type ResellerClientOptions,
} from './client.js';
export * from './domain/index.js';
export type { RetryInfo } from './transport.js';
export { type WaitForOrderOptions, waitForOrder } from './wait-for-order.js';
