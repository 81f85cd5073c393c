// The client's log: one place decides which lines are written and makes each one safe to show first.

/** How much the client logs: nothing, only errors, also retries (warn), also each answer (info), everything (debug). */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/**
 * Where log lines go: any object with these four methods (`console` is one). Each line is already redacted.
 *
 * @example
 * ```ts
 * const logger: ResellerLogger = { debug() {}, info: console.info, warn: console.warn, error: console.error };
 * ```
 */
export interface ResellerLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The environment variable that turns the client's log on where a runtime has one (`CAPPI_LOG=debug`). */
export const LOG_LEVEL_ENV = 'CAPPI_LOG';

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };

/** A log function per level, each line passed through `scrub` before the logger sees it. */
export type Log = Record<Exclude<LogLevel, 'off'>, (message: string) => void>;

/** Whether a value is one of the log levels. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(RANK, value);
}

/**
 * The level in force: the option when given, else CAPPI_LOG when the runtime has an environment (Node, Deno, Bun;
 * a browser has none, so nothing is read there), else 'warn' when a logger was given, else 'off'.
 */
export function logLevelOf(option: LogLevel | undefined, loggerGiven: boolean): LogLevel {
  if (option !== undefined) return option;
  const fromEnv = environmentVariable(LOG_LEVEL_ENV)?.trim().toLowerCase();
  if (isLogLevel(fromEnv)) return fromEnv;
  return loggerGiven ? 'warn' : 'off';
}

export function createLog(logger: ResellerLogger | undefined, level: LogLevel, scrub: (text: string) => string): Log {
  const sink = logger ?? console;
  const at =
    (name: Exclude<LogLevel, 'off'>) =>
    (message: string): void => {
      if (RANK[name] > RANK[level]) return;
      try {
        sink[name](`[cappi-reseller] ${scrub(message)}`);
      } catch {
        // A broken logger must not turn a working request into a failed one.
      }
    };
  return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

function environmentVariable(name: string): string | undefined {
  const runtime = globalThis as { process?: { env?: Record<string, string | undefined> } };
  return typeof runtime.process?.env === 'object' ? runtime.process.env[name] : undefined;
}
