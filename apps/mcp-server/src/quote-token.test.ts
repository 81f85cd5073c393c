import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createQuoteSigner, type QuoteTerms } from './quote-token.js';

const terms: QuoteTerms = {
  serviceId: 199825,
  link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=1&x=é',
  quantity: 50,
  price: 4.8,
  expiresAt: Date.UTC(2030, 0, 1, 12, 0, 0),
};

function reencode(quoteId: string, change: (payload: Record<string, unknown>) => void): string {
  const [body, signature] = quoteId.split('.');
  const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8'));
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('quote ids', () => {
  const signer = createQuoteSigner('test-secret');
  const id = signer.sign(terms);

  it('carry the terms they were signed with', () => {
    expect(signer.verify(id, terms.expiresAt - 1)).toEqual({ ok: true, terms });
  });

  it('expire', () => {
    expect(signer.verify(id, terms.expiresAt)).toEqual({ ok: false, reason: 'expired', terms });
  });

  it.each([
    ['service', (p: Record<string, unknown>) => (p.s = 199826)],
    ['link', (p: Record<string, unknown>) => (p.l = 'https://evil.example/')],
    ['quantity', (p: Record<string, unknown>) => (p.q = 5000)],
    ['price', (p: Record<string, unknown>) => (p.c = 1)],
    ['expiry', (p: Record<string, unknown>) => (p.e = (p.e as number) + 3600)],
  ])('cannot be altered: %s', (_field, change) => {
    expect(signer.verify(reencode(id, change), terms.expiresAt - 1)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('are only valid for the secret that signed them', () => {
    expect(createQuoteSigner('other-secret').verify(id, 0).ok).toBe(false);
    // Without a configured secret each process has its own random one.
    expect(createQuoteSigner(undefined).verify(createQuoteSigner(undefined).sign(terms), 0).ok).toBe(false);
  });

  it('reject a correct signature over something that is not a quote', () => {
    const mac = (body: string) => createHmac('sha256', 'test-secret').update(`cappi-quote-v1.${body}`).digest();
    const terms = { s: 1, l: 'https://x.example/', q: 1, c: 100, e: 4e9 };
    for (const payload of [
      null,
      7,
      'x',
      [],
      {},
      { ...terms, c: 'free' },
      { ...terms, q: 1.5 },
      { ...terms, e: -1e308 }, // an expiry no Date can show
      { ...terms, e: 1e300 },
    ]) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      expect(signer.verify(`${body}.${mac(body).toString('base64url')}`, 0)).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('reject what is not a quote id', () => {
    for (const bogus of ['', 'abc', 'a.b.c', `${id}.x`]) {
      expect(signer.verify(bogus, 0).ok).toBe(false);
    }
  });
});
