import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createPostgresDatabase } from '@cappi-reseller/test-services';
import { afterAll, describe, expect, it } from 'vitest';
import { isPostgresLocation, LedgerUnavailableError, openLedger } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'cappi-ledger-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openLedger', () => {
  it('opens a postgres:// or postgresql:// URL as a PostgreSQL ledger', async () => {
    const database = await createPostgresDatabase('cappi_ledger_open');
    try {
      for (const url of [database.url, database.url.replace(/^postgres:/, 'postgresql:')]) {
        expect(isPostgresLocation(url)).toBe(true);
        const store = await openLedger(url);
        expect(store.location).toBe(url);
        expect('pool' in store).toBe(true);
        await store.close();
      }
    } finally {
      await database.drop();
    }
  });

  it('opens anything else as the path of a SQLite file, relative paths from the working directory', async () => {
    const store = await openLedger(join(root, 'ledger.db'));
    expect(store.location).toBe(join(root, 'ledger.db'));
    expect('path' in store).toBe(true);
    await store.close();
    const relative = await openLedger('some/ledger.db');
    expect(relative.location).toBe(resolve('some/ledger.db'));
    await relative.close();
  });

  it('refuses an empty location, saying what it needs', async () => {
    await expect(openLedger('  ')).rejects.toThrow(LedgerUnavailableError);
    await expect(openLedger('')).rejects.toThrow('the SQLite ledger needs a file path');
  });
});
