// The JSON-lines ledger of earlier MCP server versions (one JSON object per line, appended per order), imported
// once into a ledger database so that the orders it holds keep counting. Lines that are not a ledger entry are
// reported with their number and why, never dropped silently; the old file is left as it was.
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ImportedLedgerRow, OrderLedgerStore } from '@cappi-reseller/core';
import { LedgerUnavailableError, reasonOf } from './errors.js';

export interface JsonLinesImportOptions {
  /** Removes secrets from text written to the ledger (as the kernel's `scrub`). */
  scrub?: (text: string) => string;
}

/** A line of the old ledger that could not be imported. */
export interface DamagedLine {
  /** 1-based. */
  line: number;
  /** Which field is wrong and what was expected; the line's content is not repeated (it could hold anything). */
  reason: string;
}

export interface JsonLinesImport {
  /** The import's name in the database: `jsonl:` and the file's absolute path. */
  source: string;
  /** `no_file`: nothing to import; `already_imported`: done by an earlier start (the file was not read). */
  status: 'imported' | 'already_imported' | 'no_file';
  /** Rows written now. */
  imported: number;
  damaged: DamagedLine[];
}

/** Owner of imported rows: no process is sending them. */
export const IMPORTED_OWNER = 'import:jsonl';

/**
 * Imports the JSON-lines ledger at `path` into `store`, once: a second call (from this process or another) finds
 * it imported and reads nothing. An entry keeps its time, account, outcome, order id, service, link, quantity,
 * charge (as priceCents), currency and sandbox flag.
 */
export async function importJsonLinesLedger(
  store: OrderLedgerStore,
  path: string,
  options: JsonLinesImportOptions = {},
): Promise<JsonLinesImport> {
  const file = resolve(path);
  const source = `jsonl:${file}`;
  const scrub = options.scrub ?? ((text: string) => text);
  if (await store.wasImported(source)) return { source, status: 'already_imported', imported: 0, damaged: [] };

  const rows: ImportedLedgerRow[] = [];
  const damaged: DamagedLine[] = [];
  let lineNumber = 0;
  try {
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const entry = entryOf(line, file);
      if (typeof entry === 'string') damaged.push({ line: lineNumber, reason: entry });
      else rows.push({ ...entry, serviceName: scrub(entry.serviceName), link: scrub(entry.link) });
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { source, status: 'no_file', imported: 0, damaged };
    throw new LedgerUnavailableError(
      `the old order ledger ${file} cannot be read (${reasonOf(error)}); make it readable, or move it away if its orders need not count`,
    );
  }
  const imported = await store.importRows(source, rows);
  return imported
    ? { source, status: 'imported', imported: rows.length, damaged }
    : { source, status: 'already_imported', imported: 0, damaged: [] };
}

/** One line -> a row, or why it is not a ledger entry. */
function entryOf(line: string, file: string): ImportedLedgerRow | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (a write cut short?)';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `not an object but ${kindOf(value)}`;
  const entry = value as Record<string, unknown>;
  const wrong = (field: string, expected: string) => `${field} is ${kindOf(entry[field])}, expected ${expected}`;
  const createdAt = typeof entry.time === 'string' ? Date.parse(entry.time) : Number.NaN;
  if (!(createdAt > 0)) return wrong('time', 'an ISO date');
  if (typeof entry.account !== 'string' || entry.account === '') return wrong('account', 'a non-empty string');
  if (entry.outcome !== 'placed' && entry.outcome !== 'unknown') return wrong('outcome', '"placed" or "unknown"');
  const orderId = entry.orderId ?? null;
  if (orderId !== null && !isWhole(orderId, 0)) return wrong('orderId', 'a whole number or null');
  if (entry.outcome === 'placed' && orderId === null) return wrong('orderId', 'the id of the placed order');
  if (!isWhole(entry.serviceId, 1)) return wrong('serviceId', 'a whole number >= 1');
  if (typeof entry.serviceName !== 'string') return wrong('serviceName', 'a string');
  if (typeof entry.link !== 'string') return wrong('link', 'a string');
  if (!isWhole(entry.quantity, 1)) return wrong('quantity', 'a whole number >= 1');
  if (typeof entry.charge !== 'number' || !(entry.charge >= 0) || !Number.isFinite(entry.charge)) {
    return wrong('charge', 'a number of USD >= 0');
  }
  if (typeof entry.currency !== 'string') return wrong('currency', 'a string');
  if (entry.sandbox !== undefined && typeof entry.sandbox !== 'boolean') return wrong('sandbox', 'true or absent');
  return {
    account: entry.account,
    createdAt,
    status: entry.outcome,
    orderId: orderId as number | null,
    detail:
      entry.outcome === 'unknown' ? `imported from ${file}: the outcome was unknown (it may have been placed)` : null,
    serviceId: entry.serviceId as number,
    serviceName: entry.serviceName,
    link: entry.link,
    quantity: entry.quantity as number,
    priceCents: Math.round(entry.charge * 100),
    currency: entry.currency,
    owner: IMPORTED_OWNER,
    sandbox: entry.sandbox === true,
  };
}

function isWhole(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

/** What a value is, without repeating it. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return String(value);
  const kind = typeof value;
  return kind === 'object' ? 'an object' : `a ${kind}`;
}
