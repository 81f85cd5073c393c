// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/search.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import { InvalidRequestError } from './errors.js';
import type { CategoryCount, Page, SearchServicesOptions, Service } from './types.js';

/**
 * Services matching every word of `query` (any order, case-insensitive) and the category and rate filters,
 * best matches first: words found in the name rank above words found only in the category or description,
 * whole words above parts of words, and an exact service id above everything. Without a query the catalog
 * order is kept.
 */
export function searchServices(services: readonly Service[], options: SearchServicesOptions = {}): Service[] {
  const { category, minRate, maxRate } = options;
  checkRate('minRate', minRate);
  checkRate('maxRate', maxRate);
  const wantedCategory = category?.trim().toLowerCase();
  const words = wordsOf(options.query ?? '');

  const scored: { service: Service; score: number }[] = [];
  services.forEach((service) => {
    if (wantedCategory !== undefined && wantedCategory !== '' && service.category.toLowerCase() !== wantedCategory) {
      return;
    }
    if (minRate !== undefined && (service.rate === undefined || service.rate < minRate)) return;
    if (maxRate !== undefined && (service.rate === undefined || service.rate > maxRate)) return;
    const score = words.length === 0 ? 0 : scoreOf(service, words);
    if (score > 0 || words.length === 0) scored.push({ service, score });
  });
  // Array.prototype.sort is stable: equally good matches keep the catalog order.
  scored.sort((a, b) => b.score - a.score);
  return scored.map((entry) => entry.service);
}

/** Every category with its number of services, by name. */
export function listCategories(services: readonly Service[]): CategoryCount[] {
  const counts = new Map<string, number>();
  for (const service of services) counts.set(service.category, (counts.get(service.category) ?? 0) + 1);
  // The names are a Map's keys, so no two are equal: a name not before the other is after it.
  return [...counts]
    .map(([category, count]) => ({ category, count }))
    .sort((a, b) => (a.category < b.category ? -1 : 1));
}

/**
 * One page of `items`. The cursor is opaque to callers (it is the offset of the next item): pass `nextCursor`
 * back to get the next page. Pages of a list that does not change cover every item exactly once.
 */
export function paginate<T>(
  items: readonly T[],
  options: {
    limit: number;
    cursor?: string | undefined;
    /** The next page's cursor as the caller's user sees it in answers (the MCP tools say `next_cursor`). */
    nextCursorName?: string;
  },
): Page<T> {
  const { limit, cursor, nextCursorName = 'nextCursor' } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidRequestError(`limit must be a whole number of at least 1 (got ${String(limit)})`);
  }
  let start = 0;
  if (cursor !== undefined && cursor !== '') {
    start = /^\d{1,15}$/.test(cursor) ? Number(cursor) : -1;
    if (start < 0 || start > items.length) {
      throw new InvalidRequestError(
        `cursor ${JSON.stringify(cursor.slice(0, 40))} is not valid here: pass the ${nextCursorName} of the previous page, or no cursor to start from the first page`,
      );
    }
  }
  const end = Math.min(start + limit, items.length);
  const page: Page<T> = { items: items.slice(start, end), total: items.length };
  if (end < items.length) page.nextCursor = String(end);
  return page;
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

const IN_NAME = 10;
const IN_CATEGORY = 6;
const IN_DESCRIPTION = 2;
const WHOLE_WORD_BONUS = 2;
const EXACT_ID = 1000;

/** 0 when a word is missing; otherwise higher for better places to find the words. */
function scoreOf(service: Service, words: readonly string[]): number {
  if (words.length === 1 && words[0] === String(service.service)) return EXACT_ID;
  const fields: [string[], number][] = [
    [wordsOf(service.name), IN_NAME],
    [wordsOf(service.category), IN_CATEGORY],
    [wordsOf(service.desc ?? ''), IN_DESCRIPTION],
    [[String(service.service)], IN_NAME],
  ];
  let total = 0;
  for (const word of words) {
    let best = 0;
    for (const [fieldWords, weight] of fields) {
      for (const candidate of fieldWords) {
        if (candidate === word) best = Math.max(best, weight + WHOLE_WORD_BONUS);
        else if (candidate.startsWith(word)) best = Math.max(best, weight + 1);
        else if (candidate.includes(word)) best = Math.max(best, weight);
      }
    }
    if (best === 0) return 0;
    total += best;
  }
  return total;
}

function checkRate(name: 'minRate' | 'maxRate', value: number | undefined): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
    throw new InvalidRequestError(`${name} must be a number of USD per unit, 0 or more (got ${String(value)})`);
  }
}
