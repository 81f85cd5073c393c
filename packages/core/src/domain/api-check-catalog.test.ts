import { describe, expect, it } from 'vitest';
import { catalogService, SECRET } from '../../test/api-check-fixtures.js';
import { quoter } from './api-check-answers.js';
import { balanceFindings, servicesFindings } from './api-check-catalog.js';
import { type ApiCheckFinding, probeNamed } from './api-check-plan.js';

// What Balance and ServicesList answer with the account's key, compared with the contract: the sentences a user reads.

const quote = quoter([SECRET]);
const balance = (json: unknown) => balanceFindings(probeNamed('balance'), json, quote);
const services = (json: unknown) => servicesFindings(probeNamed('services'), json, quote);
const service = catalogService;
const byId = (findings: ApiCheckFinding[]) => Object.fromEntries(findings.map((finding) => [finding.id, finding]));
const CATALOG_MEANING =
  'the toolkit refuses a catalog with this difference as "unexpected body": search, quotes and orders fail';
const BALANCE_MEANING = 'the toolkit cannot read the balance: it reports "unexpected body" for every Balance call';

describe('balanceFindings', () => {
  it('a balance as the contract says: one match, the currency quoted, never the figure', () => {
    expect(balance({ balance: 987.65, currency: 'USD' })).toEqual([
      {
        id: 'balance.contract',
        checked: 'Balance',
        result: 'matched',
        observed: 'balance present, a number; currency "USD"',
        meaning: "as the contract's Balance schema says (names, types, nullability): the toolkit reads the balance",
        handled: true,
      },
    ]);
  });

  it('another currency is handled, said after the match; an extra field is said too', () => {
    expect(balance({ balance: 1, currency: 'EUR', extra: true })).toEqual([
      expect.objectContaining({ id: 'balance.contract', observed: 'balance present, a number; currency "EUR"' }),
      {
        id: 'balance.unknown_field.extra',
        checked: 'Balance',
        result: 'differed',
        observed: '`extra` (a boolean), a field the contract does not know, is there',
        meaning: 'the toolkit ignores it',
        handled: true,
      },
      {
        id: 'balance.currency',
        checked: 'Balance',
        result: 'differed',
        observed: 'the currency is "EUR", not "USD"',
        meaning: 'rates are in USD: the toolkit shows this balance as it is, but does not compare it with prices',
        handled: true,
      },
    ]);
  });

  it('a balance of the wrong type, or missing, is not handled and gives no match', () => {
    expect(balance({ balance: '1.00', currency: 'USD' })).toEqual([
      {
        id: 'balance.wrong_type.balance',
        checked: 'Balance',
        result: 'differed',
        observed: '`balance` is a string; the contract says a number',
        meaning: BALANCE_MEANING,
        handled: false,
      },
    ]);
    expect(balance({ currency: 'USD' })).toEqual([
      expect.objectContaining({
        id: 'balance.missing.balance',
        observed: '`balance` is missing; the contract requires it (a number)',
        handled: false,
      }),
    ]);
    expect(balance('1.00')).toEqual([
      expect.objectContaining({
        id: 'balance.wrong_type.entry',
        observed: 'the answer is a string; the contract says an object',
        handled: false,
      }),
    ]);
  });

  it('a renamed field is said once, as a rename', () => {
    expect(balance({ Balance: 5, currency: 'USD' })).toEqual([
      {
        id: 'balance.renamed.balance',
        checked: 'Balance',
        result: 'differed',
        observed:
          '`balance` is missing and `Balance` (an integer), a field the contract does not know, is there instead: it looks renamed; the contract requires `balance` (a number)',
        meaning: BALANCE_MEANING,
        handled: false,
      },
    ]);
  });

  it('an error message in place of a balance is an error sent as a 200', () => {
    expect(balance({ error: `bad key ${SECRET}` })).toEqual([
      {
        id: 'balance.error_as_200',
        checked: 'Balance',
        result: 'differed',
        observed: 'HTTP 200 with an error message instead of a balance: "bad key ***"',
        meaning:
          'the toolkit takes an HTTP 200 for an answer and cannot read this one: it reports "unexpected body" (and retries reads) instead of the error, and a refused RegisterOrder in this shape (without `success`) would be reported as "the order may have been placed"',
        handled: false,
      },
    ]);
  });

  it('a valid balance with a `message` field is a balance, not an error', () => {
    expect(balance({ balance: 1, currency: 'USD', message: 'hello' }).map((finding) => finding.id)).toEqual([
      'balance.contract',
      'balance.unknown_field.message',
    ]);
  });
});

describe('servicesFindings: the catalog against the contract', () => {
  it('a catalog as the contract says: a match, its size, its rates, its min and max', () => {
    expect(services([service(1), service(2)])).toEqual([
      {
        id: 'services.contract',
        checked: 'ServicesList, every service',
        result: 'matched',
        observed: "every field matches the contract's Service schema (names, types, nullability)",
        meaning: 'as the contract says',
        handled: true,
      },
      {
        id: 'services.size',
        checked: 'ServicesList, the catalog',
        result: 'matched',
        observed: '2 services in 1 category: Steam',
        meaning: 'the catalog the toolkit searches, quotes from and checks orders against',
        handled: true,
      },
      {
        id: 'services.rates',
        checked: 'ServicesList, rates',
        result: 'matched',
        observed: 'every service has a `rate`',
        meaning: 'the toolkit can price every order',
        handled: true,
      },
      {
        id: 'services.min_max',
        checked: 'ServicesList, the catalog',
        result: 'matched',
        observed: 'min is at most max for every service',
        meaning: 'quantities can be checked',
        handled: true,
      },
    ]);
  });

  it('a field of the wrong type: how many services, the first by its id, every type seen', () => {
    const findings = byId(
      services([service(1), service(2, { rate: '0.01' }), service(3, { rate: true }), service(4, { rate: 'x' })]),
    );
    expect(findings['services.wrong_type.rate']).toEqual({
      id: 'services.wrong_type.rate',
      checked: 'ServicesList, every service',
      result: 'differed',
      observed: '`rate` is a string or a boolean in 3 of 4 services (first: service 2); the contract says a number',
      meaning: CATALOG_MEANING,
      handled: false,
    });
    expect(findings['services.contract']).toBeUndefined();
  });

  it('an entry that is not an object is named by its place', () => {
    expect(byId(services([service(1), 'x']))['services.wrong_type.entry']?.observed).toBe(
      'an entry is a string in 1 of 2 services (first: entry #2); the contract says an object',
    );
  });

  it('a number below its minimum, and an id too large to hold exactly', () => {
    const findings = byId(services([service(1, { min: -1 }), service(2 ** 60)]));
    expect(findings['services.below_minimum.min']?.observed).toBe(
      '`min` is below its minimum in 1 of 2 services (first: service 1); the contract says 0 or more',
    );
    expect(findings['services.unsafe_integer.service']?.observed).toBe(
      '`service` is an integer out of that range in 1 of 2 services (first: entry #2); the contract says an integer an int64 holds exactly',
    );
  });

  it('a field missing from every service, with an unknown field of a fitting type in its place, is a rename', () => {
    const renamed = [1, 2].map((id) => {
      const { service: _, ...rest } = service(id);
      return { id, ...rest };
    });
    const findings = services(renamed);
    expect(findings.filter((finding) => finding.result === 'differed')).toEqual([
      {
        id: 'services.renamed.service',
        checked: 'ServicesList, every service',
        result: 'differed',
        observed:
          '`service` is missing in 2 of 2 services (first: entry #1) and `id` (an integer), a field the contract does not know, is there instead: it looks renamed; the contract requires `service` (an integer)',
        meaning: CATALOG_MEANING,
        handled: false,
      },
    ]);
  });

  it('not a rename when the counts differ or the type does not fit', () => {
    const { name: _, ...noName } = service(2);
    const findings = byId(services([service(1, { title: 'x' }), { ...noName, title: 'y' }]));
    expect(findings['services.missing.name']?.observed).toBe(
      '`name` is missing in 1 of 2 services (first: service 2); the contract requires it (a string)',
    );
    expect(findings['services.unknown_field.title']).toEqual({
      id: 'services.unknown_field.title',
      checked: 'ServicesList, every service',
      result: 'differed',
      observed:
        '`title` (a string), a field the contract does not know, is there in 2 of 2 services (first: service 1)',
      meaning: 'the toolkit ignores it',
      handled: true,
    });
    const { min: __, ...noMin } = service(3);
    const mismatched = byId(services([{ ...noMin, minimum: 'one' }]));
    expect(Object.keys(mismatched)).toContain('services.missing.min');
    expect(Object.keys(mismatched)).toContain('services.unknown_field.minimum');
  });

  it('which types fit a renamed field: an integer fits a number, decimals do not fit an integer', () => {
    const { min: _, ...noMin } = service(1);
    expect(Object.keys(byId(services([{ ...noMin, minimum: 1.5 }])))).toEqual(
      expect.arrayContaining(['services.missing.min', 'services.unknown_field.minimum']),
    );
    expect(Object.keys(byId(services([{ ...noMin, minimum: 2 }])))).toContain('services.renamed.min');
    const { category: __, ...noCategory } = service(1);
    expect(Object.keys(byId(services([{ ...noCategory, group: 'Steam' }])))).toContain('services.renamed.category');
    expect(Object.keys(byId(services([{ ...noCategory, group: ['Steam'] }])))).toContain('services.missing.category');
    expect(balance({ amount: 1.5, currency: 'USD' }).map((finding) => finding.id)).toEqual(['balance.renamed.balance']);
  });

  it('not a rename when only some of the types of the unknown field fit', () => {
    const { min: _, ...noMin } = service(1);
    const ids = services([
      { ...noMin, minimum: 2 },
      { ...noMin, service: 2, minimum: 'two' },
    ]).map((finding) => finding.id);
    expect(ids).toContain('services.missing.min');
    expect(ids).toContain('services.unknown_field.minimum');
  });

  it('only an unknown field stands in for a missing one, and only a missing one is renamed', () => {
    const { name: _, ...noName } = service(1);
    const ids = services([{ ...noName, min: '1' }]).map((finding) => finding.id);
    expect(ids).toContain('services.missing.name');
    expect(ids).toContain('services.wrong_type.min');
    expect(balance({ balance: '1', currency: 'USD', amount: 1 }).map((finding) => finding.id)).toEqual([
      'balance.wrong_type.balance',
      'balance.unknown_field.amount',
    ]);
  });

  it('one unknown field stands in for one missing field only', () => {
    const { min: _, max: __, ...noRange } = service(1);
    const findings = services([{ ...noRange, limit: 5 }]).map((finding) => finding.id);
    expect(findings).toContain('services.renamed.min');
    expect(findings).toContain('services.missing.max');
    expect(findings).not.toContain('services.renamed.max');
  });

  it('not a list: an error message is an error sent as a 200, anything else is said by its shape', () => {
    expect(services({ message: 'maintenance' })).toEqual([
      expect.objectContaining({
        id: 'services.error_as_200',
        checked: 'ServicesList',
        observed: 'HTTP 200 with an error message instead of the catalog: "maintenance"',
        handled: false,
      }),
    ]);
    expect(services({ data: [] })).toEqual([
      {
        id: 'services.not_a_list',
        checked: 'ServicesList',
        result: 'differed',
        observed: 'HTTP 200 with {data: [] (an empty list)} instead of a list of services',
        meaning: CATALOG_MEANING,
        handled: false,
      },
    ]);
  });
});

describe('servicesFindings: catalog facts', () => {
  it('an empty catalog is said, and handled', () => {
    expect(services([])).toEqual([
      expect.objectContaining({ id: 'services.contract' }),
      {
        id: 'services.empty',
        checked: 'ServicesList, the catalog',
        result: 'differed',
        observed: 'the catalog is empty',
        meaning: 'there is nothing to order, through the toolkit or otherwise',
        handled: true,
      },
    ]);
  });

  it('lists six categories, then how many more, each scrubbed', () => {
    const names = ['A', 'B', 'C', 'D', 'E', `F ${SECRET}`, 'G', 'H'];
    const size = (count: number) =>
      byId(services(names.slice(0, count).map((category, index) => service(index + 1, { category }))))['services.size']
        ?.observed;
    expect(size(8)).toBe('8 services in 8 categories: A, B, C, D, E, F *** and 2 more');
    expect(size(6)).toBe('6 services in 6 categories: A, B, C, D, E, F ***');
    expect(size(2)).toBe('2 services in 2 categories: A, B');
  });

  it('counts only entries that are objects, and categories that are text', () => {
    expect(byId(services([service(1, { category: 7 }), 'x']))['services.size']?.observed).toBe(
      '1 services in 0 categories',
    );
  });

  it('rates: some missing is allowed, all missing is not', () => {
    const { rate: _, ...noRate } = service(2);
    expect(byId(services([service(1), noRate, 'x']))['services.some_without_rate']).toEqual({
      id: 'services.some_without_rate',
      checked: 'ServicesList, rates',
      result: 'matched',
      observed: '1 of 2 services have no `rate` (first: service 2); the contract allows that',
      meaning: 'the toolkit lists them but cannot quote them or check their price',
      handled: true,
    });
    expect(byId(services([noRate, { ...noRate, service: 3 }]))['services.rate_missing']).toEqual({
      id: 'services.rate_missing',
      checked: 'ServicesList, rates',
      result: 'differed',
      observed: "no service has a `rate` (0 of 2): the vendor's page lists the field, its example leaves it out",
      meaning:
        'the toolkit cannot price any order: quotes fail, so orders that need one (the MCP server) are refused, and price limits cannot be checked',
      handled: false,
    });
  });

  it('min above max: how many, the first with its figures; min equal to max is fine', () => {
    const findings = byId(
      services([
        service(1),
        service(2, { min: 5, max: 5 }),
        service(3, { min: 9, max: 2 }),
        service(4, { min: 3, max: 1 }),
      ]),
    );
    expect(findings['services.min_above_max']).toEqual({
      id: 'services.min_above_max',
      checked: 'ServicesList, the catalog',
      result: 'differed',
      observed: '2 of 4 services have min above max (first: service 3, min 9, max 2)',
      meaning:
        'the toolkit refuses every quantity for them (it checks quantities against min and max), so they cannot be ordered through it',
      handled: true,
    });
    expect(findings['services.min_max']).toBeUndefined();
    expect(Object.keys(byId(services([service(1, { min: '9', max: 2 }), service(2, { min: 9, max: '2' })])))).toContain(
      'services.min_max',
    );
  });

  it('services without an id are not repeated ids (the missing id is said by the contract check)', () => {
    const { service: _, ...noId } = service(1);
    expect(services([noId, noId, service(2)]).map((finding) => finding.id)).not.toContain('services.duplicate_ids');
  });

  it('repeated ids: how many ids, the first of them, not handled', () => {
    const findings = byId(services([service(1), service(2), service(1), service(2), service(2), service(3)]));
    expect(findings['services.duplicate_ids']).toEqual({
      id: 'services.duplicate_ids',
      checked: 'ServicesList, the catalog',
      result: 'differed',
      observed: '2 service ids appear more than once (first: service 1)',
      meaning:
        'the toolkit prices and checks an order against the first entry of an id, which may not be the one the API charges',
      handled: false,
    });
    expect(byId(services([service(1), service(2)]))['services.duplicate_ids']).toBeUndefined();
  });
});
