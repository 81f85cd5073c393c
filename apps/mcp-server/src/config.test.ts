import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.js';

const KEY = { CAPPI_API_KEY: 'k-123456' };

describe('parseConfig', () => {
  it('has safe defaults', () => {
    const config = parseConfig([], { ...KEY, XDG_STATE_HOME: '/state' });
    expect(config.mode).toBe('serve');
    expect(config.http).toBeUndefined();
    expect(config.sandbox).toBe(false);
    expect(config.policy).toEqual({
      readOnly: false,
      maxOrderUsd: 10,
      dailyBudgetUsd: 50,
      allowServices: [],
      allowCategories: [],
      allowUnquotedOrders: false,
      requireConfirmation: false,
      quoteTtlMs: 300_000,
      duplicateWindowMs: 600_000,
    });
    expect(config.ledger).toEqual({
      location: join('/state', 'cappi-reseller-mcp', 'ledger.sqlite'),
      importFrom: join('/state', 'cappi-reseller-mcp', 'ledger.jsonl'),
      temporary: false,
    });
    expect(config.retries).toBe(2);
  });

  it('takes the number of read retries from --retries or CAPPI_RETRIES, within 0 to 10', () => {
    expect(parseConfig([], { ...KEY, CAPPI_RETRIES: '6' }).retries).toBe(6);
    expect(parseConfig(['--retries', '0'], { ...KEY, CAPPI_RETRIES: '6' }).retries).toBe(0);
    expect(() => parseConfig(['--retries', '11'], KEY)).toThrow(/--retries must be at most 10/);
    expect(() => parseConfig(['--retries', '1.5'], KEY)).toThrow(/--retries must be an integer >= 0/);
    expect(() => parseConfig([], { ...KEY, CAPPI_RETRIES: '-1' })).toThrow(/--retries must be an integer >= 0/);
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      ...KEY,
      CAPPI_READ_ONLY: '1',
      CAPPI_MAX_ORDER_USD: '2.5',
      CAPPI_DAILY_BUDGET_USD: '7',
      CAPPI_ALLOW: '199825, Steam ,12',
      CAPPI_STATE_DIR: '/s',
    };
    const fromEnv = parseConfig([], env);
    expect(fromEnv.policy.readOnly).toBe(true);
    expect(fromEnv.policy.maxOrderUsd).toBe(2.5);
    expect(fromEnv.policy.dailyBudgetUsd).toBe(7);
    expect(fromEnv.policy.allowServices).toEqual([199825, 12]);
    expect(fromEnv.policy.allowCategories).toEqual(['Steam']);
    expect(fromEnv.ledger.location).toBe(join('/s', 'ledger.sqlite'));

    const fromFlags = parseConfig(['--max-order-usd', '3', '--allow', 'TikTok', '--ledger', '/l.jsonl'], env);
    expect(fromFlags.policy.maxOrderUsd).toBe(3);
    expect(fromFlags.policy.allowCategories).toEqual(['TikTok']);
    expect(fromFlags.policy.allowServices).toEqual([]);
    // A JSON-lines path (an older version's ledger) names the database beside it, and is imported into it.
    expect(fromFlags.ledger).toEqual({ location: '/l.sqlite', importFrom: '/l.jsonl', temporary: false });
  });

  it('says clearly that the key is missing, and how to run without one', () => {
    expect(() => parseConfig([], {})).toThrow(ConfigError);
    expect(() => parseConfig([], {})).toThrow(/CAPPI_API_KEY is not set.*--sandbox/);
    expect(parseConfig(['--sandbox'], {}).sandbox).toBe(true);
    // Over HTTP the key may come per session.
    expect(parseConfig(['--http'], {}).apiKey).toBeUndefined();
  });

  it('gives the sandbox a ledger of its own unless one is given', () => {
    const config = parseConfig(['--sandbox'], { XDG_STATE_HOME: '/state' });
    expect(config.ledger.location).not.toContain('/state');
    expect(config.ledger.temporary).toBe(true);
    const kept = parseConfig(['--sandbox', '--state-dir', '/x'], {});
    expect(kept.ledger.location).toBe(join('/x', 'ledger.sqlite'));
    expect(kept.ledger.temporary).toBe(false);
    expect(parseConfig([], KEY).ledger.temporary).toBe(false);
  });

  it('takes a PostgreSQL ledger from --ledger or CAPPI_LEDGER_URL', () => {
    const url = 'postgres://cappi@db.example:5432/ledger';
    expect(parseConfig(['--ledger', url], KEY).ledger).toEqual({
      location: url,
      importFrom: undefined,
      temporary: false,
    });
    expect(parseConfig([], { ...KEY, CAPPI_LEDGER_URL: url }).ledger.location).toBe(url);
    expect(parseConfig([], { ...KEY, CAPPI_LEDGER: '/l.sqlite' }).ledger.location).toBe('/l.sqlite');
  });

  it('refuses bad values instead of guessing', () => {
    expect(() => parseConfig(['--max-order-usd', 'ten'], KEY)).toThrow(/--max-order-usd must be a number/);
    expect(() => parseConfig(['--daily-budget-usd=-1'], KEY)).toThrow(/>= 0/);
    expect(() => parseConfig(['--http', '--port', '1.5'], KEY)).toThrow(/--port must be an integer/);
    expect(() => parseConfig([], { ...KEY, CAPPI_READ_ONLY: 'maybe' })).toThrow(/CAPPI_READ_ONLY must be 1 or 0/);
    expect(() => parseConfig([], { ...KEY, CAPPI_BASE_URL: 'ftp://x' })).toThrow(/CAPPI_BASE_URL/);
    expect(() => parseConfig(['--bogus'], KEY)).toThrow(/--help/);
  });

  it('binds HTTP to loopback by default and wants a token beyond it', () => {
    const local = parseConfig(['--http'], KEY);
    expect(local.http).toMatchObject({ host: '127.0.0.1', port: 3333, token: undefined });
    expect(() => parseConfig(['--http', '--host', '0.0.0.0'], KEY)).toThrow(/CAPPI_MCP_TOKEN/);
    // A token anyone could guess (the issue found a 1-character one accepted on 0.0.0.0) is refused beyond loopback.
    expect(() => parseConfig(['--http', '--host', '0.0.0.0'], { ...KEY, CAPPI_MCP_TOKEN: 'tok' })).toThrow(
      'refusing to listen on 0.0.0.0 with a bearer token of 3 characters: CAPPI_MCP_TOKEN must have at least 32',
    );
    const token = 'a'.repeat(32);
    const exposed = parseConfig(['--http', '--host', '0.0.0.0'], { ...KEY, CAPPI_MCP_TOKEN: token });
    expect(exposed.http).toMatchObject({ host: '0.0.0.0', token });
    // On loopback a short token is the operator's business.
    expect(parseConfig(['--http'], { ...KEY, CAPPI_MCP_TOKEN: 'tok' }).http?.token).toBe('tok');
  });

  it('reads the HTTP limits, with defaults a stranger cannot exhaust', () => {
    expect(parseConfig(['--http'], KEY).http?.limits).toEqual({
      maxSessions: 1000,
      maxPerClient: 100,
      maxPerKey: 100,
      idleMs: 600_000,
      maxConnections: 1000,
      headersTimeoutMs: 10_000,
      bodyTimeoutMs: 10_000,
    });
    const args = ['--http', '--max-sessions', '20', '--max-sessions-per-client', '5', '--body-timeout', '0.5'];
    const limits = parseConfig(args, { ...KEY, CAPPI_MCP_SESSION_IDLE_SECONDS: '60' }).http?.limits;
    expect(limits).toMatchObject({ maxSessions: 20, maxPerClient: 5, bodyTimeoutMs: 500, idleMs: 60_000 });
    expect(() => parseConfig(['--http', '--max-sessions', '0'], KEY)).toThrow(
      '--max-sessions must be an integer >= 1 (got "0")',
    );
  });

  it('answers --help and --version without needing a key', () => {
    expect(parseConfig(['--help'], {}).mode).toBe('help');
    expect(parseConfig(['-v'], {}).mode).toBe('version');
  });

  it('reads `doctor` (with --json) and needs a key for it, unless --sandbox', () => {
    expect(parseConfig(['doctor'], KEY)).toMatchObject({ mode: 'doctor', json: false, checkApi: false });
    expect(parseConfig(['doctor', '--json'], KEY)).toMatchObject({ mode: 'doctor', json: true });
    expect(parseConfig(['doctor', '--sandbox'], {})).toMatchObject({ mode: 'doctor', sandbox: true });
    expect(() => parseConfig(['doctor'], {})).toThrow(/doctor checks the API with your key: set CAPPI_API_KEY/);
    expect(() => parseConfig(['--json'], KEY)).toThrow(/--json goes with doctor/);
    expect(() => parseConfig(['doctor', 'now'], KEY)).toThrow(/--help/);
  });

  it('runs the API check at start only when asked (--check-api or CAPPI_CHECK_API=1), and only with a key', () => {
    expect(parseConfig([], KEY).checkApi).toBe(false);
    expect(parseConfig(['--check-api'], KEY).checkApi).toBe(true);
    expect(parseConfig([], { ...KEY, CAPPI_CHECK_API: '1' }).checkApi).toBe(true);
    expect(parseConfig(['--http', '--check-api', '--sandbox'], {}).checkApi).toBe(true);
    expect(() => parseConfig(['--http', '--check-api'], {})).toThrow(
      /--check-api checks the API with the configured key/,
    );
  });
});
