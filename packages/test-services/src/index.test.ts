import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase, START_POSTGRES_COMMAND, testPostgresUrl, withAdmin } from './index.js';

describe('a PostgreSQL database per test file', () => {
  it('is created with a random suffix, usable, and gone after drop()', async () => {
    const database = await createPostgresDatabase('cappi_selftest');
    const other = await createPostgresDatabase('cappi_selftest');
    expect(database.name).toMatch(/^cappi_selftest_[0-9a-f]{10}$/);
    expect(other.name).not.toBe(database.name);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    expect((await client.query('SELECT current_database() AS name')).rows[0].name).toBe(database.name);
    // drop() ends connections still open (a test that forgot to close its pool must not leave a database behind)
    client.on('error', () => undefined);
    await database.drop();
    await other.drop();
    await database.drop(); // twice is fine
    const left = await withAdmin(testPostgresUrl(), (admin) =>
      admin.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [[database.name, other.name]]),
    );
    expect(left.rows).toEqual([]);
  });

  it('says in one sentence what to start when nothing answers', async () => {
    const error = await withAdmin('postgres://postgres@127.0.0.1:1/postgres', async () => 'connected').catch(
      (caught: Error) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain(START_POSTGRES_COMMAND);
    expect(message).toContain('postgres://postgres@127.0.0.1:1/postgres');
    expect(message.split(/\.\s/)).toHaveLength(1);
  });
});
