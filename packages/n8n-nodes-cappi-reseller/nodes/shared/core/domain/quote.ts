// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/quote.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import { InvalidRequestError } from './errors.js';
import { formatUsd, multiplyToCents, roundMoney } from './money.js';
import type { Balance, OrderRequest, Quote, Service } from './types.js';
import { assertOrderAllowed } from './validate.js';

export { formatUsd, roundMoney };

/** The price of `quantity` units at `rate` USD per unit, in USD rounded to cents, half up (exact decimal). */
export function priceOf(rate: number, quantity: number): number {
  if (!Number.isFinite(rate) || rate < 0) {
    throw new InvalidRequestError(`rate ${rate} is not a price: it must be a number of USD per unit, 0 or more`);
  }
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new InvalidRequestError(`quantity ${quantity} is not valid: it must be a whole number, 0 or more`, {
      field: 'quantity',
    });
  }
  return multiplyToCents(rate, quantity);
}

/**
 * Prices an order against its service (and, when given, the balance). Throws InvalidRequestError when the
 * service does not allow the order (wrong service, quantity outside min/max) or has no rate to price it with.
 */
export function quoteOrder(order: OrderRequest, service: Service, balance?: Balance): Quote {
  assertOrderAllowed(order, service);
  if (service.rate === undefined) {
    throw new InvalidRequestError(
      `service ${service.service} has no price (rate) in the catalog, so the order cannot be quoted`,
      { field: 'serviceId', serviceId: service.service },
    );
  }
  const price = priceOf(service.rate, order.quantity);
  const quote: Quote = {
    serviceId: service.service,
    serviceName: service.name,
    category: service.category,
    link: order.link,
    quantity: order.quantity,
    rate: service.rate,
    price,
    currency: 'USD',
  };
  if (balance !== undefined) {
    quote.balance = balance.balance;
    // Comparing amounts in two currencies would be a guess: only a USD balance says whether it is affordable.
    if (balance.currency.trim().toUpperCase() === 'USD') {
      quote.balanceAfter = roundMoney(balance.balance - price);
      quote.affordable = roundMoney(balance.balance) >= price;
    }
  }
  return quote;
}
