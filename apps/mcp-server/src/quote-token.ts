// A quote id is the quote itself, signed: service, link, quantity, price and expiry, with an HMAC.
// register_order trusts nothing else, so a model cannot alter any of them or reuse a stale price.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface QuoteTerms {
  serviceId: number;
  link: string;
  quantity: number;
  /** USD, rounded to cents. */
  price: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export type QuoteCheck =
  | { ok: true; terms: QuoteTerms }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired'; terms?: QuoteTerms };

interface Payload {
  s: number;
  l: string;
  q: number;
  c: number; // price in cents
  e: number; // expiry, epoch seconds
}

export interface QuoteSigner {
  sign(terms: QuoteTerms): string;
  verify(quoteId: string, now?: number): QuoteCheck;
}

export function createQuoteSigner(secret: string | undefined): QuoteSigner {
  const key = secret === undefined ? randomBytes(32) : Buffer.from(secret, 'utf8');
  const mac = (body: string) => createHmac('sha256', key).update(`cappi-quote-v1.${body}`).digest();

  return {
    sign(terms) {
      const payload: Payload = {
        s: terms.serviceId,
        l: terms.link,
        q: terms.quantity,
        c: Math.round(terms.price * 100),
        e: Math.ceil(terms.expiresAt / 1000),
      };
      const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
      return `${body}.${mac(body).toString('base64url')}`;
    },

    verify(quoteId, now = Date.now()) {
      const [body, signature, extra] = quoteId.split('.');
      if (body === undefined || signature === undefined || extra !== undefined)
        return { ok: false, reason: 'malformed' };
      const expected = mac(body);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return { ok: false, reason: 'bad_signature' };
      }
      let payload: Payload;
      try {
        payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
      } catch {
        return { ok: false, reason: 'malformed' };
      }
      // A correct signature over something else (another version's format, a hand-made id with a shared secret)
      // is not a quote: never read fields off null, never price an order at NaN.
      if (!isPayload(payload)) return { ok: false, reason: 'malformed' };
      const terms: QuoteTerms = {
        serviceId: payload.s,
        link: payload.l,
        quantity: payload.q,
        price: payload.c / 100,
        expiresAt: payload.e * 1000,
      };
      if (now >= terms.expiresAt) return { ok: false, reason: 'expired', terms };
      return { ok: true, terms };
    },
  };
}

/** Latest time a Date can hold, in epoch seconds: an expiry beyond it could not even be shown. */
const MAX_EXPIRY_SECONDS = 8.64e12;

function isPayload(value: unknown): value is Payload {
  if (typeof value !== 'object' || value === null) return false;
  const { s, l, q, c, e } = value as Record<string, unknown>;
  return (
    typeof l === 'string' &&
    [s, q, c, e].every((n) => Number.isSafeInteger(n)) &&
    Math.abs(e as number) <= MAX_EXPIRY_SECONDS
  );
}
