import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.js';
import { listCategories, paginate, searchServices } from './search.js';
import type { Service } from './types.js';

function service(id: number, name: string, category: string, rate?: number, desc?: string | null): Service {
  return { service: id, name, category, min: 1, max: 100, ...(rate === undefined ? {} : { rate }), desc };
}

const catalog: Service[] = [
  service(1, 'Instagram Followers [Real]', 'Instagram', 0.004),
  service(2, 'Steam Workshop Followers', 'Steam', 0.02, 'Followers for a Steam workshop item'),
  service(3, 'Steam Like SharedFiles/Screenshots/Guides/Workshop [Max: 100]', 'Steam', 0.012),
  service(4, 'YouTube Views', 'YouTube', undefined),
  service(5, 'Likes on screenshots', 'Steam', 0.05, 'steam screenshot likes'),
  service(199825, 'Steam Favorite', 'Steam', 0.3),
];
const ids = (services: Service[]) => services.map((s) => s.service);

describe('searchServices', () => {
  it('finds services having every word, in any order, case-insensitively', () => {
    expect(ids(searchServices(catalog, { query: 'followers STEAM' }))).toEqual([2]);
    expect(ids(searchServices(catalog, { query: 'steam like' }))).toEqual([3, 5]);
  });

  it('ranks words in the name above words only in the category or description', () => {
    // 3 has "Steam" and "Like" in its name; 5 has "Likes" in its name but "steam" only in category and description.
    const ranked = ids(searchServices(catalog, { query: 'like steam' }));
    expect(ranked).toEqual([3, 5]);
  });

  it('ranks whole words above parts of words', () => {
    const services = [service(10, 'Screenshots likes', 'Steam'), service(11, 'Screenshot likes', 'Steam')];
    expect(ids(searchServices(services, { query: 'screenshot' }))).toEqual([11, 10]);
  });

  it('puts an exact service id first', () => {
    expect(ids(searchServices(catalog, { query: '199825' }))).toEqual([199825]);
  });

  it('keeps the catalog order without a query and returns nothing when a word is missing', () => {
    expect(ids(searchServices(catalog))).toEqual(ids(catalog));
    expect(searchServices(catalog, { query: 'steam tiktok' })).toEqual([]);
  });

  it('filters by category, case-insensitively', () => {
    expect(ids(searchServices(catalog, { category: 'steam' }))).toEqual([2, 3, 5, 199825]);
    expect(ids(searchServices(catalog, { category: 'Steam', query: 'workshop' }))).toEqual([2, 3]);
  });

  it('filters by rate, leaving out services without one', () => {
    expect(ids(searchServices(catalog, { minRate: 0.01, maxRate: 0.05 }))).toEqual([2, 3, 5]);
    expect(ids(searchServices(catalog, { maxRate: 0.005 }))).toEqual([1]);
    expect(() => searchServices(catalog, { minRate: -1 })).toThrow('minRate must be a number of USD per unit');
  });
});

describe('listCategories', () => {
  it('counts services per category, by name', () => {
    expect(listCategories(catalog)).toEqual([
      { category: 'Instagram', count: 1 },
      { category: 'Steam', count: 4 },
      { category: 'YouTube', count: 1 },
    ]);
  });
});

describe('paginate', () => {
  it('pages through with cursors', () => {
    const first = paginate([1, 2, 3, 4, 5], { limit: 2 });
    expect(first).toEqual({ items: [1, 2], nextCursor: '2', total: 5 });
    const second = paginate([1, 2, 3, 4, 5], { limit: 2, cursor: first.nextCursor });
    expect(second.items).toEqual([3, 4]);
    const last = paginate([1, 2, 3, 4, 5], { limit: 2, cursor: second.nextCursor });
    expect(last).toEqual({ items: [5], total: 5 });
  });

  it('covers every item exactly once, in order, for any list and limit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), fc.integer({ min: 1, max: 50 }), (items, limit) => {
        const seen: number[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = paginate(items, { limit, ...(cursor === undefined ? {} : { cursor }) });
          expect(page.total).toBe(items.length);
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items);
          cursor = page.nextCursor;
          pages += 1;
        } while (cursor !== undefined);
        expect(seen).toEqual(items);
        expect(pages).toBe(Math.max(1, Math.ceil(items.length / limit)));
      }),
    );
  });

  it('rejects a bad limit or a cursor it did not make', () => {
    expect(() => paginate([1], { limit: 0 })).toThrow('limit must be a whole number of at least 1 (got 0)');
    expect(() => paginate([1, 2], { limit: 1, cursor: 'abc' })).toThrow(InvalidRequestError);
    expect(() => paginate([1, 2], { limit: 1, cursor: '3' })).toThrow('pass the nextCursor of the previous page');
  });
});

describe('searchServices ranking', () => {
  it('ranks a word by where it is found: name, then category, then description; whole word, then start, then inside', () => {
    // One service per place, listed worst first: the ranking must reverse the catalog order.
    const services = [
      service(9, 'Pack nine', 'Other', 1, 'unlike'),
      service(8, 'Pack eight', 'Other', 1, 'likes'),
      service(7, 'Pack seven', 'Other', 1, 'like'),
      service(6, 'Pack six', 'Dislike', 1),
      service(5, 'Pack five', 'Likes', 1),
      service(4, 'Pack four', 'Like', 1),
      service(3, 'Unlike pack', 'Other', 1),
      service(2, 'Likes pack', 'Other', 1),
      service(1, 'Like pack', 'Other', 1),
      service(0, 'Pack zero', 'Other', 1, 'nothing here'),
    ];
    expect(ids(searchServices(services, { query: 'LIKE' }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('counts a word at its best place, and adds up the words', () => {
    const services = [
      service(1, 'Views', 'Other', 1, 'views'), // "views": whole word in the name (and in the description)
      service(2, 'Viewsy', 'Views', 1), // only a start of a word in the name, a whole word in the category
      service(3, 'Fast views', 'Other', 1), // both words in the name
    ];
    expect(ids(searchServices(services, { query: 'views' }))).toEqual([1, 3, 2]);
    expect(ids(searchServices(services, { query: 'views fast' }))).toEqual([3]);
    expect(ids(searchServices(services, { query: 'views other' }))).toEqual([1, 3]);
  });

  it('keeps the catalog order between equally good matches', () => {
    const services = [service(3, 'Likes', 'A'), service(1, 'Likes', 'B'), service(2, 'Likes', 'C')];
    expect(ids(searchServices(services, { query: 'likes' }))).toEqual([3, 1, 2]);
  });

  it('finds a service by its id among other words, or by the start of its id', () => {
    expect(ids(searchServices(catalog, { query: '199825 favorite' }))).toEqual([199825]);
    expect(ids(searchServices(catalog, { query: '1998' }))).toEqual([199825]);
    // An id is a word like the others: every other word must be found too.
    expect(searchServices(catalog, { query: '199825 tiktok' })).toEqual([]);
    // An exact id beats a service that has the number in its name.
    const services = [service(7, 'Pack 42', 'Other'), service(42, 'Pack', 'Other')];
    expect(ids(searchServices(services, { query: '42' }))).toEqual([42, 7]);
  });

  it('reads words made of letters and digits in any script, ignoring punctuation', () => {
    const services = [service(1, 'Лайки [Instagram]', 'Other'), service(2, 'Views 2x', 'Other')];
    expect(ids(searchServices(services, { query: '  лайки!! ' }))).toEqual([1]);
    expect(ids(searchServices(services, { query: '2x' }))).toEqual([2]);
    expect(ids(searchServices(services, { query: '--' }))).toEqual([1, 2]);
  });
});

describe('searchServices filters', () => {
  it('treats a blank category as no filter and trims the category', () => {
    expect(ids(searchServices(catalog, { category: '' }))).toEqual(ids(catalog));
    expect(ids(searchServices(catalog, { category: '  youtube ' }))).toEqual([4]);
  });

  it('includes a service whose rate equals either bound', () => {
    expect(ids(searchServices(catalog, { minRate: 0.012, maxRate: 0.012 }))).toEqual([3]);
    expect(ids(searchServices(catalog, { minRate: 0 }))).toEqual([1, 2, 3, 5, 199825]);
  });

  it('refuses a rate bound that is negative or not a finite number, saying what is allowed', () => {
    const refusal = (options: { minRate?: number; maxRate?: number }) => {
      try {
        searchServices(catalog, options);
      } catch (error) {
        return error;
      }
      return 'accepted';
    };
    expect(refusal({ maxRate: -0.5 })).toEqual(
      new InvalidRequestError('maxRate must be a number of USD per unit, 0 or more (got -0.5)'),
    );
    expect(refusal({ minRate: Number.NaN })).toEqual(
      new InvalidRequestError('minRate must be a number of USD per unit, 0 or more (got NaN)'),
    );
    expect(refusal({ maxRate: Number.POSITIVE_INFINITY })).toEqual(
      new InvalidRequestError('maxRate must be a number of USD per unit, 0 or more (got Infinity)'),
    );
    expect(searchServices(catalog, { minRate: 0, maxRate: 0 })).toEqual([]);
  });
});

describe('listCategories order', () => {
  it('sorts categories by name whatever the catalog order', () => {
    const services = [service(1, 'a', 'YouTube'), service(2, 'b', 'Steam'), service(3, 'c', 'YouTube')];
    expect(listCategories([...services, service(4, 'd', 'Instagram')])).toEqual([
      { category: 'Instagram', count: 1 },
      { category: 'Steam', count: 1 },
      { category: 'YouTube', count: 2 },
    ]);
    expect(listCategories([])).toEqual([]);
  });
});

describe('paginate edges', () => {
  const items = [1, 2, 3, 4, 5];
  const refusal = (options: Parameters<typeof paginate>[1]) => {
    try {
      paginate(items, options);
    } catch (error) {
      return error;
    }
    return 'accepted';
  };

  it('refuses a limit that is not a whole number of at least 1', () => {
    expect(refusal({ limit: 1.5 })).toEqual(
      new InvalidRequestError('limit must be a whole number of at least 1 (got 1.5)'),
    );
    expect(refusal({ limit: -2 })).toEqual(
      new InvalidRequestError('limit must be a whole number of at least 1 (got -2)'),
    );
    expect(paginate(items, { limit: 1 })).toEqual({ items: [1], nextCursor: '1', total: 5 });
  });

  it('starts from the first page with an empty cursor, and ends with an empty page at the end', () => {
    expect(paginate(items, { limit: 2, cursor: '' })).toEqual({ items: [1, 2], nextCursor: '2', total: 5 });
    expect(paginate(items, { limit: 2, cursor: '5' })).toEqual({ items: [], total: 5 });
    expect(paginate(items, { limit: 5 })).toEqual({ items, total: 5 });
  });

  it("accepts only the digits it wrote, naming the caller's cursor field in the refusal", () => {
    const message = (cursor: string) =>
      `cursor ${cursor} is not valid here: pass the next_cursor of the previous page, or no cursor to start from the first page`;
    for (const cursor of ['-1', '1e0', ' 2', '2 ', 'x2', '2x', '6', '1234567890123456']) {
      expect(refusal({ limit: 2, cursor, nextCursorName: 'next_cursor' })).toEqual(
        new InvalidRequestError(message(JSON.stringify(cursor))),
      );
    }
    expect(refusal({ limit: 2, cursor: 'a'.repeat(60), nextCursorName: 'next_cursor' })).toEqual(
      new InvalidRequestError(message(JSON.stringify('a'.repeat(40)))),
    );
    expect(paginate(items, { limit: 2, cursor: '003' })).toEqual({ items: [4, 5], total: 5 });
    expect(paginate(items, { limit: 2, cursor: '0' })).toEqual({ items: [1, 2], nextCursor: '2', total: 5 });
  });
});
