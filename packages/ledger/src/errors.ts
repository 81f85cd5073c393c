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

/**
 * Errors thrown by a caller's own code run inside a store's transaction (reserve's `decide`): they reach the caller
 * unchanged (a LedgerDataError must stay one), not wrapped as a database failure.
 */
export const callerErrors = new WeakSet<object>();

/** Calls `decide`, marking what it throws as the caller's. */
export function callDecide<R>(decide: (rows: unknown[]) => R | undefined, rows: unknown[]): R | undefined {
  try {
    return decide(rows);
  } catch (error) {
    if (typeof error === 'object' && error !== null) callerErrors.add(error);
    throw error;
  }
}

export function isCallerError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && callerErrors.has(error);
}
