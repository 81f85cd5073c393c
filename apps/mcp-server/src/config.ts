// Command line and environment -> one validated Config. Flags win over the environment.
// Every setting is documented in HELP and in the README; a bad value is a startup error, never a guess.
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SpendingPolicy } from '@cappi-reseller/core';
import { DEFAULT_SESSION_LIMITS, type SessionLimits } from './sessions.js';

export const SERVER_NAME = 'cappi-reseller-mcp';

/** Core's spending policy, plus what only this server decides: whether it orders at all, and how. */
export interface ServerPolicy extends SpendingPolicy {
  readOnly: boolean;
  allowUnquotedOrders: boolean;
  requireConfirmation: boolean;
  quoteTtlMs: number;
}

/** Where the order ledger lives: a SQLite file (the default), or a PostgreSQL database shared by several servers. */
export interface LedgerLocation {
  /** A SQLite file path, or a postgres:// URL. */
  location: string;
  /** An older JSON-lines ledger to import once, when there is one at the usual place. */
  importFrom: string | undefined;
  /** The sandbox's own ledger, removed when the server stops. */
  temporary: boolean;
}

export interface HttpOptions {
  port: number;
  host: string;
  /** Bearer token required on every request; mandatory when bound beyond loopback. */
  token: string | undefined;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  /** Replica mode (stateless-http.ts): no session state, so any of several replicas serves any request. */
  stateless: boolean;
  /** Replica mode: how often rows left 'sending' by a replica that died are looked for, ms. */
  recoverySweepMs: number;
  limits: HttpLimits;
}

/** What one client can hold of the server: sessions (see sessions.ts), connections, and time to send a request. */
export interface HttpLimits extends SessionLimits {
  maxConnections: number;
  /** Time to send the request line and headers. */
  headersTimeoutMs: number;
  /** Time to send a request body, once the headers are in: a trickled body is cut off. */
  bodyTimeoutMs: number;
}

/** A bearer token shorter than this is refused when the server is reachable beyond loopback. */
export const MIN_TOKEN_LENGTH = 32;

export interface Config {
  /** `doctor`: run the read-only API check, print its report and exit (see doctor.ts). */
  mode: 'help' | 'version' | 'serve' | 'doctor';
  sandbox: boolean;
  /** Undefined only in sandbox mode (the sandbox provides one) or over HTTP with per-session keys. */
  apiKey: string | undefined;
  baseUrl: string | undefined;
  http: HttpOptions | undefined;
  ledger: LedgerLocation;
  catalogTtlMs: number;
  /** Extra attempts of a failed read (balance, catalog, order status); orders are never retried. */
  retries: number;
  quoteSecret: string | undefined;
  policy: ServerPolicy;
  /** Run the API check before serving and refuse to start when it finds what the server cannot handle. */
  checkApi: boolean;
  /** doctor: print the report as JSON. */
  json: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const HELP = `Usage: cappi-reseller-mcp [options]
       cappi-reseller-mcp doctor [--json] [--sandbox]

MCP server for the Cappi Services Reseller API. Speaks MCP over stdio by default.

Checking the API (read-only: never sends RegisterOrder, spends nothing)
  doctor                          check the API with CAPPI_API_KEY against what the server expects: Balance and
                                  ServicesList against the contract, how an unknown order and a wrong key are
                                  refused, HTTPS, redirects, latency. Prints what matched, what differs and what
                                  each difference means; exits 1 when the server cannot handle a difference.
                                  Run it before the first real order, and when something looks wrong.
  doctor --json                   the same report as JSON, to attach to a bug report (no key, no balance figure)
  --check-api                     run the same check at start and refuse to start (exit 1) when the API differs
                                  in a way the server cannot handle                  env CAPPI_CHECK_API=1

Account
  CAPPI_API_KEY=<key>             the Reseller API key (required unless --sandbox, or --http with per-session keys)
  CAPPI_BASE_URL=<url>            API base URL (default https://cappiservices.com/api/Reseller)
  --sandbox                       run against an embedded sandbox: no account, no money

Transport
  --http                          serve Streamable HTTP at /mcp instead of stdio
  --port <n>                      HTTP port (default 3333)                 env CAPPI_MCP_PORT
  --host <address>                HTTP bind address (default 127.0.0.1)    env CAPPI_MCP_HOST
  --allowed-hosts <a,b>           extra Host names accepted                env CAPPI_MCP_ALLOWED_HOSTS
  --allowed-origins <a,b>         browser Origins accepted                 env CAPPI_MCP_ALLOWED_ORIGINS
  CAPPI_MCP_TOKEN=<token>         bearer token required on every HTTP request (mandatory beyond loopback, and
                                  then at least 32 characters, e.g. \`openssl rand -hex 32\`)
  Over HTTP each session may bring its own API key in the X-Cappi-Api-Key header.
  GET /healthz answers 200 when the server is up and its ledger answers, 503 when not (no token, no key, no data).
  --stateless                     replica mode: no session state, so any of several replicas behind a round-robin
                                  load balancer serves any request; needs --http, a PostgreSQL --ledger and
                                  CAPPI_QUOTE_SECRET (the same on every replica)  env CAPPI_MCP_STATELESS=1
  CAPPI_MCP_RECOVERY_SWEEP_SECONDS=<n>  replica mode: how often orders left "sending" by a replica that died are
                                  looked for and recorded as "unknown" (default 60)
  --max-sessions <n>              open sessions in all (default 1000)      env CAPPI_MCP_MAX_SESSIONS
  --max-sessions-per-client <n>   open sessions of one client address (default 100)
                                                                           env CAPPI_MCP_MAX_SESSIONS_PER_CLIENT
  --max-sessions-per-key <n>      open sessions of one X-Cappi-Api-Key (default 100)
                                                                           env CAPPI_MCP_MAX_SESSIONS_PER_KEY
                                  At a limit, the least recently used idle session of that limit is closed;
                                  a new session is refused (503, Retry-After) only when all are in a request.
  --session-idle <seconds>        close a session idle this long (default 600)  env CAPPI_MCP_SESSION_IDLE_SECONDS
  --max-connections <n>           open HTTP connections (default 1000)     env CAPPI_MCP_MAX_CONNECTIONS
  --headers-timeout <seconds>     time to send request headers (default 10)  env CAPPI_MCP_HEADERS_TIMEOUT_SECONDS
  --body-timeout <seconds>        time to send a request body (default 10) env CAPPI_MCP_BODY_TIMEOUT_SECONDS

Spending guard
  --read-only                     never place orders; register_order is not listed   env CAPPI_READ_ONLY=1
  --max-order-usd <n>             refuse any single order above this (default 10)    env CAPPI_MAX_ORDER_USD
  --daily-budget-usd <n>          refuse orders past this total per UTC day (default 50)  env CAPPI_DAILY_BUDGET_USD
  --allow <ids,categories>        only these service ids and/or categories           env CAPPI_ALLOW
  --allow-unquoted-orders         let register_order take service, link, quantity without a quote
                                                                                     env CAPPI_ALLOW_UNQUOTED_ORDERS=1
  --require-confirmation          refuse orders when the client cannot ask the person to confirm
                                                                                     env CAPPI_REQUIRE_CONFIRMATION=1
  --quote-ttl <seconds>           how long a quote stays valid (default 300)         env CAPPI_QUOTE_TTL_SECONDS
  --duplicate-window <seconds>    refuse an identical order within this (default 600) env CAPPI_DUPLICATE_WINDOW_SECONDS
  CAPPI_QUOTE_SECRET=<secret>     HMAC secret for quote ids (default: random per process)

State
  --state-dir <dir>               default \${XDG_STATE_HOME:-~/.local/state}/cappi-reseller-mcp   env CAPPI_STATE_DIR
  --ledger <file|url>             the order ledger: a SQLite file (default <state-dir>/ledger.sqlite; with --sandbox a
                                  fresh temporary one), or postgres://user@host/db so that several servers share
                                  one daily budget                          env CAPPI_LEDGER_URL or CAPPI_LEDGER
                                  (a ledger.jsonl of an older version is imported once, and left in place)
  --catalog-ttl <seconds>         how long the catalog is cached (default 300)       env CAPPI_CATALOG_TTL_SECONDS
  --retries <n>                   extra attempts of a failed read, 0 to 10 (default 2); orders are never retried
                                                                                     env CAPPI_RETRIES

  -h, --help                      this text
  -v, --version                   the version
`;

type Env = Readonly<Record<string, string | undefined>>;

function flagOrEnv(flag: string | undefined, env: Env, name: string): string | undefined {
  if (flag !== undefined) return flag;
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function bool(flag: boolean | undefined, env: Env, name: string): boolean {
  if (flag) return true;
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '' || value === '0' || value === 'false' || value === 'no') return false;
  if (value === '1' || value === 'true' || value === 'yes') return true;
  throw new ConfigError(`${name} must be 1 or 0 (got "${env[name]}")`);
}

function number(
  raw: string | undefined,
  what: string,
  fallback: number,
  opts: { min: number; integer?: boolean },
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < opts.min || (opts.integer && !Number.isInteger(value))) {
    const kind = opts.integer ? 'an integer' : 'a number';
    throw new ConfigError(`${what} must be ${kind} >= ${opts.min} (got "${raw}")`);
  }
  return value;
}

function list(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host === '[::1]';
}

export function defaultStateDir(env: Env): string {
  const base = env.XDG_STATE_HOME?.trim() || join(homedir(), '.local', 'state');
  return join(base, SERVER_NAME);
}

export function parseConfig(argv: readonly string[], env: Env): Config {
  const doctor = argv[0] === 'doctor';
  let parsed: ReturnType<typeof parseFlags>;
  try {
    parsed = parseFlags(doctor ? argv.slice(1) : argv);
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run with --help for the options.`);
  }
  const flags = parsed.values;
  const mode = flags.help ? 'help' : flags.version ? 'version' : doctor ? 'doctor' : 'serve';
  if (flags.json && mode !== 'doctor')
    throw new ConfigError('--json goes with doctor: cappi-reseller-mcp doctor --json');

  const sandbox = flags.sandbox === true;
  const useHttp = flags.http === true;
  const apiKey = env.CAPPI_API_KEY?.trim() || undefined;
  const baseUrl = env.CAPPI_BASE_URL?.trim() || undefined;
  if (baseUrl !== undefined && !/^https?:\/\//.test(baseUrl)) {
    throw new ConfigError(`CAPPI_BASE_URL must start with http:// or https:// (got "${baseUrl}")`);
  }
  if (mode === 'serve' && !sandbox && !useHttp && apiKey === undefined) {
    throw new ConfigError(
      'CAPPI_API_KEY is not set. Set it to your Cappi Services Reseller API key, or run with --sandbox to try the server with no account.',
    );
  }
  if (mode === 'doctor' && !sandbox && apiKey === undefined) {
    throw new ConfigError(
      'doctor checks the API with your key: set CAPPI_API_KEY to your Cappi Services Reseller API key (or add --sandbox to see a report against the embedded sandbox).',
    );
  }
  const checkApi = bool(flags['check-api'], env, 'CAPPI_CHECK_API');
  if (checkApi && mode === 'serve' && !sandbox && apiKey === undefined) {
    throw new ConfigError(
      '--check-api checks the API with the configured key, and none is set: set CAPPI_API_KEY (sessions that bring their own key are not checked).',
    );
  }

  const stateless = bool(flags.stateless, env, 'CAPPI_MCP_STATELESS');
  let http: HttpOptions | undefined;
  if (useHttp) {
    const host = flagOrEnv(flags.host, env, 'CAPPI_MCP_HOST') ?? '127.0.0.1';
    const token = env.CAPPI_MCP_TOKEN?.trim() || undefined;
    if (!isLoopback(host) && token === undefined) {
      throw new ConfigError(
        `refusing to listen on ${host} without a bearer token: set CAPPI_MCP_TOKEN, or bind to 127.0.0.1 (the default)`,
      );
    }
    if (!isLoopback(host) && token !== undefined && token.length < MIN_TOKEN_LENGTH) {
      throw new ConfigError(
        `refusing to listen on ${host} with a bearer token of ${token.length} characters: CAPPI_MCP_TOKEN must have at least ${MIN_TOKEN_LENGTH} (for instance the output of \`openssl rand -hex 32\`), or bind to 127.0.0.1 (the default)`,
      );
    }
    http = {
      host,
      port: number(flagOrEnv(flags.port, env, 'CAPPI_MCP_PORT'), '--port', 3333, { min: 0, integer: true }),
      token,
      allowedHosts: list(flagOrEnv(flags['allowed-hosts'], env, 'CAPPI_MCP_ALLOWED_HOSTS')),
      allowedOrigins: list(flagOrEnv(flags['allowed-origins'], env, 'CAPPI_MCP_ALLOWED_ORIGINS')),
      stateless,
      recoverySweepMs:
        number(env.CAPPI_MCP_RECOVERY_SWEEP_SECONDS?.trim() || undefined, 'CAPPI_MCP_RECOVERY_SWEEP_SECONDS', 60, {
          min: 1,
        }) * 1000,
      limits: httpLimits(flags, env),
    };
  } else if (stateless) {
    throw new ConfigError('--stateless is a mode of the HTTP server: add --http');
  }

  const allow = list(flagOrEnv(flags.allow, env, 'CAPPI_ALLOW'));
  const policy: ServerPolicy = {
    readOnly: bool(flags['read-only'], env, 'CAPPI_READ_ONLY'),
    maxOrderUsd: number(flagOrEnv(flags['max-order-usd'], env, 'CAPPI_MAX_ORDER_USD'), '--max-order-usd', 10, {
      min: 0,
    }),
    dailyBudgetUsd: number(
      flagOrEnv(flags['daily-budget-usd'], env, 'CAPPI_DAILY_BUDGET_USD'),
      '--daily-budget-usd',
      50,
      { min: 0 },
    ),
    allowServices: allow.filter((item) => /^\d+$/.test(item)).map(Number),
    allowCategories: allow.filter((item) => !/^\d+$/.test(item)),
    allowUnquotedOrders: bool(flags['allow-unquoted-orders'], env, 'CAPPI_ALLOW_UNQUOTED_ORDERS'),
    requireConfirmation: bool(flags['require-confirmation'], env, 'CAPPI_REQUIRE_CONFIRMATION'),
    quoteTtlMs:
      number(flagOrEnv(flags['quote-ttl'], env, 'CAPPI_QUOTE_TTL_SECONDS'), '--quote-ttl', 300, { min: 1 }) * 1000,
    duplicateWindowMs:
      number(flagOrEnv(flags['duplicate-window'], env, 'CAPPI_DUPLICATE_WINDOW_SECONDS'), '--duplicate-window', 600, {
        min: 0,
      }) * 1000,
  };

  const ledger = ledgerLocation(
    flagOrEnv(flags.ledger, env, 'CAPPI_LEDGER_URL') ?? flagOrEnv(undefined, env, 'CAPPI_LEDGER'),
    flagOrEnv(flags['state-dir'], env, 'CAPPI_STATE_DIR'),
    sandbox,
    env,
  );

  const quoteSecret = env.CAPPI_QUOTE_SECRET?.trim() || undefined;
  if (stateless) checkReplicaMode(ledger.location, quoteSecret, policy);

  return {
    mode,
    sandbox,
    apiKey,
    baseUrl,
    http,
    ledger,
    catalogTtlMs:
      number(flagOrEnv(flags['catalog-ttl'], env, 'CAPPI_CATALOG_TTL_SECONDS'), '--catalog-ttl', 300, { min: 0 }) *
      1000,
    retries: retriesOf(flagOrEnv(flags.retries, env, 'CAPPI_RETRIES')),
    quoteSecret,
    policy,
    checkApi,
    json: flags.json === true,
  };
}

/**
 * What replica mode needs (contributing/decisions/replica-mode.md): one ledger every replica reaches, quotes every
 * replica can check, and no confirmation that would have to come back to the replica that asked.
 */
function checkReplicaMode(ledger: string, quoteSecret: string | undefined, policy: ServerPolicy): void {
  if (!/^postgres(ql)?:\/\//i.test(ledger)) {
    throw new ConfigError(
      '--stateless needs the order ledger in PostgreSQL (--ledger postgres://user@host/db, or CAPPI_LEDGER_URL): ' +
        'replicas on several machines cannot share a SQLite file, and each would keep a daily budget of its own',
    );
  }
  if (quoteSecret === undefined) {
    throw new ConfigError(
      '--stateless needs CAPPI_QUOTE_SECRET, the same on every replica: a quote made by one replica must be accepted by the replica that places the order',
    );
  }
  if (policy.requireConfirmation) {
    throw new ConfigError(
      '--require-confirmation cannot be used with --stateless: confirmation asks the person through MCP elicitation, ' +
        'whose answer must come back to the replica that asked, which a round-robin load balancer cannot ensure; ' +
        'orders are confirmed with signed quotes (quote_order, then register_order) instead',
    );
  }
}

/**
 * The ledger's location. A JSON-lines path (what versions before the database took) names the database beside it
 * (same name, .sqlite) and is imported into it once; the default is <state-dir>/ledger.sqlite, importing
 * <state-dir>/ledger.jsonl when one is there.
 */
function ledgerLocation(given: string | undefined, stateDir: string | undefined, sandbox: boolean, env: Env) {
  if (given !== undefined && /^postgres(ql)?:\/\//i.test(given)) {
    return { location: given, importFrom: undefined, temporary: false };
  }
  if (given?.endsWith('.jsonl')) {
    return { location: `${given.slice(0, -'.jsonl'.length)}.sqlite`, importFrom: given, temporary: false };
  }
  if (given !== undefined) return { location: given, importFrom: undefined, temporary: false };
  // The embedded sandbox forgets everything on exit, so its orders must not count against the real budget or
  // trip the duplicate check of a later run: a fresh ledger per run unless one is given.
  if (sandbox && stateDir === undefined) {
    const dir = join(tmpdir(), `${SERVER_NAME}-sandbox-${process.pid}-${Date.now()}`);
    return { location: join(dir, 'ledger.sqlite'), importFrom: undefined, temporary: true };
  }
  const dir = stateDir ?? defaultStateDir(env);
  return { location: join(dir, 'ledger.sqlite'), importFrom: join(dir, 'ledger.jsonl'), temporary: false };
}

function httpLimits(flags: ReturnType<typeof parseFlags>['values'], env: Env): HttpLimits {
  const count = (flag: string | undefined, name: string, what: string, fallback: number) =>
    number(flagOrEnv(flag, env, name), what, fallback, { min: 1, integer: true });
  const seconds = (flag: string | undefined, name: string, what: string, fallbackMs: number) =>
    number(flagOrEnv(flag, env, name), what, fallbackMs / 1000, { min: 0.1 }) * 1000;
  const defaults = DEFAULT_SESSION_LIMITS;
  return {
    maxSessions: count(flags['max-sessions'], 'CAPPI_MCP_MAX_SESSIONS', '--max-sessions', defaults.maxSessions),
    maxPerClient: count(
      flags['max-sessions-per-client'],
      'CAPPI_MCP_MAX_SESSIONS_PER_CLIENT',
      '--max-sessions-per-client',
      defaults.maxPerClient,
    ),
    maxPerKey: count(
      flags['max-sessions-per-key'],
      'CAPPI_MCP_MAX_SESSIONS_PER_KEY',
      '--max-sessions-per-key',
      defaults.maxPerKey,
    ),
    idleMs: seconds(flags['session-idle'], 'CAPPI_MCP_SESSION_IDLE_SECONDS', '--session-idle', defaults.idleMs),
    maxConnections: count(flags['max-connections'], 'CAPPI_MCP_MAX_CONNECTIONS', '--max-connections', 1_000),
    headersTimeoutMs: seconds(
      flags['headers-timeout'],
      'CAPPI_MCP_HEADERS_TIMEOUT_SECONDS',
      '--headers-timeout',
      10_000,
    ),
    bodyTimeoutMs: seconds(flags['body-timeout'], 'CAPPI_MCP_BODY_TIMEOUT_SECONDS', '--body-timeout', 10_000),
  };
}

/** Each retry waits (backoff, or a Retry-After up to 5 s): more than 10 would outlast a client's request timeout. */
export const MAX_RETRIES = 10;

function retriesOf(raw: string | undefined): number {
  const retries = number(raw, '--retries', 2, { min: 0, integer: true });
  if (retries > MAX_RETRIES) throw new ConfigError(`--retries must be at most ${MAX_RETRIES} (got "${raw}")`);
  return retries;
}

function parseFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      sandbox: { type: 'boolean' },
      http: { type: 'boolean' },
      port: { type: 'string' },
      host: { type: 'string' },
      'allowed-hosts': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'max-sessions': { type: 'string' },
      'max-sessions-per-client': { type: 'string' },
      'max-sessions-per-key': { type: 'string' },
      'session-idle': { type: 'string' },
      'max-connections': { type: 'string' },
      'headers-timeout': { type: 'string' },
      'body-timeout': { type: 'string' },
      'read-only': { type: 'boolean' },
      'max-order-usd': { type: 'string' },
      'daily-budget-usd': { type: 'string' },
      allow: { type: 'string' },
      'allow-unquoted-orders': { type: 'boolean' },
      'require-confirmation': { type: 'boolean' },
      'quote-ttl': { type: 'string' },
      'duplicate-window': { type: 'string' },
      'state-dir': { type: 'string' },
      ledger: { type: 'string' },
      'catalog-ttl': { type: 'string' },
      retries: { type: 'string' },
      'check-api': { type: 'boolean' },
      stateless: { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
}
