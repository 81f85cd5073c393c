import { describe, expect, test } from 'vitest';
import { generateCatalog } from './catalog.js';
import { defaultKey } from './state.js';

describe('the seeded catalog', () => {
  const catalog = generateCatalog(1, 2400);
  const services = catalog.map((entry) => entry.service);

  test('has the requested size, unique increasing ids and the vendor examples first', () => {
    expect(services).toHaveLength(2400);
    const ids = services.map((service) => service.service);
    expect(ids.every((id, index) => index === 0 || id > (ids[index - 1] as number))).toBe(true);
    expect(services.slice(0, 2).map((service) => [service.service, service.category, service.name])).toEqual([
      [199825, 'Steam', 'Steam Like SharedFiles/Screenshots/Guides/Workshop [Max: 100]'],
      [199826, 'Steam', 'Steam Favorite SharedFiles/Screenshots/Guides/Workshop [Max: 100]'],
    ]);
  });

  test('spreads over the platforms people buy for', () => {
    const counts = new Map<string, number>();
    for (const service of services) counts.set(service.category, (counts.get(service.category) ?? 0) + 1);
    for (const category of [
      'Steam',
      'Instagram',
      'TikTok',
      'YouTube',
      'Telegram',
      'Twitter/X',
      'Facebook',
      'Spotify',
      'Twitch',
      'Discord',
    ]) {
      expect(counts.get(category), category).toBeGreaterThan(20);
    }
    expect(new Set(services.map((service) => service.name)).size).toBeGreaterThan(1000);
  });

  test('prices and limits are realistic: every order at the minimum costs at least a cent', () => {
    for (const { service, rateMicros } of catalog) {
      expect(service.min).toBeGreaterThanOrEqual(1);
      expect(service.max).toBeGreaterThan(service.min);
      expect(service.max).toBeLessThanOrEqual(100_000);
      expect(rateMicros * service.min).toBeGreaterThanOrEqual(10_000);
      if (service.rate !== undefined) expect(service.rate).toBe(rateMicros / 1_000_000);
      expect(service.name).toMatch(/ \[Max: \d+K?\]$/);
    }
    const rates = services.flatMap((service) => (service.rate === undefined ? [] : [service.rate]));
    expect(Math.min(...rates)).toBe(0.0008);
    expect(Math.max(...rates)).toBe(0.5);
    expect(rates.filter((rate) => rate < 0.01).length).toBeGreaterThan(rates.length / 2);
  });

  test('a small share has no rate and some descriptions are null', () => {
    const withoutRate = services.filter((service) => !('rate' in service)).length;
    expect(withoutRate).toBeGreaterThan(20);
    expect(withoutRate).toBeLessThan(240);
    const nullDesc = services.filter((service) => service.desc === null).length;
    expect(nullDesc).toBeGreaterThan(400);
    expect(nullDesc).toBeLessThan(1400);
  });

  test('the same seed gives the same catalog and key; another seed does not', () => {
    expect(generateCatalog(1, 2400)).toEqual(catalog);
    expect(defaultKey(1)).toBe(defaultKey(1));
    expect(defaultKey(1)).toMatch(/^sbx_[0-9a-f]{32}$/);
    expect(generateCatalog(2, 2400)).not.toEqual(catalog);
    expect(defaultKey(2)).not.toBe(defaultKey(1));
  });

  test('a size too small to hold the vendor examples is refused', () => {
    expect(() => generateCatalog(1, 1)).toThrow('services must be an integer of at least 2, got 1');
    expect(() => generateCatalog(1, 2.5)).toThrow(RangeError);
  });
});
