import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { OperationName } from './types.js';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const packageRoot = new URL('../', import.meta.url);

/**
 * Where the contract is read from. In the workspace, the repository's openapi/ folder (the single source of
 * truth, never stale); in the published package, the copy that the build puts in contract/.
 */
export function contractPath(): string {
  const workspaceRoot = new URL('../../', packageRoot);
  if (existsSync(new URL('pnpm-workspace.yaml', workspaceRoot))) {
    return fileURLToPath(new URL('openapi/reseller.openapi.yaml', workspaceRoot));
  }
  return fileURLToPath(new URL('contract/reseller.openapi.yaml', packageRoot));
}

export interface Contract {
  /** The YAML exactly as written. */
  yaml: string;
  /** The parsed document. */
  document: Record<string, unknown>;
}

let cached: Contract | undefined;

export function loadContract(): Contract {
  if (!cached) {
    const yaml = readFileSync(contractPath(), 'utf8');
    cached = { yaml, document: parse(yaml) as Record<string, unknown> };
  }
  return cached;
}

/** The method and path of each operation, as in the contract. */
export const OPERATION_ROUTES: Record<OperationName, { method: 'GET' | 'POST'; path: string }> = {
  Balance: { method: 'GET', path: '/Balance' },
  ServicesList: { method: 'GET', path: '/ServicesList' },
  OrderStatus: { method: 'GET', path: '/OrderStatus' },
  RegisterOrder: { method: 'POST', path: '/RegisterOrder' },
};

export interface SentResponse {
  status: number;
  contentType: string | undefined;
  retryAfter: string | undefined;
  body: string;
}

/** Checks a response against the contract; returns what is wrong with it (empty when it conforms). */
export type ResponseValidator = (operation: OperationName, response: SentResponse) => string[];

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows an OpenAPI-level `$ref` such as "#/components/responses/NotFound" inside the document. */
function resolve(document: Json, value: unknown): unknown {
  if (!isJson(value) || typeof value.$ref !== 'string') return value;
  const pointer = value.$ref.replace(/^#\//, '').split('/');
  let target: unknown = document;
  for (const segment of pointer) {
    target = isJson(target) ? target[segment.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
  }
  return resolve(document, target);
}

const SCHEMAS_ID = 'urn:cappi-reseller:contract-schemas';

/**
 * Builds a validator from the contract with ajv (JSON Schema 2020-12, as OpenAPI 3.1 uses). The component schemas
 * become one ajv schema under `$defs`, so the contract's `#/components/schemas/X` references resolve unchanged
 * once pointed at it.
 */
export function createResponseValidator(document: Json): ResponseValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  // OpenAPI's annotation keyword, meaningless to validation.
  ajv.addKeyword('example');
  const components = isJson(document.components) ? document.components : {};
  const pointed = JSON.parse(
    JSON.stringify(components.schemas ?? {}).replaceAll('"#/components/schemas/', `"${SCHEMAS_ID}#/$defs/`),
  );
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: pointed });
  const compiled = new Map<string, ValidateFunction>();

  function validatorFor(schema: unknown, cacheKey: string): ValidateFunction {
    let validate = compiled.get(cacheKey);
    if (!validate) {
      const text = JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${SCHEMAS_ID}#/$defs/`);
      validate = ajv.compile(JSON.parse(text));
      compiled.set(cacheKey, validate);
    }
    return validate;
  }

  return (operation, response) => {
    const { method, path } = OPERATION_ROUTES[operation];
    const paths = isJson(document.paths) ? document.paths : {};
    const pathItem = isJson(paths[path]) ? paths[path] : {};
    const definition = pathItem[method.toLowerCase()];
    const responses = isJson(definition) && isJson(definition.responses) ? definition.responses : {};
    const described = resolve(document, responses[String(response.status)]);
    const where = `${method} ${path} ${response.status}`;
    if (!isJson(described)) return [`${where}: the contract has no response with status ${response.status}`];

    const problems: string[] = [];
    // OpenAPI leaves the header set open (a 500 may carry Retry-After too); what is sent must still be seconds.
    if (response.retryAfter !== undefined && !/^\d+$/.test(response.retryAfter)) {
      problems.push(`${where}: Retry-After "${response.retryAfter}" is not a whole number of seconds`);
    }
    const content = isJson(described.content) ? described.content : {};
    const mediaType = response.contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    const media = content[mediaType];
    if (!isJson(media)) {
      problems.push(
        `${where}: content type "${mediaType}" is not one of ${Object.keys(content).join(', ') || '(no body)'}`,
      );
      return problems;
    }
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      problems.push(`${where}: the body is not JSON`);
      return problems;
    }
    const validate = validatorFor(media.schema ?? {}, `${where} ${mediaType}`);
    if (!validate(body)) {
      for (const error of validate.errors ?? []) {
        problems.push(`${where}: body${error.instancePath} ${error.message ?? 'is not valid'}`);
      }
    }
    return problems;
  };
}
