import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, redact, redactUrl } from './redact.js';

const key = 'sk_live/abc+def&x=1 ü';

// Mutation testing runs this file once per mutant and lowers the count (vitest.stryker.config.ts): generating
// binary strings is what takes the time, not redact.
const PROPERTY_RUNS = Number(process.env.CAPPI_PROPERTY_RUNS ?? 200);

/** Every form a URL or a log line may carry the key in. */
function encodedForms(secret: string): string[] {
  const form = new URLSearchParams({ k: secret }).toString().slice(2);
  const component = encodeURIComponent(secret);
  const lowerHex = component.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  const forms = [secret, component, lowerHex, form];
  // The URL parser drops tabs and newlines altogether (and '#' starts a fragment): no key has those.
  if (!/[\t\n\r#]/.test(secret)) {
    const search = new URL(`http://h/?a=1&key=${secret}&z=1`).search;
    forms.push(search.slice('?a=1&key='.length, -'&z=1'.length));
  }
  return forms;
}

describe('redact', () => {
  it('removes the key as is and in each URL-encoded form', () => {
    const text = `GET http://h/Balance?key=${new URLSearchParams({ k: key }).toString().slice(2)} key ${key} ${encodeURIComponent(key)}`;
    const redacted = redact(text, [key]);
    expect(redacted).toBe('GET http://h/Balance?key=*** key *** ***');
  });

  it('matches percent-encoding with lower-case hex digits', () => {
    const lower = encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
    expect(redact(`x ${lower} y`, [key])).toBe('x *** y');
  });

  // 200 random cases, however long a busy machine takes for them: the limit is CPU time, not a property of redact.
  it('never leaves a secret, or any encoded form of it, in the text', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: MIN_SECRET_LENGTH, maxLength: 24, unit: 'binary' }),
        fc.array(fc.oneof(fc.string(), fc.constantFrom('*', '%', '+', '&key=')), { maxLength: 6 }),
        fc.array(fc.nat(4), { maxLength: 6 }),
        (secret, pieces, formChoices) => {
          const forms = encodedForms(secret);
          let text = '';
          pieces.forEach((piece, index) => {
            text += piece + (forms[formChoices[index] ?? 0] ?? secret);
          });
          const redacted = redact(text, [secret]);
          for (const form of forms) expect(redacted).not.toContain(form);
        },
      ),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it("finds a key holding ' in a URL built by the URL parser, which writes it as %27", () => {
    // With a space or a ~ beside it, no other encoding writes the key the way the parser does.
    for (const secret of ["it's a key", "it's~a~key", '<it\'s>"a" key']) {
      const url = new URL(`http://h/Balance?key=${secret}`).href;
      expect(url).toContain('%27');
      expect(redact(`GET ${url} failed`, [secret]), secret).toBe('GET http://h/Balance?key=*** failed');
    }
  });

  it('leaves text without the secret alone and ignores secrets too short to be keys', () => {
    expect(redact('nothing to hide', ['secret-key'])).toBe('nothing to hide');
    expect(redact('a b c', ['a'])).toBe('a b c');
    expect(redact('abc abcd', ['abc'])).toBe('abc abcd');
  });

  it('redacts a secret of exactly MIN_SECRET_LENGTH characters', () => {
    expect(MIN_SECRET_LENGTH).toBe(4);
    expect(redact('abc abcd abcde', ['abcd'])).toBe('abc *** ***e');
  });

  it('skips what is not a string among the secrets (a caller in plain JavaScript), and still redacts the rest', () => {
    const secrets = [undefined, null, 12345, 'real-key-1'] as unknown as string[];
    expect(redact('12345 real-key-1 undefined null', secrets)).toBe('12345 *** undefined null');
  });

  it('replaces a longer secret whole, even when a shorter one is its start (given in either order)', () => {
    for (const secrets of [
      ['abcd', 'abcdefgh'],
      ['abcdefgh', 'abcd'],
    ]) {
      expect(redact('key abcdefgh, prefix abcd', secrets), secrets.join()).toBe('key ***, prefix ***');
    }
  });

  it("finds a key holding ! ' ( ) ~ in form encoding, which escapes them (URLSearchParams)", () => {
    for (const secret of ['key~0123~abcd', "key!0123'abcd", 'key(0123)abcd']) {
      const query = new URLSearchParams({ key: secret }).toString();
      expect(query).not.toContain(encodeURIComponent(secret));
      expect(redact(`GET /Balance?${query} failed`, [secret]), secret).toBe('GET /Balance?key=*** failed');
    }
  });

  it('finds a non-ASCII key in a URL built by the URL parser, which leaves / and + as they are', () => {
    const secret = 'schlüssel/0123+abc';
    const url = new URL(`http://h/Balance?key=${secret}`).href;
    expect(url).toBe('http://h/Balance?key=schl%C3%BCssel/0123+abc');
    expect(redact(`GET ${url} failed`, [secret])).toBe('GET http://h/Balance?key=*** failed');
  });

  it('finds a key holding a control character in a URL built by the URL parser, written with two hex digits (%01)', () => {
    // With a / beside it (left as is by the parser, escaped by encodeURIComponent): no other encoding matches.
    const secret = 'key/\u0001/0123abcd';
    const url = new URL(`http://h/Balance?key=${secret}`).href;
    expect(url).toBe('http://h/Balance?key=key/%01/0123abcd');
    expect(redact(`GET ${url} failed`, [secret])).toBe('GET http://h/Balance?key=*** failed');
  });

  it('redacts a key holding a lone surrogate (which encodeURIComponent refuses) as it is', () => {
    const secret = 'key\ud8000123abcd';
    expect(() => encodeURIComponent(secret)).toThrow(URIError);
    expect(redact(`x ${secret} y`, [secret])).toBe('x *** y');
  });
});

describe('redactUrl', () => {
  it('hides the value of every key parameter and nothing else', () => {
    expect(redactUrl('https://h/api/OrderStatus?orderId=5&key=abc%2Fdef')).toBe(
      'https://h/api/OrderStatus?orderId=5&key=***',
    );
    expect(redactUrl('see http://h/Balance?key=s3cr3t#top and http://h/x?KEY=other&a=1')).toBe(
      'see http://h/Balance?key=***#top and http://h/x?KEY=***&a=1',
    );
    expect(redactUrl('https://h/x?monkey=1&keyring=2')).toBe('https://h/x?monkey=1&keyring=2');
  });
});
