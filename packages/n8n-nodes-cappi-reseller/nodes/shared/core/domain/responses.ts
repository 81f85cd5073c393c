// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/responses.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import { InvalidResponseError } from './errors.js';
import type { Balance, OperationName, OrderStatus, RegisterOrderResult, Service } from './types.js';

// Checks that a 200 answer has the shape the contract promises before anyone relies on it. A body of another
// shape means the API (or something in between) is not what we think it is: better an error than a wrong number.

/** Checks a Balance answer against the contract (a finite `balance`, a text `currency`); throws InvalidResponseError saying what is wrong. */
export function parseBalance(data: unknown): Balance {
  const record = object('Balance', data, 'the balance');
  finite('Balance', record, 'balance', 'the balance');
  text('Balance', record, 'currency', 'the balance');
  return record as Balance;
}

/** Checks a ServicesList answer: a list of services with whole-number ids and limits, text names and a numeric `rate` when present. */
export function parseServices(data: unknown): Service[] {
  if (!Array.isArray(data)) throw invalid('ServicesList', `the catalog is not a list (got ${kind(data)})`);
  data.forEach((entry, index) => {
    const where = `service #${index + 1} of the catalog`;
    const record = object('ServicesList', entry, where);
    integer('ServicesList', record, 'service', where);
    text('ServicesList', record, 'category', where);
    text('ServicesList', record, 'name', where);
    integer('ServicesList', record, 'min', where);
    integer('ServicesList', record, 'max', where);
    if (record.rate !== undefined) finite('ServicesList', record, 'rate', where);
    if (record.desc !== undefined && record.desc !== null) text('ServicesList', record, 'desc', where);
  });
  return data as Service[];
}

/** Checks an OrderStatus answer: all eight fields, `mode` and `observation` text or null; throws InvalidResponseError saying what is wrong. */
export function parseOrderStatus(data: unknown): OrderStatus {
  const where = 'the order status';
  const record = object('OrderStatus', data, where);
  text('OrderStatus', record, 'status', where);
  finite('OrderStatus', record, 'charge', where);
  finite('OrderStatus', record, 'walletReturn', where);
  integer('OrderStatus', record, 'success', where);
  integer('OrderStatus', record, 'failed', where);
  text('OrderStatus', record, 'currency', where);
  for (const field of ['mode', 'observation']) {
    if (record[field] !== null) text('OrderStatus', record, field, where);
  }
  return record as OrderStatus;
}

/** Checks a RegisterOrder answer: a boolean `success`, and well-typed `orderId`, `insufficientFunds` and `error` when present. */
export function parseRegisterOrderResult(data: unknown): RegisterOrderResult {
  const where = 'the order result';
  const record = object('RegisterOrder', data, where);
  if (typeof record.success !== 'boolean') throw missing('RegisterOrder', 'success', where, record.success);
  if (record.orderId !== undefined && record.orderId !== null) integer('RegisterOrder', record, 'orderId', where);
  if (record.insufficientFunds !== undefined && typeof record.insufficientFunds !== 'boolean') {
    throw missing('RegisterOrder', 'insufficientFunds', where, record.insufficientFunds);
  }
  if (record.error !== undefined && record.error !== null) text('RegisterOrder', record, 'error', where);
  return record as RegisterOrderResult;
}

function object(operation: OperationName, data: unknown, where: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid(operation, `${where} is not an object (got ${kind(data)})`);
  }
  return data as Record<string, unknown>;
}

function finite(operation: OperationName, record: Record<string, unknown>, field: string, where: string): void {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw missing(operation, field, where, value);
}

function integer(operation: OperationName, record: Record<string, unknown>, field: string, where: string): void {
  const value = record[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw missing(operation, field, where, value);
}

function text(operation: OperationName, record: Record<string, unknown>, field: string, where: string): void {
  if (typeof record[field] !== 'string') throw missing(operation, field, where, record[field]);
}

function missing(operation: OperationName, field: string, where: string, value: unknown): InvalidResponseError {
  return invalid(operation, `${where} has no valid '${field}' (got ${kind(value)})`);
}

function invalid(operation: OperationName, problem: string): InvalidResponseError {
  // A malformed answer to a read may be a glitch in between: reading again is safe, so it is retryable.
  return new InvalidResponseError(`the API answered ${operation} with an unexpected body: ${problem}`, {
    operation,
    retryable: operation !== 'RegisterOrder',
  });
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string')
    return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a value of type ${typeof value}`;
}
