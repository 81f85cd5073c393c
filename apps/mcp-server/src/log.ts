// Logs go to stderr, never stdout (stdout is the protocol over stdio), and pass through core's redact()
// with every key the process has seen, so no line can carry one.
import { redact } from '@cappi-reseller/core';

export interface Logger {
  info(message: string): void;
  /** Registers a key to scrub from every later line and answer. */
  addSecret(secret: string): void;
  /** Forgets a key no session uses any more. */
  removeSecret(secret: string): void;
  secrets(): readonly string[];
}

export function createLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const secrets = new Set<string>();
  return {
    info(message) {
      write(`[cappi-reseller-mcp] ${redact(message, [...secrets])}\n`);
    },
    addSecret(secret) {
      secrets.add(secret);
    },
    removeSecret(secret) {
      secrets.delete(secret);
    },
    secrets() {
      return [...secrets];
    },
  };
}
