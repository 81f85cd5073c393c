/**
 * Money is kept in integer cents (balances, charges, refunds) and rates in integer micro-dollars, so no
 * amount ever drifts through floating-point arithmetic. Dollars appear only at the edges (options, JSON).
 */

const MICROS_PER_CENT = 10_000;

/** Dollars (as given by a user or the catalog) to whole cents, half up. */
export function dollarsToCents(dollars: number): number {
  return Math.round(dollars * 100);
}

export function centsToDollars(cents: number): number {
  return cents / 100;
}

/** A rate in USD per unit to integer micro-dollars; rates in the catalog have at most 6 decimals. */
export function rateToMicros(rate: number): number {
  return Math.round(rate * 1_000_000);
}

/** Integer division rounded half up, for non-negative integers. */
function divideHalfUp(numerator: number, denominator: number): number {
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** The charge of `quantity` units at `rateMicros` per unit, in cents rounded half up. */
export function chargeCents(rateMicros: number, quantity: number): number {
  return divideHalfUp(rateMicros * quantity, MICROS_PER_CENT);
}

/** The share of a charge returned for units not delivered: charge * failed / quantity, in cents half up. */
export function refundCents(charge: number, failed: number, quantity: number): number {
  return divideHalfUp(charge * failed, quantity);
}

/** "3.20 USD", for messages. */
export function formatCents(cents: number): string {
  return `${(cents / 100).toFixed(2)} USD`;
}
