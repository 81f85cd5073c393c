#!/usr/bin/env node
// Writes src/generated/contract-schemas.ts: the contract's response schemas (components.schemas, and which schema
// and media type each status of each operation answers with) as plain data, so that the API check
// (domain/api-check.ts) validates answers against the contract itself, not against a second, hand-written copy.
//
// Only the keywords the check's validator (domain/contract-check.ts) understands are kept; annotations
// (description, example) are dropped. A keyword it does not understand stops the generation: teach the validator
// first, or the check would silently ignore part of the contract.
//
//   node scripts/generate-contract-schemas.mjs          write the file
//   node scripts/generate-contract-schemas.mjs --check  exit 1 when the file differs from what would be written
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const contractUrl = new URL('../../../openapi/reseller.openapi.yaml', import.meta.url);
const targetUrl = new URL('../src/generated/contract-schemas.ts', import.meta.url);

/** Keywords the validator checks. */
const UNDERSTOOD = new Set(['type', 'required', 'properties', 'items', 'additionalProperties', 'minimum', 'format']);
/** Keywords that only describe: dropped. */
const ANNOTATIONS = new Set(['description', 'example', 'examples', 'title']);
const SCHEMA_REF = '#/components/schemas/';

const document = parse(readFileSync(contractUrl, 'utf8'));

function fail(message) {
  process.stderr.write(`generate-contract-schemas: ${message}\n`);
  process.exit(1);
}

/** A schema with only the keywords the validator understands; `$ref`s become the bare schema name. */
function clean(schema, where) {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail(`${where} is not a schema`);
  if (typeof schema.$ref === 'string') {
    if (!schema.$ref.startsWith(SCHEMA_REF)) fail(`${where}: $ref ${schema.$ref} is not a component schema`);
    return { $ref: schema.$ref.slice(SCHEMA_REF.length) };
  }
  const result = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (!UNDERSTOOD.has(keyword)) {
      fail(
        `${where} uses "${keyword}", which the API check's validator (packages/core/src/domain/contract-check.ts) ` +
          'does not understand: teach it that keyword, then add it to UNDERSTOOD here',
      );
    }
    if (keyword === 'properties') {
      result.properties = Object.fromEntries(
        Object.entries(value).map(([name, inner]) => [name, clean(inner, `${where}.properties.${name}`)]),
      );
    } else if (keyword === 'items') {
      result.items = clean(value, `${where}.items`);
    } else if (keyword === 'additionalProperties' && typeof value === 'object') {
      result.additionalProperties = clean(value, `${where}.additionalProperties`);
    } else {
      result[keyword] = value;
    }
  }
  return result;
}

/** Follows `#/components/responses/X` references of the OpenAPI document. */
function resolveResponse(response) {
  if (typeof response?.$ref !== 'string') return response;
  const name = response.$ref.replace('#/components/responses/', '');
  return resolveResponse(document.components?.responses?.[name]);
}

const schemas = Object.fromEntries(
  Object.entries(document.components?.schemas ?? {}).map(([name, schema]) => [name, clean(schema, name)]),
);

const responses = {};
for (const [path, item] of Object.entries(document.paths ?? {})) {
  for (const [method, operation] of Object.entries(item)) {
    const name = path.replace(/^\//, '');
    const byStatus = {};
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      const resolved = resolveResponse(response);
      byStatus[status] = Object.fromEntries(
        Object.entries(resolved?.content ?? {}).map(([mediaType, media]) => [
          mediaType,
          clean(media.schema ?? {}, `${method.toUpperCase()} ${path} ${status} ${mediaType}`),
        ]),
      );
    }
    responses[name] = byStatus;
  }
}

const schemaNames = Object.keys(schemas);
const operationNames = Object.keys(responses);
const json = (value) => JSON.stringify(value, null, 2);
const text = `// GENERATED FILE, do not edit: the response schemas of openapi/reseller.openapi.yaml as data, written by
// packages/core/scripts/generate-contract-schemas.mjs (\`pnpm generate\`; \`pnpm generate:check\` fails when stale).
// Only the keywords domain/contract-check.ts validates are kept; \`$ref\` holds a name of CONTRACT_SCHEMAS.

/** A JSON Schema (2020-12, as OpenAPI 3.1 writes it), reduced to the keywords the contract uses. */
export interface ContractSchema {
  readonly $ref?: ContractSchemaName;
  readonly type?: string | readonly string[];
  readonly required?: readonly string[];
  readonly properties?: Readonly<Record<string, ContractSchema>>;
  readonly items?: ContractSchema;
  readonly additionalProperties?: boolean | ContractSchema;
  readonly minimum?: number;
  readonly format?: string;
}

export type ContractSchemaName = ${schemaNames.map((name) => `'${name}'`).join(' | ')};

export type ContractOperationName = ${operationNames.map((name) => `'${name}'`).join(' | ')};

/** components.schemas of the contract. */
export const CONTRACT_SCHEMAS: Readonly<Record<ContractSchemaName, ContractSchema>> = ${json(schemas)};

/** For each operation: each status the contract lists -> media type -> schema of the body ({} when it has none). */
export const CONTRACT_RESPONSES: Readonly<
  Record<ContractOperationName, Readonly<Record<string, Readonly<Record<string, ContractSchema>>>>>
> = ${json(responses)};
`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(targetUrl, 'utf8');
  } catch {}
  if (current !== text) {
    fail(`${fileURLToPath(targetUrl)} is stale: run \`pnpm generate\` in packages/core and commit the result`);
  }
  process.stdout.write('src/generated/contract-schemas.ts is up to date with the contract\n');
} else {
  writeFileSync(targetUrl, text);
  process.stdout.write('wrote src/generated/contract-schemas.ts\n');
}
