import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { accountFingerprint, createQuoteSigner, type QuoteTerms } from './quote-token.js';

const terms: QuoteTerms = {
  serviceId: 199825,
  link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=1&x=é',
  quantity: 50,
  price: 4.8,
  expiresAt: Date.UTC(2030, 0, 1, 12, 0, 0),
  account: 'a1b2c3d4e5f6',
};
const forAccount = (now: number) => ({ account: terms.account, now });

function reencode(quoteId: string, change: (payload: Record<string, unknown>) => void): string {
  const [body, signature] = quoteId.split('.');
  const payload = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8'));
  change(payload);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('quote ids', async () => {
  const signer = createQuoteSigner('test-secret');
  const id = await signer.sign(terms);

  it('carry the terms they were signed with', async () => {
    expect(await signer.verify(id, forAccount(terms.expiresAt - 1))).toEqual({ ok: true, terms });
  });

  it('expire', async () => {
    expect(await signer.verify(id, forAccount(terms.expiresAt))).toEqual({ ok: false, reason: 'expired', terms });
  });

  it('are bound to the account they were made for: a quote made under one key places nothing under another', async () => {
    expect(await signer.verify(id, { account: 'ffffffffffff', now: 0 })).toEqual({
      ok: false,
      reason: 'other_account',
      terms,
    });
  });

  it.each([
    ['service', (p: Record<string, unknown>) => (p.s = 199826)],
    ['link', (p: Record<string, unknown>) => (p.l = 'https://evil.example/')],
    ['quantity', (p: Record<string, unknown>) => (p.q = 5000)],
    ['price', (p: Record<string, unknown>) => (p.c = 1)],
    ['expiry', (p: Record<string, unknown>) => (p.e = (p.e as number) + 3600)],
    ['account', (p: Record<string, unknown>) => (p.a = 'ffffffffffff')],
  ])('cannot be altered: %s', async (_field, change) => {
    expect(await signer.verify(reencode(id, change), forAccount(terms.expiresAt - 1))).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('are only valid for the secret that signed them', async () => {
    expect((await createQuoteSigner('other-secret').verify(id, forAccount(0))).ok).toBe(false);
    // Without a configured secret each signer has its own random one.
    const fresh = await createQuoteSigner().sign(terms);
    expect((await createQuoteSigner().verify(fresh, forAccount(0))).ok).toBe(false);
  });

  it('reject a correct signature over something that is not a quote', async () => {
    const mac = (body: string) => createHmac('sha256', 'test-secret').update(`cappi-quote-v2.${body}`).digest();
    const valid = { s: 1, l: 'https://x.example/', q: 1, c: 100, e: 4e9, a: terms.account };
    for (const payload of [
      null,
      7,
      'x',
      [],
      {},
      { ...valid, c: 'free' },
      { ...valid, q: 1.5 },
      { ...valid, a: 7 },
      { ...valid, e: -1e308 }, // an expiry no Date can show
      { ...valid, e: 1e300 },
    ]) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      expect(await signer.verify(`${body}.${mac(body).toString('base64url')}`, forAccount(0))).toEqual({
        ok: false,
        reason: 'malformed',
      });
    }
  });

  it('reject what is not a quote id', async () => {
    for (const bogus of ['', 'abc', 'a.b.c', `${id}.x`, 'a+b.c/d']) {
      expect((await signer.verify(bogus, forAccount(0))).ok).toBe(false);
    }
  });
});

describe('accountFingerprint', () => {
  it('is the first 12 hex digits of the SHA-256 of the key: stable, and never the key', async () => {
    const key = 'sbx_canary_fingerprint_key';
    const expected = createHash('sha256');
    expect(await accountFingerprint(key)).toBe(expected.update(key).digest('hex').slice(0, 12));
    expect(await accountFingerprint(key)).not.toContain(key.slice(0, 6));
    expect(await accountFingerprint('other')).not.toBe(await accountFingerprint(key));
  });
});
