import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  accountOf,
  type LedgerEntry,
  LedgerLockError,
  LOCK_WAIT_MS,
  openLedger,
  recentIdentical,
  spentToday,
} from './ledger.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempLedgerPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
  dirs.push(dir);
  return join(dir, 'nested', 'ledger.jsonl');
}

function entry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    time: '2030-01-01T10:00:00.000Z',
    account: 'acc',
    outcome: 'placed',
    orderId: 1,
    serviceId: 10,
    serviceName: 'Likes',
    link: 'https://x.example/1',
    quantity: 100,
    charge: 1.25,
    currency: 'USD',
    ...overrides,
  };
}

describe('ledger file', () => {
  it('appends JSON lines that a new process reads back', () => {
    const path = tempLedgerPath();
    openLedger(path).append(entry());
    openLedger(path).append(entry({ orderId: 2 }));
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(
      openLedger(path)
        .entries()
        .map((e) => e.orderId),
    ).toEqual([1, 2]);
  });

  it('is empty before the first order, and skips a torn last line', () => {
    const path = tempLedgerPath();
    const ledger = openLedger(path);
    expect(ledger.entries()).toEqual([]);
    ledger.append(entry());
    appendFileSync(path, '{"time":"2030-01-01T1');
    expect(ledger.entries()).toHaveLength(1);
  });
});

describe('spentToday', () => {
  const now = Date.parse('2030-01-01T23:00:00Z');
  it('sums the UTC day of one account, unknown outcomes included, exactly in cents', () => {
    const entries = [
      entry({ charge: 0.1 }),
      entry({ charge: 0.2, outcome: 'unknown', orderId: null }),
      entry({ charge: 5, account: 'other' }),
      entry({ charge: 7, time: '2029-12-31T23:59:59.000Z' }),
    ];
    expect(spentToday(entries, 'acc', now)).toBe(0.3);
    expect(spentToday(entries, 'acc', Date.parse('2030-01-02T00:00:00Z'))).toBe(0);
  });
});

describe('recentIdentical', () => {
  const now = Date.parse('2030-01-01T10:05:00Z');
  const order = { serviceId: 10, link: 'https://x.example/1', quantity: 100 };
  it('finds the same service, link and quantity within the window, for the same account', () => {
    const entries = [entry()];
    expect(recentIdentical(entries, 'acc', order, now, 600_000)).toEqual(entries[0]);
    expect(recentIdentical(entries, 'acc', order, now, 60_000)).toBeUndefined();
    expect(recentIdentical(entries, 'other', order, now, 600_000)).toBeUndefined();
    expect(recentIdentical(entries, 'acc', { ...order, quantity: 101 }, now, 600_000)).toBeUndefined();
    expect(recentIdentical(entries, 'acc', { ...order, link: 'https://x.example/2' }, now, 600_000)).toBeUndefined();
  });
});

describe('accountOf', () => {
  it('is a short stable fingerprint that does not contain the key', () => {
    const key = 'canary-key-1234567890';
    expect(accountOf(key)).toBe(accountOf(key));
    expect(accountOf(key)).toMatch(/^[0-9a-f]{12}$/);
    expect(accountOf(key)).not.toBe(accountOf(`${key}x`));
  });
});

describe('a ledger that cannot be used', () => {
  it('says so when read, and before an order rather than after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
    dirs.push(dir);
    const ledger = openLedger(dir); // a folder, not a file
    expect(() => ledger.entries()).toThrow(`the order ledger ${dir} cannot be read`);
    expect(() => ledger.assertWritable()).toThrow();
    const fine = openLedger(join(dir, 'sub', 'ledger.jsonl'));
    expect(() => fine.assertWritable()).not.toThrow();
    expect(fine.entries()).toEqual([]);
  });
});

describe('the ledger lock', () => {
  it('lets one holder at a time run, whichever ledger object (or process) asks', async () => {
    const path = tempLedgerPath();
    const events: string[] = [];
    const order = (name: string, ms: number) => async () => {
      events.push(`${name} starts`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push(`${name} ends`);
      return name;
    };
    const results = await Promise.all([
      openLedger(path).exclusive(order('a', 400)),
      openLedger(path).exclusive(order('b', 10)),
    ]);
    expect(results).toEqual(['a', 'b']);
    expect(events).toEqual(['a starts', 'a ends', 'b starts', 'b ends']);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('is released when the task fails', async () => {
    const path = tempLedgerPath();
    const ledger = openLedger(path);
    await expect(ledger.exclusive(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(existsSync(`${path}.lock`)).toBe(false);
    await expect(ledger.exclusive(async () => 'next')).resolves.toBe('next');
  });

  it('refuses, sending nothing, when another holder keeps it past the wait', async () => {
    const path = tempLedgerPath();
    let finish: () => void = () => undefined;
    const holding = openLedger(path).exclusive(() => new Promise<void>((resolve) => (finish = resolve)));
    let sent = false;
    const waiting = openLedger(path, { lockWaitMs: 500 }).exclusive(async () => {
      sent = true;
    });
    await expect(waiting).rejects.toThrow(LedgerLockError);
    await expect(waiting).rejects.toThrow(
      `another server process using the order ledger ${path} did not finish its order within 0.5 s`,
    );
    expect(sent).toBe(false);
    finish();
    await holding;
  });

  it('refuses, sending nothing, when the lock cannot be made at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-test-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'file'), '');
    const path = join(dir, 'file', 'ledger.jsonl'); // its folder would be a file
    let sent = false;
    const refused = openLedger(path).exclusive(async () => {
      sent = true;
    });
    await expect(refused).rejects.toThrow(LedgerLockError);
    await expect(refused).rejects.toThrow(`the lock of the order ledger (${path}.lock) cannot be taken`);
    expect(sent).toBe(false);
  });

  it('takes over the lock of a process that died holding it', async () => {
    const path = tempLedgerPath();
    mkdirSync(`${path}.lock`, { recursive: true });
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, longAgo, longAgo);
    const started = Date.now();
    await expect(openLedger(path).exclusive(async () => 'placed')).resolves.toBe('placed');
    expect(Date.now() - started).toBeLessThan(LOCK_WAIT_MS);
  });
});
