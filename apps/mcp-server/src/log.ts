// Logs go to stderr, never stdout (stdout is the protocol over stdio), and pass through core's redact(): the process's
// keys (the configured one, the sandbox's) on every line, a session's own key on the lines of that session. A key
// some session brings is never a process-wide secret: it could otherwise change what every other session sees.
import { redact } from '@cappi-reseller/core';

export interface Logger {
  info(message: string): void;
  /** Registers a key of the whole process (the configured one), scrubbed from every later line and answer. */
  addSecret(secret: string): void;
  /** The process-wide secrets, plus those of the session this logger belongs to. */
  secrets(): readonly string[];
  /** A logger for one session: the same output, also scrubbing that session's own secrets. */
  withSecrets(sessionSecrets: readonly string[]): Logger;
}

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  return loggerOf(write, new Set<string>(), []);
}

function loggerOf(write: (line: string) => void, global: Set<string>, own: readonly string[]): Logger {
  const secrets = () => [...global, ...own];
  return {
    info(message) {
      write(`[cappi-reseller-mcp] ${redact(message, secrets())}\n`);
    },
    addSecret(secret) {
      global.add(secret);
    },
    secrets,
    withSecrets(sessionSecrets) {
      return loggerOf(write, global, [...own, ...sessionSecrets]);
    },
  };
}
