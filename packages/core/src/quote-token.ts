// A quote id is the quote itself, signed: service, link, quantity, price, expiry and the account it was made for,
// with an HMAC. Whoever places the order trusts nothing else, so a model cannot alter any of them, reuse a stale
// price, or spend a quote made under one key with another. Web Crypto: the same code in Node and in browsers.

/** What a quote token binds: the order, its price and when it was quoted. */
export interface QuoteTerms {
  serviceId: number;
  link: string;
  quantity: number;
  /** USD, rounded to cents. */
  price: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Fingerprint of the key the quote was made with (accountFingerprint). */
  account: string;
}

/** What checking a quote token found: its terms, or why not (malformed, bad signature, expired, another account). */
export type QuoteCheck =
  | { ok: true; terms: QuoteTerms }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'other_account'; terms?: QuoteTerms };

interface Payload {
  s: number;
  l: string;
  q: number;
  c: number; // price in cents
  e: number; // expiry, epoch seconds
  a: string; // account fingerprint
}

/** Signs the terms of a quote into a token and checks tokens: a confirmed order must match what was quoted. */
export interface QuoteSigner {
  sign(terms: QuoteTerms): Promise<string>;
  /** Checks the signature, the expiry and that the quote was made for `account`. */
  verify(quoteId: string, expected: { account: string; now?: number }): Promise<QuoteCheck>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Signs and checks quote ids. With no secret, a random one per signer: quotes then only work in the process that
 * made them; several processes that must accept each other's quotes share one secret.
 */
export function createQuoteSigner(secret?: string): QuoteSigner {
  const keyMaterial = secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : encoder.encode(secret);
  let key: ReturnType<typeof crypto.subtle.importKey> | undefined;
  const hmacKey = () => {
    key ??= crypto.subtle.importKey('raw', keyMaterial, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    return key;
  };
  const mac = async (body: string) =>
    new Uint8Array(await crypto.subtle.sign('HMAC', await hmacKey(), encoder.encode(`cappi-quote-v2.${body}`)));

  return {
    async sign(terms) {
      const payload: Payload = {
        s: terms.serviceId,
        l: terms.link,
        q: terms.quantity,
        c: Math.round(terms.price * 100),
        e: Math.ceil(terms.expiresAt / 1000),
        a: terms.account,
      };
      const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
      return `${body}.${toBase64Url(await mac(body))}`;
    },

    async verify(quoteId, expected) {
      const [body, signature, extra] = quoteId.split('.');
      if (body === undefined || signature === undefined || extra !== undefined) {
        return { ok: false, reason: 'malformed' };
      }
      const given = fromBase64Url(signature);
      if (given === undefined || !sameBytes(given, await mac(body))) return { ok: false, reason: 'bad_signature' };
      const bytes = fromBase64Url(body);
      let payload: unknown;
      try {
        payload = bytes === undefined ? undefined : JSON.parse(decoder.decode(bytes));
      } catch {
        payload = undefined;
      }
      // A correct signature over something else (another version's format, a hand-made id with a shared secret) is
      // not a quote: never read fields off null, never price an order at NaN.
      if (!isPayload(payload)) return { ok: false, reason: 'malformed' };
      const terms: QuoteTerms = {
        serviceId: payload.s,
        link: payload.l,
        quantity: payload.q,
        price: payload.c / 100,
        expiresAt: payload.e * 1000,
        account: payload.a,
      };
      if (terms.account !== expected.account) return { ok: false, reason: 'other_account', terms };
      if (!((expected.now ?? Date.now()) < terms.expiresAt)) return { ok: false, reason: 'expired', terms };
      return { ok: true, terms };
    },
  };
}

/**
 * A short, stable, one-way fingerprint of an API key, safe to write down (ledger rows, quotes): the first 12 hex
 * digits of its SHA-256.
 */
export async function accountFingerprint(apiKey: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(apiKey)));
  return [...digest.slice(0, 6)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Latest time a Date can hold, in epoch seconds: an expiry beyond it could not even be shown. */
const MAX_EXPIRY_SECONDS = 8.64e12;

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const { s, l, q, c, e, a } = value as Record<string, unknown>;
  return (
    typeof l === 'string' &&
    typeof a === 'string' &&
    [s, q, c, e].every((n) => Number.isSafeInteger(n)) &&
    Math.abs(e as number) <= MAX_EXPIRY_SECONDS
  );
}

/** Compares in time independent of where the bytes differ. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i += 1) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
