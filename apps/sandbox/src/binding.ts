/**
 * Reads query parameters the way ASP.NET Core model binding does, with its messages: names match whatever their
 * case, a repeated parameter binds its first value, an empty value counts as missing.
 */

export type Query = Record<string, string | string[] | undefined>;

export function queryValue(query: Query, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(query)) {
    if (key.toLowerCase() !== wanted) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first.trim() !== '') return first;
  }
  return undefined;
}

const INT32_MAX = 2 ** 31 - 1;

/** Collects binding errors by parameter name, as ValidationProblemDetails.errors. */
export class Binder {
  readonly errors: Record<string, string[]> = {};

  constructor(private readonly query: Query) {}

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  private fail(name: string, message: string): undefined {
    this.errors[name] = [...(this.errors[name] ?? []), message];
    return undefined;
  }

  string(name: string): string | undefined {
    return queryValue(this.query, name) ?? this.fail(name, `The ${name} field is required.`);
  }

  /** An integer: int64 (safe range) or int32, as the contract's format says. */
  integer(name: string, format: 'int32' | 'int64'): number | undefined {
    const text = queryValue(this.query, name);
    if (text === undefined) return this.fail(name, `The ${name} field is required.`);
    const value = /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    const inRange = format === 'int32' ? Math.abs(value) <= INT32_MAX : Number.isSafeInteger(value);
    if (!Number.isInteger(value) || !inRange) return this.fail(name, `The value '${text}' is not valid.`);
    return value;
  }
}
