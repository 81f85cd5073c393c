import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.js';
import type { Service } from './types.js';
import {
  assertOrderAllowed,
  findService,
  MAX_API_INTEGER,
  quantityProblem,
  validateOrderId,
  validateOrderInput,
  validateServiceId,
} from './validate.js';

const service: Service = { service: 199825, category: 'Steam', name: 'Steam Likes', rate: 0.02, min: 10, max: 5000 };
const order = { serviceId: 199825, link: 'https://steamcommunity.com/sharedfiles/filedetails/?id=1', quantity: 100 };

function thrown(action: () => unknown): InvalidRequestError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  throw new Error('expected an InvalidRequestError, nothing was thrown');
}

describe('validateOrderInput', () => {
  it('returns a clean copy of a valid order, link trimmed, other fields dropped', () => {
    expect(validateOrderInput({ ...order, link: `  ${order.link} `, extra: 'x' })).toEqual(order);
  });

  it.each([
    [{ ...order, serviceId: 0 }, 'serviceId', 'serviceId must be a whole number of at least 1 (got 0)'],
    [
      { ...order, serviceId: '199825' },
      'serviceId',
      'serviceId must be a whole number of at least 1 (got the text "199825")',
    ],
    [{ ...order, quantity: 2.5 }, 'quantity', 'quantity must be a whole number of at least 1 (got 2.5)'],
    [{ ...order, quantity: undefined }, 'quantity', 'quantity must be a whole number of at least 1 (got nothing)'],
    [{ ...order, link: 42 }, 'link', 'link must be an http(s) URL such as https://example.com/post/1 (got 42)'],
    [{ ...order, link: 'ftp://example.com/x' }, 'link', 'link "ftp://example.com/x" is not an http(s) URL'],
    [{ ...order, link: 'example.com/x' }, 'link', 'is not an http(s) URL'],
    [{ ...order, link: 'https://exa mple.com' }, 'link', 'is not an http(s) URL'],
    [{ ...order, link: 'https://example.com/a\u0001b' }, 'link', 'is not an http(s) URL'],
    [{ ...order, link: 'https://example.com/a\u007fb' }, 'link', 'is not an http(s) URL'],
    [{ ...order, link: `https://example.com/${'a'.repeat(2100)}` }, 'link', 'at most 2048 are allowed'],
  ])('rejects %j on %s', (input, field, message) => {
    const error = thrown(() => validateOrderInput(input));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('rejects what is not an order at all', () => {
    expect(thrown(() => validateOrderInput(null)).message).toBe(
      'an order must be an object with serviceId, link and quantity (got null)',
    );
    expect(thrown(() => validateOrderInput([1, 2])).message).toContain('(got a list)');
  });
});

describe('validateOrderId', () => {
  it('accepts whole numbers of at least 1 and rejects the rest', () => {
    expect(validateOrderId(12345)).toBe(12345);
    for (const bad of [0, -1, 1.5, '7', Number.NaN]) {
      expect(thrown(() => validateOrderId(bad)).field).toBe('orderId');
    }
  });
});

describe('assertOrderAllowed', () => {
  it('accepts a quantity within min and max, both ends included', () => {
    expect(() => assertOrderAllowed({ ...order, quantity: 10 }, service)).not.toThrow();
    expect(() => assertOrderAllowed({ ...order, quantity: 5000 }, service)).not.toThrow();
  });

  it('says the minimum and the allowed range when the quantity is too small', () => {
    const error = thrown(() => assertOrderAllowed({ ...order, quantity: 5 }, service));
    expect(error.message).toBe('quantity 5 is below the minimum of 10 for service 199825 (allowed: 10 to 5000)');
    expect(error).toMatchObject({ field: 'quantity', serviceId: 199825, min: 10, max: 5000, code: 'invalid_request' });
  });

  it('says the maximum when the quantity is too large', () => {
    expect(thrown(() => assertOrderAllowed({ ...order, quantity: 5001 }, service)).message).toBe(
      'quantity 5001 is above the maximum of 5000 for service 199825 (allowed: 10 to 5000)',
    );
  });

  it('refuses a service that is not in the catalog', () => {
    const error = thrown(() => assertOrderAllowed(order, findService([], 199825)));
    expect(error.message).toContain('service 199825 is not in the catalog');
    expect(error.field).toBe('serviceId');
  });

  it('refuses to check an order against another service', () => {
    expect(thrown(() => assertOrderAllowed({ ...order, serviceId: 1 }, service)).message).toContain(
      'checked against service 199825',
    );
  });
});

describe('findService', () => {
  it('finds by id', () => {
    const other = { ...service, service: 2 };
    expect(findService([other, service], 199825)).toBe(service);
    expect(findService([other, service], 3)).toBeUndefined();
  });
});

describe('validateOrderInput refuses what the API cannot take, before anything is sent', () => {
  it('a quantity above int32 (the contract types it int32)', () => {
    const error = thrown(() => validateOrderInput({ ...order, quantity: 2_147_483_648 }));
    expect(error.field).toBe('quantity');
    expect(error.message).toBe('quantity 2147483648 is above 2147483647, the largest the API accepts');
    expect(validateOrderInput({ ...order, quantity: 2_147_483_647 }).quantity).toBe(2_147_483_647);
  });

  it('ids above int32, from the one bound every face reads (MAX_API_INTEGER)', () => {
    expect(MAX_API_INTEGER).toBe(2_147_483_647);
    const error = thrown(() => validateOrderInput({ ...order, serviceId: MAX_API_INTEGER + 1 }));
    expect(error.field).toBe('serviceId');
    expect(error.message).toBe('serviceId 2147483648 is above 2147483647, the largest the API accepts');
    expect(() => validateOrderId(MAX_API_INTEGER + 1)).toThrow('orderId 2147483648 is above 2147483647');
    expect(() => validateServiceId(9_007_199_254_740_991)).toThrow('serviceId 9007199254740991 is above 2147483647');
    expect(validateServiceId(MAX_API_INTEGER)).toBe(MAX_API_INTEGER);
    expect(validateOrderId(MAX_API_INTEGER)).toBe(MAX_API_INTEGER);
  });

  it.each([
    'http://a:b:c/',
    'http://%zz/',
    'http://[::1',
    `https://example.com/post/${String.fromCharCode(0xd800)}`,
    `https://example.com/#${String.fromCharCode(0xdc00)}x`,
  ])('a link a URL parser rejects or that cannot be encoded: %j', (link) => {
    expect(thrown(() => validateOrderInput({ ...order, link })).field).toBe('link');
  });

  it('a link with a paired surrogate (an emoji) is fine', () => {
    expect(validateOrderInput({ ...order, link: 'https://example.com/\u{1F600}' }).link).toContain('\u{1F600}');
  });
});

describe("quantityProblem explains any quantity with the service's own limits", () => {
  const limited = { ...service, service: 7, min: 10, max: 500 };
  it.each([
    [5, 'quantity 5 is below the minimum of 10 for service 7 (allowed: 10 to 500)'],
    [0, 'quantity 0 is below the minimum of 10 for service 7 (allowed: 10 to 500)'],
    [501, 'quantity 501 is above the maximum of 500 for service 7 (allowed: 10 to 500)'],
    [2.5, 'quantity must be a whole number from 10 to 500 for service 7 (got 2.5)'],
    ['ten', 'quantity must be a whole number from 10 to 500 for service 7 (got the text "ten")'],
  ])('%j', (quantity, sentence) => {
    expect(quantityProblem(quantity, limited)).toBe(sentence);
  });
  it('nothing to say about an allowed quantity', () => {
    expect(quantityProblem(10, limited)).toBeUndefined();
    expect(quantityProblem(500, limited)).toBeUndefined();
  });
});

describe('what a refusal says about the value it refused', () => {
  it('an order that is not an object: says what it was', () => {
    const object = 'an order must be an object with serviceId, link and quantity';
    expect(thrown(() => validateOrderInput('x')).message).toBe(`${object} (got the text "x")`);
    expect(thrown(() => validateOrderInput(null)).message).toBe(`${object} (got null)`);
    expect(thrown(() => validateOrderInput([order])).message).toBe(`${object} (got a list)`);
    expect(thrown(() => validateOrderInput(undefined)).message).toBe(`${object} (got nothing)`);
  });

  it('names a boolean, a number, a list and any other value as such, and cuts long text at 80 characters', () => {
    const whole = 'orderId must be a whole number of at least 1';
    expect(thrown(() => validateOrderId(true)).message).toBe(`${whole} (got true)`);
    expect(thrown(() => validateOrderId(2.5)).message).toBe(`${whole} (got 2.5)`);
    expect(thrown(() => validateOrderId([1])).message).toBe(`${whole} (got a list)`);
    expect(thrown(() => validateOrderId({ id: 1 })).message).toBe(`${whole} (got a value of type object)`);
    expect(thrown(() => validateOrderId('7'.repeat(80))).message).toBe(`${whole} (got the text "${'7'.repeat(80)}")`);
    expect(thrown(() => validateOrderId('7'.repeat(81))).message).toBe(
      `${whole} (got the text "${'7'.repeat(80)}...")`,
    );
  });

  it('a service that does not match the order: the field and the id of the order', () => {
    const other = thrown(() => assertOrderAllowed({ ...order, serviceId: 7 }, service));
    expect(other).toMatchObject({
      field: 'serviceId',
      serviceId: 7,
      message: 'the order is for service 7 but was checked against service 199825',
    });
  });
});

describe('links: the shape from the start, then the URL parser and the query-string encoder', () => {
  it.each(['junk:https://example.com/', 'see https://example.com/', 'mailto:a@https://example.com'])(
    'refuses text that only ends with an http(s) URL: %j',
    (link) => {
      expect(thrown(() => validateOrderInput({ ...order, link })).field).toBe('link');
    },
  );

  it.each([
    `https://example.com/${String.fromCharCode(0xdbff)}`,
    `https://example.com/${String.fromCharCode(0xdfff)}`,
    `https://example.com/${String.fromCharCode(0xdc00)}${String.fromCharCode(0xd800)}`,
  ])('refuses a lone surrogate anywhere (it cannot be sent in a query string): %j', (link) => {
    expect(thrown(() => validateOrderInput({ ...order, link })).field).toBe('link');
  });

  it('takes characters outside the BMP, and a DEL only where it is not', () => {
    expect(validateOrderInput({ ...order, link: 'https://example.com/\u{10FFFF}\u{1F600}' }).link).toHaveLength(24);
    expect(thrown(() => validateOrderInput({ ...order, link: 'https://example.com/a\u007Fb' })).field).toBe('link');
    expect(validateOrderInput({ ...order, link: 'https://example.com/a~b' }).link).toBe('https://example.com/a~b');
  });
});
