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

/** The exact decimal that JavaScript prints for `value` (its shortest round-trip form). */
function toDecimal(value: number): Decimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(value));
  const [, sign = '', whole = '0', fraction = '', exponentText = '0'] = match ?? [];
  let digits = BigInt(`${sign}${whole}${fraction}`);
  let scale = fraction.length - Number(exponentText);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits, scale };
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
