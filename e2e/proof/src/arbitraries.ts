// Generators of inputs of every shape, each labelled with what it is, so a property can say what must happen
// without re-implementing the validation it tests: an input broken in one known field must be refused naming that
// field; a valid one must reach the API exactly once.
import fc from 'fast-check';

export const INT32_MAX = 2 ** 31 - 1;
export const MAX_LINK_LENGTH = 2048;
/** Marks a field to leave out of the generated object. */
export const MISSING: unique symbol = Symbol('missing');
export type OrderField = 'serviceId' | 'link' | 'quantity';

/** Anything at all, with the exotic values JavaScript has (boxed values, bigints, null prototypes, sparse arrays). */
export const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Values that are not a whole number of at least 1 (for ids and quantities), or not there at all. */
export const notAPositiveWholeNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ noInteger: true }), // fractions, NaN, +-Infinity
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: 0 }),
  fc.constantFrom(0, -0, -1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.5, 1.0000001, 1e-300),
  // Too large to be exact: 2^53 and above.
  fc.double({ min: 2 ** 53, noNaN: true }),
  fc.constantFrom(2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e21, 1e300, Number.MAX_VALUE),
  // The right number, the wrong type.
  fc.integer({ min: 1 }).map(String),
  fc.integer({ min: 1 }).map((value) => ` ${value} `),
  fc.integer({ min: 1 }).map((value) => BigInt(value)),
  fc.integer({ min: 1 }).map((value) => new Number(value)),
  fc.integer({ min: 1 }).map((value) => [value]),
  fc.integer({ min: 1 }).map((value) => ({ value })),
  fc.constantFrom('', 'abc', '1e3', '0x10', 'NaN', true, false, null, MISSING, undefined),
  fc.string(),
  anyValue.filter((value) => typeof value !== 'number'),
);

const WHITESPACE = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2003',
  '\u2028',
  '\u2029',
  '\u3000',
  '\ufeff',
];
const CONTROL = [...Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)), '\u007f'];

/** Unicode text with no whitespace, no control characters and no lone surrogates: fine in a URL path once encoded. */
const unicodeSegment = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((text) => !/\s|\p{Cs}/u.test(text) && ![...text].some((char) => CONTROL.includes(char)));

/** http(s) links the API takes: RFC 3986 URLs, hosts with unicode paths, mixed-case schemes, at most 2048 chars. */
export const validLink: fc.Arbitrary<string> = fc
  .tuple(
    fc.oneof(
      fc.webUrl({ validSchemes: ['http', 'https'], withQueryParameters: true, withFragments: true }),
      fc
        .tuple(
          fc.constantFrom('http', 'https', 'HTTPS', 'Http'),
          fc.domain(),
          fc.array(unicodeSegment, { maxLength: 4 }),
        )
        .map(([scheme, host, segments]) => `${scheme}://${host}/${segments.join('/')}`),
      fc.constantFrom(
        'https://steamcommunity.com/sharedfiles/filedetails/?id=123456789',
        'https://www.instagram.com/p/Cx1/?utm_source=a&b=c+d',
        'http://127.0.0.1:8080/x',
        'https://例え.jp/パス?q=ü#frag',
        'https://a.com/%zz%20',
      ),
    ),
    // Surrounding whitespace is trimmed by the client, not refused.
    fc.constantFrom('', ' ', '\t', '\n  '),
    fc.constantFrom('', ' ', '\r\n'),
  )
  .map(([link, before, after]) => `${before}${link}${after}`)
  .filter((link) => link.trim().length <= MAX_LINK_LENGTH);

/** Links that are not an http(s) URL the API can act on, with the reason. */
export const invalidLink: fc.Arbitrary<{ value: unknown; why: string }> = fc.oneof(
  fc
    .oneof(fc.integer(), fc.constantFrom(null, MISSING, undefined, true), fc.object(), fc.array(fc.webUrl()))
    .map((value) => ({ value, why: 'not a string' })),
  fc.constantFrom('', ' ', '\t\n', '\u3000').map((value) => ({ value, why: 'empty' })),
  fc.domain().map((host) => ({ value: `${host}/post/1`, why: 'no scheme' })),
  fc
    .tuple(
      fc.constantFrom(
        'ftp',
        'javascript',
        'mailto',
        'file',
        'data',
        'ws',
        'wss',
        'htp',
        'httpx',
        'https+evil',
        'ht tp',
      ),
      fc.webUrl(),
    )
    .map(([scheme, url]) => ({ value: url.replace(/^https?/, scheme), why: 'not http(s)' })),
  fc
    .constantFrom(
      'http://',
      'https://',
      'https:///path',
      'http://?q=1',
      'http://#x',
      'http:/example.com',
      'https:example.com',
      '//example.com/x',
    )
    .map((value) => ({ value, why: 'no host' })),
  fc
    .tuple(fc.webUrl(), fc.stringMatching(/^[a-z]{1,8}(:[a-z]{1,8})?$/))
    .map(([url, userinfo]) => ({ value: url.replace('://', `://${userinfo}@`), why: 'credentials in the link' })),
  fc.tuple(validLink, fc.constantFrom(...WHITESPACE, ...CONTROL), fc.nat()).map(([link, char, at]) => {
    const trimmed = link.trim();
    // Strictly inside, so that trimming cannot remove it.
    const position = 1 + (at % (trimmed.length - 1));
    return {
      value: `${trimmed.slice(0, position)}${char}${trimmed.slice(position)}`,
      why: 'whitespace or a control character inside',
    };
  }),
  fc.tuple(validLink, fc.integer({ min: 1, max: 5000 })).map(([link, extra]) => {
    const trimmed = link.trim();
    return { value: `${trimmed}#${'a'.repeat(MAX_LINK_LENGTH - trimmed.length + extra - 1)}`, why: 'too long' };
  }),
);

export interface ValidOrderCase {
  kind: 'valid';
  order: Record<string, unknown>;
  link: string;
}
export interface InvalidOrderCase {
  kind: 'invalid';
  order: Record<string, unknown>;
  field: OrderField;
  why: string;
}
export interface NotAnOrderCase {
  kind: 'not-an-order';
  order: unknown;
}
export type OrderCase = ValidOrderCase | InvalidOrderCase | NotAnOrderCase;

export interface CatalogEntry {
  service: number;
  min: number;
  max: number;
}

/** Extra fields a caller may add: ignored, never sent. */
const extraFields = fc
  .dictionary(
    fc.string({ maxLength: 12 }).filter((name) => !['serviceId', 'link', 'quantity'].includes(name)),
    anyValue,
    { maxKeys: 3 },
  )
  .map((extra) => ({ ...extra }));

/** A whole valid order: a service from the catalog with a quantity it allows, or any ids the API may refuse. */
export function validOrder(catalog: readonly CatalogEntry[]): fc.Arbitrary<{ serviceId: number; quantity: number }> {
  return fc.oneof(
    fc.constantFrom(...catalog).chain((service) =>
      fc.record({
        serviceId: fc.constant(service.service),
        quantity: fc.integer({ min: service.min, max: service.max }),
      }),
    ),
    fc.record({
      serviceId: fc.oneof(
        fc.constantFrom(...catalog.map((service) => service.service)),
        // Ids are sent as the API's 32-bit integer, like quantities (core's MAX_API_INTEGER).
        fc.integer({ min: 1, max: INT32_MAX }),
      ),
      // int32: the contract's format for quantity.
      quantity: fc.integer({ min: 1, max: INT32_MAX }),
    }),
  );
}

function assemble(fields: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const order: Record<string, unknown> = { ...extra };
  for (const [name, value] of Object.entries(fields)) if (value !== MISSING) order[name] = value;
  return order;
}

export function orderCases(catalog: readonly CatalogEntry[]): fc.Arbitrary<OrderCase> {
  const valid = fc
    .tuple(validOrder(catalog), validLink, extraFields)
    .map(([ids, link, extra]): OrderCase => ({ kind: 'valid', order: assemble({ ...ids, link }, extra), link }));
  const brokenId = (field: 'serviceId' | 'quantity') =>
    fc.tuple(validOrder(catalog), validLink, notAPositiveWholeNumber, extraFields).map(
      ([ids, link, bad, extra]): OrderCase => ({
        kind: 'invalid',
        field,
        why: 'not a whole number >= 1',
        order: assemble({ ...ids, link, [field]: bad }, extra),
      }),
    );
  const brokenLink = fc.tuple(validOrder(catalog), invalidLink, extraFields).map(
    ([ids, bad, extra]): OrderCase => ({
      kind: 'invalid',
      field: 'link',
      why: bad.why,
      order: assemble({ ...ids, link: bad.value }, extra),
    }),
  );
  const notAnOrder = fc
    .oneof(
      anyValue.filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
      fc.constantFrom(null, undefined, 'https://example.com', 42, [1, 'https://a.com', 10]),
    )
    .map((order): OrderCase => ({ kind: 'not-an-order', order }));
  // About 1 in 20 valid: invalid input is refused before any I/O, so it is cheap to try many.
  return fc.oneof(
    { arbitrary: valid, weight: 1 },
    { arbitrary: brokenId('serviceId'), weight: 6 },
    { arbitrary: brokenId('quantity'), weight: 6 },
    { arbitrary: brokenLink, weight: 6 },
    { arbitrary: notAnOrder, weight: 1 },
  );
}

/** The numbers the client must accept as an order id: whole, at least 1, exact (at most 2^53 - 1). */
export const validOrderId = fc.oneof(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 1, max: INT32_MAX }));
