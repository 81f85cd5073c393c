// How a row travels between a database and the kernel. Both stores select the same snake_case columns and hand
// them to recordOf, which renames them to LedgerRow's field names and nothing more: a damaged value (text where a
// number belongs, a number too large to be exact, a NULL) stays visible, so parseLedgerRow refuses it.
import type { ImportedLedgerRow, NewLedgerRow } from '@cappi-reseller/core';

/** The columns of a ledger row, in the order both stores select them. */
export const COLUMNS =
  'id, account, created_at, status, service_id, service_name, link, quantity, price_cents, charged_cents, currency, order_id, detail, owner, sandbox';

const FIELDS: readonly (readonly [column: string, field: string])[] = [
  ['id', 'id'],
  ['account', 'account'],
  ['created_at', 'createdAt'],
  ['status', 'status'],
  ['service_id', 'serviceId'],
  ['service_name', 'serviceName'],
  ['link', 'link'],
  ['quantity', 'quantity'],
  ['price_cents', 'priceCents'],
  ['charged_cents', 'chargedCents'],
  ['currency', 'currency'],
  ['order_id', 'orderId'],
  ['detail', 'detail'],
  ['owner', 'owner'],
  ['sandbox', 'sandbox'],
];

/**
 * An integer read as a bigint (SQLite) or as decimal text (PostgreSQL's int8) -> a number when it is exact, else the
 * text of it: a value JavaScript cannot hold exactly must not be rounded into a plausible amount.
 */
function exactInteger(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  return value;
}

/** 0/1 (SQLite) or a boolean (PostgreSQL) -> a boolean; anything else is left as it is, for the parser to refuse. */
function flag(value: unknown): unknown {
  if (value === 0 || value === 1) return value === 1;
  return value;
}

/** A row as a database returned it (snake_case columns) -> a plain record with LedgerRow's field names. */
export function recordOf(raw: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const [column, field] of FIELDS) {
    const value = exactInteger(raw[column]);
    record[field] = field === 'sandbox' ? flag(value) : value;
  }
  return record;
}

/** The values of a new or imported row, in COLUMNS order minus id. */
export function valuesOf(
  row: NewLedgerRow | ImportedLedgerRow,
  status: string,
  orderId: number | null,
  detail: string | null,
): [
  string,
  number,
  string,
  number,
  string,
  string,
  number,
  number,
  null,
  string,
  number | null,
  string | null,
  string,
  boolean,
] {
  return [
    row.account,
    row.createdAt,
    status,
    row.serviceId,
    row.serviceName,
    row.link,
    row.quantity,
    row.priceCents,
    null,
    row.currency,
    orderId,
    detail,
    row.owner,
    row.sandbox,
  ];
}

export const INSERT_COLUMNS =
  'account, created_at, status, service_id, service_name, link, quantity, price_cents, charged_cents, currency, order_id, detail, owner, sandbox';
