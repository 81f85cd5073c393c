// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/api-check-catalog.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
import {
  errorAs200Finding,
  errorMessageIn,
  finding,
  HANDLED,
  isRecord,
  MATCHED,
  type Quoter,
  UNHANDLED,
} from './api-check-answers.js';
import type { ApiCheckFinding, ApiCheckProbe } from './api-check-plan.js';
import {
  breaksContract,
  type ContractDifference,
  compareWithContract,
  describeShape,
  formatPath,
} from './contract-check.js';

// What Balance and ServicesList answer with the account's key, compared with the contract.

// ---------------------------------------------------------------------------------------------------------------
// Balance

export function balanceFindings(probe: ApiCheckProbe, json: unknown, quote: Quoter): ApiCheckFinding[] {
  const differences = compareWithContract('Balance', json);
  if (differences.some(breaksContract)) {
    const message = errorMessageIn(json);
    if (message !== undefined) return [errorAs200Finding(probe, message, quote, 'a balance')];
  }
  const findings = differenceFindings(probe, differences, {
    where: '',
    meaning: 'the toolkit cannot read the balance: it reports "unexpected body" for every Balance call',
  });
  if (!differences.some(breaksContract) && isRecord(json)) {
    findings.unshift(
      finding(
        'balance.contract',
        'Balance',
        `balance present, a number; currency ${quote(String(json.currency))}`,
        "as the contract's Balance schema says (names, types, nullability): the toolkit reads the balance",
        MATCHED,
      ),
    );
    if (json.currency !== 'USD') {
      findings.push(
        finding(
          'balance.currency',
          'Balance',
          `the currency is ${quote(String(json.currency))}, not "USD"`,
          'rates are in USD: the toolkit shows this balance as it is, but does not compare it with prices',
          HANDLED,
        ),
      );
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Contract differences, grouped by field (a catalog of thousands of services gives one sentence per kind of difference)

interface DifferenceGroup {
  kind: ContractDifference['kind'];
  /** The field, without the index of the entry: "rate", "" for the entry itself. */
  field: string;
  expected: string;
  got: Set<string>;
  /** The entries (indexes) it was seen in. */
  entries: number[];
}

function groupDifferences(differences: readonly ContractDifference[]): DifferenceGroup[] {
  const groups = new Map<string, DifferenceGroup>();
  for (const difference of differences) {
    // A difference in a list starts with the entry's index; one in an answer that is an object starts with a name.
    const [first, ...rest] = difference.path;
    const entry = typeof first === 'number' ? first : 0;
    const fieldPath = typeof first === 'number' ? rest : difference.path;
    const field = fieldPath.length === 0 ? '' : formatPath(fieldPath);
    const key = `${difference.kind} ${field}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { kind: difference.kind, field, expected: difference.expected, got: new Set(), entries: [] };
      groups.set(key, group);
    }
    group.got.add(difference.got);
    // The contract check gives at most one difference of a kind per field of an entry: no entry is counted twice.
    group.entries.push(entry);
  }
  return [...groups.values()];
}

interface DifferenceWording {
  /** How many entries there are and how one is named, for a list: " in 12 of 2400 services (first: service 7)". */
  where: string | ((group: DifferenceGroup) => string);
  /** What a breaking difference means for the toolkit. */
  meaning: string;
}

/** One finding per kind of difference and field (none when the answer conforms: each caller says the match its way). */
function differenceFindings(
  probe: ApiCheckProbe,
  differences: readonly ContractDifference[],
  wording: DifferenceWording,
  inList = false,
): ApiCheckFinding[] {
  const groups = groupDifferences(differences);
  const where = (group: DifferenceGroup) => (typeof wording.where === 'string' ? wording.where : wording.where(group));
  const checked = inList ? `${probe.operation}, every service` : probe.operation;
  const renamedTo = new Map<DifferenceGroup, DifferenceGroup>();
  const unknown = groups.filter((group) => group.kind === 'unknown_field');
  for (const missing of groups.filter((group) => group.kind === 'missing')) {
    const candidate = unknown.find(
      (group) =>
        !renamedTo.has(group) &&
        group.entries.length === missing.entries.length &&
        [...group.got].every((type) => fits(type, missing.expected)),
    );
    if (candidate !== undefined) {
      renamedTo.set(missing, candidate);
      renamedTo.set(candidate, missing);
    }
  }
  const findings: ApiCheckFinding[] = [];
  for (const group of groups) {
    const field = `\`${group.field}\``;
    const got = [...group.got].join(' or ');
    const partner = renamedTo.get(group);
    if (group.kind === 'unknown_field') {
      if (partner !== undefined) continue; // said with the field it replaces
      findings.push(
        finding(
          `${probe.name}.unknown_field.${group.field}`,
          checked,
          `${field} (${got}), a field the contract does not know, is there${where(group)}`,
          'the toolkit ignores it',
          HANDLED,
        ),
      );
      continue;
    }
    // Only a missing field has a partner here: an unknown field with one was skipped above.
    const observed =
      partner !== undefined
        ? `${field} is missing${where(group)} and \`${partner.field}\` (${[...partner.got].join(' or ')}), a field the contract does not know, is there instead: it looks renamed; the contract requires ${field} (${group.expected})`
        : group.kind === 'missing'
          ? `${field} is missing${where(group)}; the contract requires it (${group.expected})`
          : group.kind === 'wrong_type'
            ? `${group.field !== '' ? field : inList ? 'an entry' : 'the answer'} is ${got}${where(group)}; the contract says ${group.expected}`
            : group.kind === 'below_minimum'
              ? `${field} is below its minimum${where(group)}; the contract says ${group.expected}`
              : `${field} is ${got}${where(group)}; the contract says ${group.expected}`;
    const id = `${probe.name}.${partner !== undefined ? 'renamed' : group.kind}.${group.field || 'entry'}`;
    findings.push(finding(id, checked, observed, wording.meaning, UNHANDLED));
  }
  return findings;
}

/** Whether a field of JSON type `got` could be a renamed field the contract describes as `expected`. */
function fits(got: string, expected: string): boolean {
  if (got === 'an integer') return /integer|number/.test(expected);
  if (got === 'a number with decimals') return expected.includes('a number');
  return expected.includes(got);
}

// ---------------------------------------------------------------------------------------------------------------
// ServicesList

const CATALOG_MEANING =
  'the toolkit refuses a catalog with this difference as "unexpected body": search, quotes and orders fail';

export function servicesFindings(probe: ApiCheckProbe, json: unknown, quote: Quoter): ApiCheckFinding[] {
  if (!Array.isArray(json)) {
    const message = errorMessageIn(json);
    if (message !== undefined) return [errorAs200Finding(probe, message, quote, 'the catalog')];
    return [
      finding(
        'services.not_a_list',
        probe.subject,
        `HTTP 200 with ${describeShape(json)} instead of a list of services`,
        CATALOG_MEANING,
        UNHANDLED,
      ),
    ];
  }
  const services = json as unknown[];
  const differences = services.flatMap((entry, index) =>
    compareWithContract('Service', entry).map((difference) => ({ ...difference, path: [index, ...difference.path] })),
  );
  const where = (group: DifferenceGroup) =>
    ` in ${group.entries.length} of ${services.length} services (first: ${nameEntry(services, group.entries[0] ?? 0)})`;
  const contract = differenceFindings(probe, differences, { where, meaning: CATALOG_MEANING }, true);
  if (contract.length === 0) {
    contract.push(
      finding(
        'services.contract',
        'ServicesList, every service',
        "every field matches the contract's Service schema (names, types, nullability)",
        'as the contract says',
        MATCHED,
      ),
    );
  }
  return [...contract, ...catalogFacts(services, quote)];
}

function nameEntry(services: readonly unknown[], index: number): string {
  const entry = services[index];
  return isRecord(entry) && Number.isSafeInteger(entry.service) ? `service ${entry.service}` : `entry #${index + 1}`;
}

function catalogFacts(services: readonly unknown[], quote: Quoter): ApiCheckFinding[] {
  const entries = services.filter(isRecord);
  const checked = 'ServicesList, the catalog';
  if (entries.length === 0) {
    return [
      finding(
        'services.empty',
        checked,
        'the catalog is empty',
        'there is nothing to order, through the toolkit or otherwise',
        HANDLED,
      ),
    ];
  }
  const categories = new Set(entries.flatMap((entry) => (typeof entry.category === 'string' ? [entry.category] : [])));
  const findings = [
    finding(
      'services.size',
      checked,
      `${entries.length} services in ${categories.size} ${categories.size === 1 ? 'category' : 'categories'}${listCategories(categories, quote)}`,
      'the catalog the toolkit searches, quotes from and checks orders against',
      MATCHED,
    ),
    rateFinding(services, entries),
  ];
  const backwards = services.flatMap((entry, index) =>
    isRecord(entry) && typeof entry.min === 'number' && typeof entry.max === 'number' && entry.min > entry.max
      ? [index]
      : [],
  );
  if (backwards.length > 0) {
    const first = services[backwards[0] ?? 0] as Record<string, unknown>;
    findings.push(
      finding(
        'services.min_above_max',
        checked,
        `${backwards.length} of ${entries.length} services have min above max (first: ${nameEntry(services, backwards[0] ?? 0)}, min ${first.min}, max ${first.max})`,
        'the toolkit refuses every quantity for them (it checks quantities against min and max), so they cannot be ordered through it',
        HANDLED,
      ),
    );
  } else {
    findings.push(
      finding(
        'services.min_max',
        checked,
        'min is at most max for every service',
        'quantities can be checked',
        MATCHED,
      ),
    );
  }
  const ids = new Map<unknown, number>();
  // An entry without an id has no id to repeat: its missing `service` is a contract finding of its own.
  for (const entry of entries) {
    if (entry.service !== undefined) ids.set(entry.service, (ids.get(entry.service) ?? 0) + 1);
  }
  const repeated = [...ids].filter(([, count]) => count > 1);
  if (repeated.length > 0) {
    findings.push(
      finding(
        'services.duplicate_ids',
        checked,
        `${repeated.length} service ids appear more than once (first: service ${String(repeated[0]?.[0])})`,
        'the toolkit prices and checks an order against the first entry of an id, which may not be the one the API charges',
        UNHANDLED,
      ),
    );
  }
  return findings;
}

/** ": Steam, Instagram, ... and 8 more", for a report. */
function listCategories(categories: ReadonlySet<string>, quote: Quoter): string {
  if (categories.size === 0) return '';
  const shown = [...categories].slice(0, 6).map((name) => quote.plain(name));
  const more = categories.size - shown.length;
  return `: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function rateFinding(services: readonly unknown[], entries: readonly Record<string, unknown>[]): ApiCheckFinding {
  const checked = 'ServicesList, rates';
  const without = services.flatMap((entry, index) => (isRecord(entry) && entry.rate === undefined ? [index] : []));
  if (without.length === 0) {
    return finding(
      'services.rates',
      checked,
      'every service has a `rate`',
      'the toolkit can price every order',
      MATCHED,
    );
  }
  if (without.length === entries.length) {
    return finding(
      'services.rate_missing',
      checked,
      `no service has a \`rate\` (0 of ${entries.length}): the vendor's page lists the field, its example leaves it out`,
      'the toolkit cannot price any order: quotes fail, so orders that need one (the MCP server) are refused, and price limits cannot be checked',
      UNHANDLED,
    );
  }
  return finding(
    'services.some_without_rate',
    checked,
    `${without.length} of ${entries.length} services have no \`rate\` (first: ${nameEntry(services, without[0] ?? 0)}); the contract allows that`,
    'the toolkit lists them but cannot quote them or check their price',
    MATCHED,
  );
}
