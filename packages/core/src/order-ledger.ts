// The order ledger, as the money kernel sees it: a database that records every order attempt before it is sent.
// Only the interface lives here (core stays free of I/O and dependencies); @cappi-reseller/ledger implements it on
// SQLite (embedded) and PostgreSQL (shared by several processes on several machines).

/** A row written before an order is sent: its status starts as 'sending'. */
export interface NewLedgerRow {
  /** A fingerprint of the API key (accountFingerprint), never the key. */
  account: string;
  /** Epoch ms: decides the UTC day the order counts on. */
  createdAt: number;
  serviceId: number;
  /** Redacted before it is written: an upstream could echo a key into catalog data. */
  serviceName: string;
  link: string;
  quantity: number;
  /** The price by the catalog's rate read just before sending, in cents. */
  priceCents: number;
  currency: string;
  /** Which process writes it (see LedgerRow.owner). */
  owner: string;
  sandbox: boolean;
}

/** What became of a row's order once its answer (or the lack of one) is known. */
export type LedgerSettlement =
  | { status: 'placed'; orderId: number }
  | { status: 'refused' | 'not_placed' | 'unknown'; detail: string };

/** A finished row of an older ledger, imported as it was. */
export interface ImportedLedgerRow extends NewLedgerRow {
  status: 'placed' | 'unknown';
  orderId: number | null;
  detail: string | null;
}

/**
 * Storage of the order ledger. Every method may throw when the database cannot be reached, read or written; the
 * kernel then sends nothing. Rows come back as stored (plain records with LedgerRow's field names) and are validated
 * by the caller with parseLedgerRow, so a damaged row is refused in one place whatever the database.
 */
export interface OrderLedgerStore {
  /** Where the ledger lives, for messages: a file path, or a database URL without its password. */
  readonly location: string;
  /** The account's rows created at or after `since` (epoch ms), oldest first. Uses an index: cost grows with the
   * rows returned, not with the size of the ledger. */
  rowsSince(account: string, since: number): Promise<unknown[]>;
  /**
   * In one transaction, serialised with every other reserve of the same account (in this process, in other
   * processes, on other machines sharing the database): reads the account's rows since `since`, passes them to
   * `decide`, and when it returns undefined inserts `row` with status 'sending' and returns the new row's id. When
   * `decide` returns a refusal or throws, nothing is written.
   */
  reserve<R>(
    row: NewLedgerRow,
    since: number,
    decide: (rows: unknown[]) => R | undefined,
  ): Promise<{ id: number } | { refusal: R }>;
  /** Records what became of a row's order. */
  settle(id: number, settlement: LedgerSettlement): Promise<void>;
  /** The account's most recent rows, newest first, at most `limit` (an index, whatever the ledger's size). */
  recentRows(account: string, limit: number): Promise<unknown[]>;
  /** The account's row of an order id, if the ledger has one. */
  rowOfOrder(account: string, orderId: number): Promise<unknown | undefined>;
  /** Keeps what the API reported as charged for an order of the account; false when the order is not in the ledger. */
  recordCharge(account: string, orderId: number, chargedCents: number): Promise<boolean>;
  /** Every row still 'sending', of any account. */
  sendingRows(): Promise<unknown[]>;
  /** Turns a row that is still 'sending' into 'unknown' with `detail`; false when it was settled meanwhile. */
  markUnknown(id: number, detail: string): Promise<boolean>;
  /** Whether rows from `source` were imported (importRows), so an importer need not read the old ledger again. */
  wasImported(source: string): Promise<boolean>;
  /** Writes rows of an older ledger in one transaction, once per `source`; false when `source` was imported before. */
  importRows(source: string, rows: readonly ImportedLedgerRow[]): Promise<boolean>;
  /** Reaches the database with a trivial query (a health check): resolves when it answers, rejects when it cannot
   * be reached. Reads and writes nothing. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
