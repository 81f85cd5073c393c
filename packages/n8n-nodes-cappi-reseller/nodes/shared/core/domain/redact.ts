// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/redact.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
/** What a secret is replaced with. */
export const REDACTED = '***';

/**
 * Secrets shorter than this are not redacted: no API key is that short, and replacing every "a" in a message
 * would make it unreadable (and could never terminate, see below).
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Replaces every occurrence of each secret in `text` with `***`: as is, and in the forms a URL carries it
 * (percent-encoded by encodeURIComponent, by a form/URLSearchParams encoder or by the URL parser's query
 * encoding; hex digits in either case).
 * Repeats until no occurrence is left, so pieces that join up around a replacement are caught too.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const pattern = secretPattern(secrets);
  if (pattern === undefined) return text;
  let result = text;
  // Each pass shortens the text (secrets are longer than the marker), so this ends.
  while (pattern.test(result)) {
    pattern.lastIndex = 0;
    result = result.replace(pattern, REDACTED);
  }
  return result;
}

/** Replaces the value of every `key` query parameter in a URL (or any text holding URLs) with `***`. */
export function redactUrl(url: string): string {
  return url.replace(/([?&;]key=)[^&#\s"'<>]*/gi, `$1${REDACTED}`);
}

function secretPattern(secrets: readonly string[]): RegExp | undefined {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(escapeRegExp(secret));
    forms.add(encodedPattern(safeEncode(secret)));
    forms.add(encodedPattern(formEncode(secret)));
    forms.add(encodedPattern(queryEncode(secret)));
  }
  if (forms.size === 0) return undefined;
  // Longest first, so a secret is not half-replaced through a shorter form of another.
  const alternatives = [...forms].sort((a, b) => b.length - a.length);
  return new RegExp(alternatives.join('|'), 'g');
}

/** A regex source matching an encoded string, with the hex digits of each %XX in either case. */
function encodedPattern(encoded: string): string {
  return encoded
    .split(/(%[0-9A-F]{2})/)
    .map((part) =>
      /^%[0-9A-F]{2}$/.test(part)
        ? `%${[...part.slice(1)].map((digit) => (/[A-F]/.test(digit) ? `[${digit}${digit.toLowerCase()}]` : digit)).join('')}`
        : escapeRegExp(part),
    )
    .join('');
}

/** application/x-www-form-urlencoded, as URLSearchParams writes it (space as +, !'()~ escaped). */
function formEncode(text: string): string {
  return safeEncode(text)
    .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** What the WHATWG URL parser escapes in a query it is given raw: controls, space, "#<>' and non-ASCII. */
function queryEncode(text: string): string {
  let encoded = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code > 0x7e) encoded += safeEncode(char);
    // Written out, not through encodeURIComponent: it leaves ' as it is, where the URL parser writes %27.
    else if (code <= 0x20 || `"#<>'`.includes(char)) encoded += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else encoded += char;
  }
  return encoded;
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) is left as is. */
function safeEncode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Headers whose whole value is a credential or a session: never shown, whatever they hold. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * The headers of an answer as a plain object with lower-case names, each value redacted like every other text
 * (the secrets in any form, any `key` query parameter); credential and cookie headers are replaced whole.
 */
export function redactHeaders(
  headers: Iterable<readonly [string, string]>,
  secrets: readonly string[],
): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    redacted[lower] = SECRET_HEADERS.has(lower) ? REDACTED : redactUrl(redact(value, secrets));
  }
  return redacted;
}
