// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/contract-check.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import {
  CONTRACT_RESPONSES,
  CONTRACT_SCHEMAS,
  type ContractOperationName,
  type ContractSchema,
  type ContractSchemaName,
} from '../generated/contract-schemas.js';

// Compares a parsed answer with a schema of the contract, as generated from openapi/reseller.openapi.yaml. It knows
// exactly the keywords the generator keeps (it refuses any other, so nothing in the contract is silently skipped),
// and says what differs by type only: an answer's values (a balance, an order) never appear in what it returns.

/** How a value differs from the contract: a missing field, a wrong type (null included), a number out of range, and the rest below. */
export type ContractDifferenceKind =
  /** A required field is absent. */
  | 'missing'
  /** A value of another JSON type than the contract's (null included). */
  | 'wrong_type'
  /** A number below the contract's `minimum`. */
  | 'below_minimum'
  /** An integer too large for a JavaScript number to hold exactly (an int64 past 2^53). */
  | 'unsafe_integer'
  /** A field the contract does not list. Allowed (the contract leaves objects open), but worth knowing: renames show up as one. */
  | 'unknown_field';

/** One way a value differs from the contract's schema: where, what kind, what was expected and what came. */
export interface ContractDifference {
  kind: ContractDifferenceKind;
  /** Where in the answer: [] is the answer itself, ['rate'] a field, [3, 'rate'] a field of the fourth entry. */
  path: readonly (string | number)[];
  /** What the contract expects, in words ("a number", "a string or null"); for unknown_field, "no such field". */
  expected: string;
  /** What the answer holds, by JSON type only ("a string", "null", "nothing"). Never a value. */
  got: string;
}

/** Whether a difference breaks the contract (everything but a field the contract does not list). */
export function breaksContract(difference: ContractDifference): boolean {
  return difference.kind !== 'unknown_field';
}

/** The differences between `value` and the contract's schema `name` (empty when it conforms and has no extra field). */
export function compareWithContract(name: ContractSchemaName, value: unknown): ContractDifference[] {
  const differences: ContractDifference[] = [];
  compare({ $ref: name }, value, [], differences);
  return differences;
}

/** The schema the contract gives for an answer of `operation` with `status` and `mediaType`, if it lists one. */
export function contractResponseSchema(
  operation: ContractOperationName,
  status: number,
  mediaType: string,
): { listed: boolean; schema: ContractSchema | undefined; mediaTypes: string[] } {
  const byStatus = CONTRACT_RESPONSES[operation][String(status)];
  if (byStatus === undefined) return { listed: false, schema: undefined, mediaTypes: [] };
  return { listed: true, schema: byStatus[mediaType], mediaTypes: Object.keys(byStatus) };
}

/** Like compareWithContract, for any schema of the contract (e.g. one from contractResponseSchema). */
export function compareWithSchema(schema: ContractSchema, value: unknown): ContractDifference[] {
  const differences: ContractDifference[] = [];
  compare(schema, value, [], differences);
  return differences;
}

const KNOWN_KEYWORDS = new Set([
  '$ref',
  'type',
  'required',
  'properties',
  'items',
  'additionalProperties',
  'minimum',
  'format',
]);

/** Throws when a schema of the contract uses a keyword this validator does not check (the generator refuses them too). */
export function assertUnderstood(schema: ContractSchema, where = 'schema'): void {
  for (const keyword of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(keyword)) throw new Error(`${where} uses "${keyword}", which the contract check ignores`);
  }
  for (const [name, inner] of Object.entries(schema.properties ?? {})) assertUnderstood(inner, `${where}.${name}`);
  if (schema.items !== undefined) assertUnderstood(schema.items, `${where}[]`);
  if (typeof schema.additionalProperties === 'object') assertUnderstood(schema.additionalProperties, `${where}.*`);
}

/** Every schema of the generated contract, for tests that prove the validator understands all of them. */
export const CONTRACT_SCHEMA_NAMES = Object.keys(CONTRACT_SCHEMAS) as ContractSchemaName[];

const INT_RANGES: Record<string, [number, number]> = {
  int32: [-2_147_483_648, 2_147_483_647],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A schema with its reference followed: the contract's schemas refer to each other by name. */
function resolve(schema: ContractSchema): ContractSchema {
  return schema.$ref === undefined ? schema : resolve(CONTRACT_SCHEMAS[schema.$ref]);
}

/** The JSON types a schema allows, as a list; undefined when it allows any. */
function typesOf(schema: ContractSchema): readonly string[] | undefined {
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

function compare(schema: ContractSchema, value: unknown, path: (string | number)[], out: ContractDifference[]): void {
  const resolved = resolve(schema);
  const types = typesOf(resolved);
  if (types !== undefined && !types.some((type) => hasType(value, type))) {
    out.push({ kind: 'wrong_type', path, expected: describeTypes(types), got: jsonTypeOf(value) });
  } else if (typeof value === 'number') {
    compareNumber(resolved, value, path, out);
  } else if (Array.isArray(value)) {
    const items = resolved.items;
    if (items !== undefined) for (const [index, entry] of value.entries()) compare(items, entry, [...path, index], out);
  } else if (isRecord(value)) {
    compareObject(resolved, value, path, out);
  }
}

function compareNumber(
  schema: ContractSchema,
  value: number,
  path: (string | number)[],
  out: ContractDifference[],
): void {
  if (value < (schema.minimum ?? Number.NEGATIVE_INFINITY)) {
    out.push({ kind: 'below_minimum', path, expected: `${schema.minimum} or more`, got: 'a smaller number' });
  }
  const range = schema.format === undefined ? undefined : INT_RANGES[schema.format];
  if (range !== undefined && Number.isInteger(value) && (value < range[0] || value > range[1])) {
    out.push({
      kind: 'unsafe_integer',
      path,
      expected: `an integer an ${schema.format} holds exactly`,
      got: 'an integer out of that range',
    });
  }
}

function compareObject(
  schema: ContractSchema,
  value: Record<string, unknown>,
  path: (string | number)[],
  out: ContractDifference[],
): void {
  const properties = schema.properties ?? {};
  for (const field of schema.required ?? []) {
    if (value[field] === undefined) {
      const expected = properties[field];
      out.push({
        kind: 'missing',
        path: [...path, field],
        expected: expected === undefined ? 'a value' : describeSchema(expected),
        got: 'nothing',
      });
    }
  }
  for (const [field, fieldValue] of Object.entries(value)) {
    // Undefined is absent, as in JSON: reported above when required, fine otherwise.
    if (fieldValue === undefined) continue;
    const fieldSchema = properties[field];
    if (fieldSchema !== undefined) {
      compare(fieldSchema, fieldValue, [...path, field], out);
    } else if (typeof schema.additionalProperties === 'object') {
      compare(schema.additionalProperties, fieldValue, [...path, field], out);
    } else if (schema.properties !== undefined) {
      out.push({
        kind: 'unknown_field',
        path: [...path, field],
        expected: 'no such field',
        got: jsonTypeOf(fieldValue),
      });
    }
  }
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
    default:
      throw new Error(`the contract uses the type "${type}", which the contract check does not know`);
  }
}

const TYPE_WORDS: Record<string, string> = {
  null: 'null',
  boolean: 'a boolean',
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  array: 'a list',
  object: 'an object',
};

function describeTypes(types: readonly string[]): string {
  return types.map((type) => TYPE_WORDS[type] ?? type).join(' or ');
}

function describeSchema(schema: ContractSchema): string {
  const types = typesOf(resolve(schema));
  return types === undefined ? 'a value' : describeTypes(types);
}

/** The JSON type of a value, in words; never the value itself. */
export function jsonTypeOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'a number that is not finite';
    return Number.isInteger(value) ? 'an integer' : 'a number with decimals';
  }
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`; // a string, a boolean (and a bigint, a function, a symbol: not JSON)
}

/**
 * The shape of a JSON value with no value in it: `{title: string, status: integer}`, `[12 x {service: integer, ...}]`,
 * `string`. For recording how the API answers (in a report a user may share) without what it said.
 */
export function describeShape(value: unknown, depth = 0): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[] (an empty list)';
    return `[${value.length} x ${describeShape(value[0], depth + 1)}]`;
  }
  if (isRecord(value)) {
    const fields = Object.entries(value);
    if (fields.length === 0) return '{}';
    if (depth >= 2) return '{...}';
    const shown = fields.slice(0, 12).map(([name, inner]) => `${name}: ${shortType(inner, depth)}`);
    return `{${shown.join(', ')}${fields.length > 12 ? `, ... ${fields.length - 12} more` : ''}}`;
  }
  return shortType(value, depth);
}

function shortType(value: unknown, depth: number): string {
  if (value === null) return 'null';
  if (Array.isArray(value) || isRecord(value)) return describeShape(value, depth + 1);
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** How a path into an answer reads: `rate`, `errors.quantity`, the whole answer. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'the answer' : path.map(String).join('.');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
