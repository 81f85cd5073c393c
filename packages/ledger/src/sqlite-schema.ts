// The SQLite ledger's schema, as numbered migrations. Never edit a migration that has shipped: add the next one.
// STRICT tables refuse a value of the wrong type; the CHECKs refuse what the kernel never writes.

export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: the ledger, the imports already done, the indexes the kernel's queries use.
  `CREATE TABLE ledger_rows (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL CHECK (account <> ''),
    created_at INTEGER NOT NULL CHECK (created_at > 0),
    status TEXT NOT NULL CHECK (status IN ('sending', 'placed', 'unknown', 'refused', 'not_placed')),
    service_id INTEGER NOT NULL CHECK (service_id >= 1),
    service_name TEXT NOT NULL,
    link TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    charged_cents INTEGER CHECK (charged_cents >= 0),
    currency TEXT NOT NULL,
    order_id INTEGER,
    detail TEXT,
    owner TEXT NOT NULL,
    sandbox INTEGER NOT NULL CHECK (sandbox IN (0, 1)),
    CHECK (status <> 'placed' OR order_id IS NOT NULL)
  ) STRICT;
  -- rowsSince and recentRows: one account, a time range; cost follows the rows returned, not the ledger's size.
  CREATE INDEX ledger_rows_account_time ON ledger_rows (account, created_at);
  -- rowOfOrder and recordCharge.
  CREATE INDEX ledger_rows_order_id ON ledger_rows (order_id);
  -- sendingRows at start: the few rows still being sent, whatever the ledger's size.
  CREATE INDEX ledger_rows_sending ON ledger_rows (id) WHERE status = 'sending';
  CREATE TABLE ledger_imports (
    source TEXT PRIMARY KEY,
    imported_at INTEGER NOT NULL,
    row_count INTEGER NOT NULL CHECK (row_count >= 0)
  ) STRICT;`,
];
