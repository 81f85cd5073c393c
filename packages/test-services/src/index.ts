// Test infrastructure shared by the workspace's suites. PostgreSQL runs on every machine of this project and in CI
// (127.0.0.1:5432, trust auth); a test file gets a database of its own, with a random suffix, dropped at the end.
// When nothing answers, the test fails with one sentence saying what to start: it never skips, in CI or elsewhere.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server tests use, unless CAPPI_TEST_POSTGRES_URL names another. */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The command that starts this project's PostgreSQL (Debian's cluster), as ENVIRONMENT.md gives it. */
export const START_POSTGRES_COMMAND = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

export interface TestDatabase {
  /** The database's own URL (postgres://user@host:port/name). */
  url: string;
  name: string;
  /** The administrative URL it was created through (same server). */
  adminUrl: string;
  /** Drops the database, ending the connections still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/** The server the tests use: CAPPI_TEST_POSTGRES_URL, or the project's standard one. */
export function testPostgresUrl(): string {
  return process.env.CAPPI_TEST_POSTGRES_URL?.trim() || DEFAULT_TEST_POSTGRES_URL;
}

/** Creates a fresh database named `<prefix>_<random>`; call drop() at the end (afterAll). */
export async function createPostgresDatabase(prefix = 'cappi_test'): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new RangeError(`prefix must be lowercase letters, digits and _ (at most 41), got ${JSON.stringify(prefix)}`);
  }
  const adminUrl = testPostgresUrl();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    adminUrl,
    async drop() {
      if (dropped) return;
      dropped = true;
      await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Runs `task` with a fresh database, dropped afterwards whatever happens. */
export async function withPostgresDatabase<T>(
  task: (database: TestDatabase) => Promise<T>,
  prefix?: string,
): Promise<T> {
  const database = await createPostgresDatabase(prefix);
  try {
    return await task(database);
  } finally {
    await database.drop();
  }
}

/** A short-lived administrative connection; when the server does not answer, one sentence says what to start. */
export async function withAdmin<T>(adminUrl: string, task: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    throw new Error(unreachable(adminUrl, error));
  }
  try {
    return await task(admin);
  } finally {
    await admin.end();
  }
}

function unreachable(adminUrl: string, error: unknown): string {
  const url = new URL(adminUrl);
  url.password = '';
  const reason = error instanceof Error ? error.message : String(error);
  return `PostgreSQL does not answer at ${url.toString()} (${reason}): start it with \`${START_POSTGRES_COMMAND}\`, or set CAPPI_TEST_POSTGRES_URL to a server where this user may create databases.`;
}
