// The PostgreSQL ledger's schema, as numbered migrations. Never edit a migration that has shipped: add the next one.
// The tables are prefixed: a team's database is often shared with other applications.

export const ROWS = 'cappi_ledger_rows';
export const IMPORTS = 'cappi_ledger_imports';
export const SCHEMA = 'cappi_ledger_schema';

export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: the ledger, the imports already done, the indexes the kernel's queries use.
  `CREATE TABLE ${ROWS} (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account text NOT NULL CHECK (account <> ''),
    created_at bigint NOT NULL CHECK (created_at > 0),
    status text NOT NULL CHECK (status IN ('sending', 'placed', 'unknown', 'refused', 'not_placed')),
    service_id bigint NOT NULL CHECK (service_id >= 1),
    service_name text NOT NULL,
    link text NOT NULL,
    quantity bigint NOT NULL CHECK (quantity >= 1),
    price_cents bigint NOT NULL CHECK (price_cents >= 0),
    charged_cents bigint CHECK (charged_cents >= 0),
    currency text NOT NULL,
    order_id bigint,
    detail text,
    owner text NOT NULL,
    sandbox boolean NOT NULL,
    CHECK (status <> 'placed' OR order_id IS NOT NULL)
  );
  -- rowsSince and recentRows: one account, a time range; cost follows the rows returned, not the ledger's size.
  CREATE INDEX ${ROWS}_account_time ON ${ROWS} (account, created_at);
  -- rowOfOrder and recordCharge.
  CREATE INDEX ${ROWS}_order_id ON ${ROWS} (order_id);
  -- sendingRows at start: the few rows still being sent, whatever the ledger's size.
  CREATE INDEX ${ROWS}_sending ON ${ROWS} (id) WHERE status = 'sending';
  CREATE TABLE ${IMPORTS} (
    source text PRIMARY KEY,
    imported_at bigint NOT NULL,
    row_count integer NOT NULL CHECK (row_count >= 0)
  );`,
];
