/** The ledger cannot be opened, read or written. The message names the ledger (never a password) and what to do. */
export class LedgerUnavailableError extends Error {
  override name = 'LedgerUnavailableError';
}

/** The text of a thrown value, for a message. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const { code } = error as { code?: unknown };
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
