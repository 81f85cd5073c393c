// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/api-key.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
// What a Reseller API key can look like, checked before a key someone brings is used, registered as a secret or
// scrubbed from anything. The vendor documents no format ("key: [your_api_key]"); keys of this kind of API are
// random tokens (the sandbox issues `sbx_` + 32 hex digits). A key is also a secret that is removed from every
// answer and log line of its session: a short or word-like "key" (`type`, `result`) would remove protocol text.
// See contributing/decisions/api-key-shape.md.

export const API_KEY_MIN_LENGTH = 16;
export const API_KEY_MAX_LENGTH = 256;
/** From this length on, a key without a digit is accepted: such a string is no word or field name of a protocol. */
const LONG_KEY_LENGTH = 32;
const KEY_CHARACTERS = /^[A-Za-z0-9._~+/=-]+$/;

/** The sentence that says what is allowed, for an error that also says what was wrong. */
export const API_KEY_SHAPE =
  `${API_KEY_MIN_LENGTH} to ${API_KEY_MAX_LENGTH} characters: letters, digits and - _ . ~ + / =, ` +
  `with at least one digit when shorter than ${LONG_KEY_LENGTH}`;

/**
 * Why `key` cannot be an API key, as a sentence that never repeats the key; undefined when it can be one.
 */
export function apiKeyProblem(key: string): string | undefined {
  if (key.length < API_KEY_MIN_LENGTH) return `the API key is too short (${key.length} characters)`;
  if (key.length > API_KEY_MAX_LENGTH) return `the API key is too long (${key.length} characters)`;
  if (!KEY_CHARACTERS.test(key)) return 'the API key holds a character no API key has';
  if (key.length < LONG_KEY_LENGTH && !/[0-9]/.test(key)) return 'the API key has no digit, like a word';
  return undefined;
}
