// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/money.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
// Exact decimal money arithmetic: binary floating point would round 1.005 down to 1.00.

interface Decimal {
  /** The value is digits / 10^scale. */
  digits: bigint;
  scale: number;
}

/** Rounds an amount of money to cents, half up (away from zero). Non-finite amounts come back unchanged. */
export function roundMoney(amount: number): number {
  return Number.isFinite(amount) ? roundToCents(toDecimal(amount)) : amount;
}

/** The price of `quantity` units at `rate` per unit, rounded to cents, half up. Both must be finite. */
export function multiplyToCents(rate: number, quantity: number): number {
  const exact = toDecimal(rate);
  return roundToCents({ digits: exact.digits * BigInt(quantity), scale: exact.scale });
}

/** "3.20 USD". */
export function formatUsd(amount: number): string {
  return `${roundMoney(amount).toFixed(2)} USD`;
}

/** The exact decimal that JavaScript prints for `value` (its shortest round-trip form: "-1.25", "5e-7", "1.5e+21"). */
function toDecimal(value: number): Decimal {
  const text = String(value);
  const exponentAt = text.indexOf('e');
  const mantissa = exponentAt === -1 ? text : text.slice(0, exponentAt);
  const exponent = exponentAt === -1 ? 0 : Number(text.slice(exponentAt + 1));
  const pointAt = mantissa.indexOf('.');
  const fractionDigits = pointAt === -1 ? 0 : mantissa.length - pointAt - 1;
  // A negative scale (1.5e+21) is a whole number: roundToCents multiplies it out.
  return { digits: BigInt(mantissa.replace('.', '')), scale: fractionDigits - exponent };
}

function roundToCents({ digits, scale }: Decimal): number {
  if (scale <= 2) return Number(digits * 10n ** BigInt(2 - scale)) / 100;
  const divisor = 10n ** BigInt(scale - 2);
  const negative = digits < 0n;
  const magnitude = negative ? -digits : digits;
  let cents = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) cents += 1n;
  return Number(negative ? -cents : cents) / 100;
}
