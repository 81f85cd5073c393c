import { describe, expect, it } from 'vitest';
import { CONTRACT_RESPONSES, CONTRACT_SCHEMAS } from '../generated/contract-schemas.js';
import {
  assertUnderstood,
  CONTRACT_SCHEMA_NAMES,
  compareWithContract,
  contractResponseSchema,
  describeShape,
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
    expect(() => assertUnderstood({ type: 'string', pattern: '^a' } as never)).toThrow('uses "pattern"');
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
    expect(contractResponseSchema('Balance', 404, 'application/json').listed).toBe(false);
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
});
