import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';

/**
 * A recognisable API key for canary checks. Its random token is plain hex, so it survives every encoding a URL can
 * give it (raw, encodeURIComponent, form encoding, hex escapes of either case): finding the token anywhere means the
 * key leaked, whatever form it took. The rest of the key needs URL-encoding, so the encoded forms differ from the raw.
 */
export function makeCanaryKey(): { key: string; token: string } {
  const token = randomBytes(12).toString('hex');
  return { key: `canary-${token}/+=ü &x`, token };
}

/** Every form of the key the proof looks for: raw, URL-encoded, form-encoded, and the bare token. */
export function keyForms(key: string, token: string): string[] {
  return [
    key,
    encodeURIComponent(key),
    encodeURIComponent(key).toLowerCase(),
    new URLSearchParams({ k: key }).toString().slice(2),
    token,
  ];
}

/**
 * Collects everything a run produced (errors, retry notices, client objects, printed output) and counts where a
 * form of the canary key shows up. Errors are rendered the ways a user would show them.
 */
export class CanaryWatch {
  private readonly forms: string[];
  private scanned = 0;
  private errors = 0;
  private leakingErrors = 0;
  readonly leaks: string[] = [];

  constructor(key: string, token: string) {
    this.forms = keyForms(key, token);
  }

  /** Scans an error (or any thrown value) as String(), .message, .stack, JSON.stringify() and util.inspect(). */
  error(label: string, thrown: unknown): void {
    this.errors += 1;
    const renderings: Record<string, string> = {
      String: String(thrown),
      inspect: inspect(thrown, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      JSON: safeJson(thrown),
    };
    if (thrown instanceof Error) {
      renderings.message = thrown.message;
      renderings.stack = thrown.stack ?? '';
      renderings.cause = inspect(thrown.cause, { depth: Number.POSITIVE_INFINITY, showHidden: true });
    }
    const leaksBefore = this.leaks.length;
    for (const [how, text] of Object.entries(renderings)) this.text(`${label} (${how})`, text);
    if (this.leaks.length > leaksBefore) this.leakingErrors += 1;
  }

  /** Scans any value as JSON and util.inspect(). */
  value(label: string, value: unknown): void {
    this.text(`${label} (JSON)`, safeJson(value));
    this.text(`${label} (inspect)`, inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true }));
  }

  text(label: string, text: string): void {
    this.scanned += 1;
    for (const form of this.forms) {
      if (text.includes(form)) {
        this.leaks.push(`${label}: ${JSON.stringify(text.slice(0, 300))}`);
        return;
      }
    }
  }

  get scannedErrors(): number {
    return this.errors;
  }

  summary(): string {
    return (
      `${this.errors} errors and ${this.scanned} renderings scanned; the key found in ${this.leaks.length} renderings` +
      ` (of ${this.leakingErrors} errors)`
    );
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch (thrown) {
    return `JSON.stringify threw: ${String(thrown)}`;
  }
}

/** Records every chunk written to stdout and stderr (still passing it through), for the canary check. */
export function captureOutput(): { text(): string; stop(): void } {
  const chunks: string[] = [];
  const streams = [process.stdout, process.stderr] as const;
  const originals = streams.map((stream) => stream.write);
  for (const stream of streams) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  }
  return {
    text: () => chunks.join(''),
    stop() {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write;
      });
    },
  };
}

/** Prints a block of figures so that it shows in the CI log (vitest passes process.stdout through). */
export function printFigures(title: string, lines: string[]): void {
  process.stdout.write(`\n[proof] ${title}\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
}

/** Runs `count` tasks with at most `concurrency` at a time; resolves when all have settled. */
export async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const key = keyOf(item);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([key, count]) => `${key} ${count}`)
    .join(', ');
}
