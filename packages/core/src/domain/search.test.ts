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
