import { describe, expect, it } from 'vitest';
import { CONTRACT_RESPONSES, CONTRACT_SCHEMAS } from '../generated/contract-schemas.js';
import {
  assertUnderstood,
  breaksContract,
  CONTRACT_SCHEMA_NAMES,
  compareWithContract,
  compareWithSchema,
  contractResponseSchema,
  describeShape,
  formatPath,
  jsonTypeOf,
} from './contract-check.js';

describe('compareWithContract', () => {
  it('understands every keyword of every schema the contract has', () => {
    expect(CONTRACT_SCHEMA_NAMES).toEqual(
      expect.arrayContaining(['Balance', 'Service', 'OrderStatus', 'RegisterOrderResult', 'ProblemDetails']),
    );
    for (const [name, schema] of Object.entries(CONTRACT_SCHEMAS)) assertUnderstood(schema, name);
    for (const [operation, byStatus] of Object.entries(CONTRACT_RESPONSES)) {
      for (const [status, media] of Object.entries(byStatus)) {
        for (const [type, schema] of Object.entries(media)) assertUnderstood(schema, `${operation} ${status} ${type}`);
      }
    }
  });

  it('finds nothing in answers shaped as the contract says', () => {
    expect(compareWithContract('Balance', { balance: 250.75, currency: 'USD' })).toEqual([]);
    expect(
      compareWithContract('Service', { service: 1, category: 'Steam', name: 'x', min: 1, max: 10, desc: null }),
    ).toEqual([]);
    expect(
      compareWithContract('OrderStatus', {
        status: 'completed',
        charge: 1.5,
        walletReturn: 0,
        mode: null,
        success: 10,
        failed: 0,
        observation: null,
        currency: 'USD',
      }),
    ).toEqual([]);
  });

  it('names each difference by field and type, never by value', () => {
    const differences = compareWithContract('Service', {
      category: 'Steam',
      name: null,
      rate: '0.012',
      min: -1,
      max: 1.5,
      desc: 7,
      id: 199825,
    });
    expect(differences).toEqual([
      { kind: 'missing', path: ['service'], expected: 'an integer', got: 'nothing' },
      { kind: 'wrong_type', path: ['name'], expected: 'a string', got: 'null' },
      { kind: 'wrong_type', path: ['rate'], expected: 'a number', got: 'a string' },
      { kind: 'below_minimum', path: ['min'], expected: '0 or more', got: 'a smaller number' },
      { kind: 'wrong_type', path: ['max'], expected: 'an integer', got: 'a number with decimals' },
      { kind: 'wrong_type', path: ['desc'], expected: 'a string or null', got: 'an integer' },
      { kind: 'unknown_field', path: ['id'], expected: 'no such field', got: 'an integer' },
    ]);
    const balance = compareWithContract('Balance', { balance: '987.65', currency: 'USD' });
    expect(JSON.stringify(balance)).not.toContain('987');
  });

  it('flags an int64 id too large for a JavaScript number to hold exactly', () => {
    expect(
      compareWithContract('Service', { service: 2 ** 60, category: 'a', name: 'b', min: 1, max: 2 }).map(
        (difference) => difference.kind,
      ),
    ).toEqual(['unsafe_integer']);
  });

  it('tells which answers the contract lists for a status and media type', () => {
    expect(contractResponseSchema('OrderStatus', 404, 'application/problem+json')).toEqual({
      listed: true,
      schema: { $ref: 'ProblemDetails' },
      mediaTypes: ['application/problem+json'],
    });
    expect(contractResponseSchema('Balance', 404, 'application/json')).toEqual({
      listed: false,
      schema: undefined,
      mediaTypes: [],
    });
    expect(contractResponseSchema('Balance', 200, 'text/html')).toMatchObject({ listed: true, schema: undefined });
  });
});

describe('describeShape', () => {
  it('shows field names and types, and no value', () => {
    const shape = describeShape({ balance: 987.65, currency: 'USD', extra: { nested: [1, 2] } });
    expect(shape).toBe('{balance: number, currency: string, extra: {nested: [2 x integer]}}');
    expect(describeShape([{ service: 1, rate: 0.5 }, { service: 2 }])).toBe('[2 x {service: integer, rate: number}]');
    expect(describeShape([])).toBe('[] (an empty list)');
  });

  it('names every kind of value by its type', () => {
    expect(describeShape('987.65')).toBe('string');
    expect(describeShape(12)).toBe('integer');
    expect(describeShape(0.5)).toBe('number');
    expect(describeShape(null)).toBe('null');
    expect(describeShape(true)).toBe('boolean');
    expect(describeShape(undefined)).toBe('undefined');
    expect(describeShape({ a: null, b: false, c: [] })).toBe('{a: null, b: boolean, c: [] (an empty list)}');
  });

  it('stops two levels down, but still shows an empty object there', () => {
    expect(describeShape({ a: { b: { c: 1 } } })).toBe('{a: {b: {...}}}');
    expect(describeShape({ a: { b: {} } })).toBe('{a: {b: {}}}');
    expect(describeShape([[{ a: 1 }]])).toBe('[1 x [1 x {...}]]');
    expect(describeShape([{ a: [{ b: 1 }] }])).toBe('[1 x {a: [1 x {...}]}]');
    expect(describeShape({})).toBe('{}');
  });

  it('shows at most twelve fields and counts the rest', () => {
    const fields = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`f${i + 1}`, i]));
    const twelve =
      'f1: integer, f2: integer, f3: integer, f4: integer, f5: integer, f6: integer, f7: integer, f8: integer, f9: integer, f10: integer, f11: integer, f12: integer';
    expect(describeShape(fields(12))).toBe(`{${twelve}}`);
    expect(describeShape(fields(13))).toBe(`{${twelve}, ... 1 more}`);
    expect(describeShape(fields(20))).toBe(`{${twelve}, ... 8 more}`);
  });
});

describe('breaksContract', () => {
  it('counts every difference but a field the contract does not list', () => {
    const at = { path: ['rate'], expected: 'a number', got: 'a string' };
    for (const kind of ['missing', 'wrong_type', 'below_minimum', 'unsafe_integer'] as const) {
      expect(breaksContract({ kind, ...at })).toBe(true);
    }
    expect(breaksContract({ kind: 'unknown_field', path: ['id'], expected: 'no such field', got: 'an integer' })).toBe(
      false,
    );
  });
});

describe('compareWithContract, rule by rule', () => {
  const service = { service: 1, category: 'Steam', name: 'x', min: 0, max: 10 };

  it('takes a field present as undefined for an absent one (JSON has no undefined): reported once if required', () => {
    expect(compareWithContract('Balance', { balance: undefined, currency: 'USD' })).toEqual([
      { kind: 'missing', path: ['balance'], expected: 'a number', got: 'nothing' },
    ]);
    expect(compareWithContract('Service', { ...service, rate: undefined, id: undefined })).toEqual([]);
  });

  it('reports a value of the wrong type once, without checking its range', () => {
    expect(compareWithContract('Service', { ...service, min: -1.5 })).toEqual([
      { kind: 'wrong_type', path: ['min'], expected: 'an integer', got: 'a number with decimals' },
    ]);
  });

  it('accepts a minimum itself and flags anything below it', () => {
    expect(compareWithContract('Service', { ...service, rate: 0 })).toEqual([]);
    expect(compareWithContract('Service', { ...service, rate: -0.001 })).toEqual([
      { kind: 'below_minimum', path: ['rate'], expected: '0 or more', got: 'a smaller number' },
    ]);
    expect(compareWithSchema({ type: 'number', minimum: 5 }, 4.5)).toEqual([
      { kind: 'below_minimum', path: [], expected: '5 or more', got: 'a smaller number' },
    ]);
  });

  it('takes a number that is not finite for a wrong type, not a number', () => {
    for (const balance of [Number.POSITIVE_INFINITY, Number.NaN]) {
      expect(compareWithContract('Balance', { balance, currency: 'USD' })).toEqual([
        { kind: 'wrong_type', path: ['balance'], expected: 'a number', got: 'a number that is not finite' },
      ]);
    }
    expect(compareWithContract('Service', { ...service, max: Number.POSITIVE_INFINITY })).toEqual([
      { kind: 'wrong_type', path: ['max'], expected: 'an integer', got: 'a number that is not finite' },
    ]);
  });

  it('tells booleans, lists and objects apart', () => {
    expect(compareWithContract('RegisterOrderResult', { success: true, orderId: 5, insufficientFunds: false })).toEqual(
      [],
    );
    expect(compareWithContract('RegisterOrderResult', { success: 'true', insufficientFunds: 0 })).toEqual([
      { kind: 'wrong_type', path: ['success'], expected: 'a boolean', got: 'a string' },
      { kind: 'wrong_type', path: ['insufficientFunds'], expected: 'a boolean', got: 'an integer' },
    ]);
    expect(compareWithContract('Balance', [])).toEqual([
      { kind: 'wrong_type', path: [], expected: 'an object', got: 'a list' },
    ]);
    expect(compareWithContract('ProblemDetails', { errors: [] })).toEqual([
      { kind: 'wrong_type', path: ['errors'], expected: 'an object', got: 'a list' },
    ]);
    expect(compareWithContract('ProblemDetails', null)).toEqual([
      { kind: 'wrong_type', path: [], expected: 'an object', got: 'null' },
    ]);
  });

  it('checks the fields of an open map (the errors of problem details) against their schema', () => {
    expect(
      compareWithContract('ProblemDetails', {
        title: 'Bad request',
        status: 400,
        errors: { quantity: ['too small'], link: 'not a URL', extra: [3] },
      }),
    ).toEqual([
      { kind: 'wrong_type', path: ['errors', 'link'], expected: 'a list', got: 'a string' },
      { kind: 'wrong_type', path: ['errors', 'extra', 0], expected: 'a string', got: 'an integer' },
    ]);
  });

  it('flags an integer out of an int32 or int64 range, and accepts both ends of each', () => {
    const int32 = { type: 'integer', format: 'int32' } as const;
    for (const value of [-2_147_483_648, 0, 2_147_483_647]) expect(compareWithSchema(int32, value)).toEqual([]);
    for (const value of [-2_147_483_649, 2_147_483_648]) {
      expect(compareWithSchema(int32, value)).toEqual([
        {
          kind: 'unsafe_integer',
          path: [],
          expected: 'an integer an int32 holds exactly',
          got: 'an integer out of that range',
        },
      ]);
    }
    for (const orderId of [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, null]) {
      expect(compareWithContract('RegisterOrderResult', { success: true, orderId })).toEqual([]);
    }
    for (const orderId of [-(2 ** 60), 2 ** 53]) {
      expect(compareWithContract('RegisterOrderResult', { success: true, orderId })).toEqual([
        {
          kind: 'unsafe_integer',
          path: ['orderId'],
          expected: 'an integer an int64 holds exactly',
          got: 'an integer out of that range',
        },
      ]);
    }
  });

  it('flags only integers as out of range: a number with decimals is no integer to lose', () => {
    expect(compareWithSchema({ type: 'number', format: 'int32' }, 3_000_000_000.5)).toEqual([]);
    expect(compareWithSchema({ type: 'number', format: 'double' }, 2 ** 60)).toEqual([]);
  });

  it('checks each entry of a list, by its index, and leaves a list the contract does not describe alone', () => {
    const list = contractResponseSchema('ServicesList', 200, 'application/json').schema;
    if (list === undefined) throw new Error('the contract lists no catalog answer');
    expect(compareWithSchema(list, [service, { ...service, rate: 'free' }])).toEqual([
      { kind: 'wrong_type', path: [1, 'rate'], expected: 'a number', got: 'a string' },
    ]);
    expect(compareWithSchema(list, {})).toEqual([
      { kind: 'wrong_type', path: [], expected: 'a list', got: 'an object' },
    ]);
    expect(compareWithSchema({ type: 'array' }, [1, 'a', null])).toEqual([]);
  });

  it('says what a missing field should be, following references, or "a value" when the contract does not say', () => {
    const schema = {
      type: 'object',
      required: ['balance', 'note', 'anything'],
      properties: { balance: { $ref: 'Balance' }, note: {} },
    } as const;
    expect(compareWithSchema(schema, {})).toEqual([
      { kind: 'missing', path: ['balance'], expected: 'an object', got: 'nothing' },
      { kind: 'missing', path: ['note'], expected: 'a value', got: 'nothing' },
      { kind: 'missing', path: ['anything'], expected: 'a value', got: 'nothing' },
    ]);
  });

  it('accepts any value where the contract gives no type, and any field in an object it gives no fields for', () => {
    for (const value of [null, 'a', 1.5, true, [1], { a: 1 }]) expect(compareWithSchema({}, value)).toEqual([]);
    expect(compareWithSchema({ type: 'object' }, { a: 1, b: undefined })).toEqual([]);
  });

  it('names an unknown field by the type of its value', () => {
    expect(compareWithContract('Balance', { balance: 1, currency: 'USD', tags: [], note: null })).toEqual([
      { kind: 'unknown_field', path: ['tags'], expected: 'no such field', got: 'a list' },
      { kind: 'unknown_field', path: ['note'], expected: 'no such field', got: 'null' },
    ]);
  });

  it('refuses a type it does not know, saying which', () => {
    expect(() => compareWithSchema({ type: 'date' }, '2026-12-01')).toThrow(
      new Error('the contract uses the type "date", which the contract check does not know'),
    );
  });
});

describe('assertUnderstood', () => {
  it('names where an unknown keyword is: the schema, a property, the entries of a list, the values of a map', () => {
    const pattern = { type: 'string', pattern: '^a' } as never;
    expect(() => assertUnderstood(pattern)).toThrow(
      new Error('schema uses "pattern", which the contract check ignores'),
    );
    expect(() => assertUnderstood({ type: 'object', properties: { name: pattern } }, 'Service')).toThrow(
      new Error('Service.name uses "pattern", which the contract check ignores'),
    );
    expect(() => assertUnderstood({ type: 'array', items: pattern }, 'list')).toThrow(
      new Error('list[] uses "pattern", which the contract check ignores'),
    );
    expect(() => assertUnderstood({ type: 'object', additionalProperties: pattern }, 'errors')).toThrow(
      new Error('errors.* uses "pattern", which the contract check ignores'),
    );
    expect(() => assertUnderstood({ type: 'object', additionalProperties: false })).not.toThrow();
  });
});

describe('jsonTypeOf', () => {
  it('names the JSON type of a value, never the value', () => {
    const cases: [unknown, string][] = [
      [undefined, 'nothing'],
      [null, 'null'],
      [[1, 2], 'a list'],
      [Number.NaN, 'a number that is not finite'],
      [Number.NEGATIVE_INFINITY, 'a number that is not finite'],
      [42, 'an integer'],
      [-0.5, 'a number with decimals'],
      ['42', 'a string'],
      [false, 'a boolean'],
      [{ balance: 1 }, 'an object'],
      [10n, 'a bigint'],
      [() => 1, 'a function'],
    ];
    for (const [value, words] of cases) expect(jsonTypeOf(value)).toBe(words);
  });
});

describe('formatPath', () => {
  it('reads a path with dots, and the empty path as the whole answer', () => {
    expect(formatPath([])).toBe('the answer');
    expect(formatPath(['rate'])).toBe('rate');
    expect(formatPath(['errors', 'quantity'])).toBe('errors.quantity');
    expect(formatPath([3, 'rate'])).toBe('3.rate');
  });
});
