import { createRandom, pick, type Random } from './random.js';
import { OPERATION_NAMES, type OperationName } from './types.js';

export type Fault =
  | { kind: 'latency'; ms: number }
  /**
   * Answer with a server error. With `afterCommit`, the operation runs first (an order is placed and paid for) and
   * the error is sent instead of its answer: what an ASP.NET service does when a later step fails.
   */
  | { kind: 'status'; status: 500 | 502 | 503 | 504; retryAfterSeconds?: number; afterCommit?: boolean }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'malformed' }
  | { kind: 'drop_before' }
  | { kind: 'drop_after' }
  | Drift;

/**
 * An API that answers otherwise than the contract says, as the real one might: for the API check's tests (and for
 * seeing what a client does with such an answer). Answers under a drift are exempt from contract validation.
 */
export type Drift =
  /** ServicesList lists every service without `rate`, as the vendor's example does. */
  | { kind: 'rate_missing' }
  /** ServicesList sends every `rate` as a string ("0.012"). */
  | { kind: 'rate_as_string' }
  /** The field `from` of the answer (of each entry, for a list) is sent as `to`. */
  | { kind: 'rename_field'; from: string; to: string }
  /** An error answer (4xx) is sent as HTTP 200 with `{ "error": "<what the problem said>" }`. */
  | { kind: 'error_as_200' }
  /**
   * HTTP 302 to a login page, the operation not run, as ASP.NET cookie authentication answers: its ReturnUrl holds
   * the path and query asked for, key included (the one answer that echoes the key: a client must neither follow
   * nor show it).
   */
  | { kind: 'login_redirect' }
  /** An HTML error page (IIS style) with `status`, default 500, the operation not run. */
  | { kind: 'html_error'; status?: 200 | 500 | 502 | 503 };

export const DRIFT_KINDS: ReadonlySet<Fault['kind']> = new Set([
  'rate_missing',
  'rate_as_string',
  'rename_field',
  'error_as_200',
  'login_redirect',
  'html_error',
]);

const SERVER_STATUSES = [500, 502, 503, 504] as const;
const HTML_ERROR_STATUSES = [200, 500, 502, 503] as const;
const FIELD_NAME = /^[A-Za-z_$][\w$]{0,63}$/;

function fieldName(value: unknown, what: string): string {
  if (typeof value !== 'string' || !FIELD_NAME.test(value)) {
    throw new TypeError(`${what} must be a field name (letters, digits, _), got ${JSON.stringify(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonNegativeInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new TypeError(`${what} must be an integer >= 0, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks a fault given by a user (in-process or as JSON over HTTP) and returns a clean copy. */
export function parseFault(value: unknown): Fault {
  if (!isRecord(value)) throw new TypeError(`a fault must be an object with a "kind", got ${JSON.stringify(value)}`);
  switch (value.kind) {
    case 'latency':
      return { kind: 'latency', ms: nonNegativeInteger(value.ms, 'latency fault "ms"') };
    case 'status': {
      const status = SERVER_STATUSES.find((candidate) => candidate === value.status);
      if (status === undefined) {
        throw new TypeError(`status fault "status" must be one of ${SERVER_STATUSES.join(', ')}, got ${value.status}`);
      }
      if (value.afterCommit !== undefined && typeof value.afterCommit !== 'boolean') {
        throw new TypeError(
          `status fault "afterCommit" must be true or false, got ${JSON.stringify(value.afterCommit)}`,
        );
      }
      return {
        kind: 'status',
        status,
        ...(value.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: nonNegativeInteger(value.retryAfterSeconds, 'status fault "retryAfterSeconds"') }),
        ...(value.afterCommit === true ? { afterCommit: true } : {}),
      };
    }
    case 'rate_limit':
      return {
        kind: 'rate_limit',
        retryAfterSeconds: nonNegativeInteger(value.retryAfterSeconds, 'rate_limit fault "retryAfterSeconds"'),
      };
    case 'malformed':
    case 'drop_before':
    case 'drop_after':
    case 'rate_missing':
    case 'rate_as_string':
    case 'error_as_200':
    case 'login_redirect':
      return { kind: value.kind };
    case 'rename_field':
      return {
        kind: 'rename_field',
        from: fieldName(value.from, 'rename_field "from"'),
        to: fieldName(value.to, 'rename_field "to"'),
      };
    case 'html_error': {
      if (value.status === undefined) return { kind: 'html_error' };
      const status = HTML_ERROR_STATUSES.find((candidate) => candidate === value.status);
      if (status === undefined) {
        throw new TypeError(
          `html_error "status" must be one of ${HTML_ERROR_STATUSES.join(', ')}, got ${value.status}`,
        );
      }
      return { kind: 'html_error', status };
    }
    default:
      throw new TypeError(
        `unknown fault kind ${JSON.stringify(value.kind)}: use latency, status, rate_limit, malformed, drop_before, drop_after, ` +
          'rate_missing, rate_as_string, rename_field, error_as_200, login_redirect or html_error',
      );
  }
}

export function parseOperation(value: unknown): OperationName | undefined {
  if (value === undefined) return undefined;
  const operation = OPERATION_NAMES.find((name) => name === value);
  if (operation === undefined) {
    throw new TypeError(`operation must be one of ${OPERATION_NAMES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return operation;
}

interface Injected {
  fault: Fault;
  remaining: number;
  operation: OperationName | undefined;
}

interface RateRule {
  rate: number;
  faults: Fault[];
}

export interface FaultController {
  inject(fault: unknown, options?: { times?: unknown; operation?: unknown }): void;
  setRate(rate: unknown, faults: unknown, options?: { operation?: unknown }): void;
  clear(): void;
  /** The fault for the request being received, if any; consumes one use of an injected fault. */
  next(operation: OperationName): Fault | undefined;
}

/**
 * Faults injected for the next N requests come first, in the order they were injected; then rate rules, for one
 * operation before those for any operation. Rates draw from a generator seeded by the sandbox's seed.
 */
export function createFaultController(seed: number): FaultController {
  const random: Random = createRandom(seed, 'faults');
  let injected: Injected[] = [];
  const rules = new Map<OperationName | undefined, RateRule>();

  return {
    inject(fault, options = {}) {
      const times = options.times === undefined ? 1 : nonNegativeInteger(options.times, '"times"');
      if (times < 1) throw new TypeError(`"times" must be at least 1, got ${times}`);
      injected.push({ fault: parseFault(fault), remaining: times, operation: parseOperation(options.operation) });
    },
    setRate(rate, faults, options = {}) {
      if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) {
        throw new TypeError(`rate must be a number from 0 to 1, got ${JSON.stringify(rate)}`);
      }
      if (!Array.isArray(faults)) throw new TypeError('faults must be an array of faults');
      const parsed = faults.map(parseFault);
      if (rate > 0 && parsed.length === 0) throw new TypeError('a rate above 0 needs at least one fault');
      const operation = parseOperation(options.operation);
      if (rate === 0) rules.delete(operation);
      else rules.set(operation, { rate, faults: parsed });
    },
    clear() {
      injected = [];
      rules.clear();
    },
    next(operation) {
      const match = injected.find((entry) => entry.operation === undefined || entry.operation === operation);
      if (match) {
        match.remaining--;
        if (match.remaining === 0) injected = injected.filter((entry) => entry !== match);
        return match.fault;
      }
      const rule = rules.get(operation) ?? rules.get(undefined);
      if (rule && random() < rule.rate) return pick(random, rule.faults);
      return undefined;
    },
  };
}
