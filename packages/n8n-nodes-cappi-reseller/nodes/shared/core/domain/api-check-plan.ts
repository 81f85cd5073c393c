// GENERATED FILE, do not edit: a verbatim copy of packages/core/src/domain/api-check-plan.ts, made by
// packages/n8n-nodes-cappi-reseller/scripts/sync-core.mjs (`pnpm generate`; `pnpm generate:check` fails on drift).
// The read-only API check: which requests it makes, what it is given back, what it reports. RegisterOrder is never
// among its requests. See api-check.ts for the analysis.

/** The name of one request of the API check. */
export type ApiCheckProbeName = 'balance' | 'services' | 'unknownOrder' | 'wrongKey';

/** One request of the check. None of them can spend money: RegisterOrder is never among them. */
export interface ApiCheckProbe {
  name: ApiCheckProbeName;
  operation: 'Balance' | 'ServicesList' | 'OrderStatus';
  path: '/Balance' | '/ServicesList' | '/OrderStatus';
  query: Readonly<Record<string, string>>;
  /** The account's key, or WRONG_API_KEY. */
  key: 'account' | 'wrong';
  /** How the report names the request. */
  label: string;
  /** How the report names what the request checks. */
  subject: string;
}

/** An order id no account can have (the largest 32-bit integer, so an API that reads ids as int32 still parses it). */
export const UNKNOWN_ORDER_ID = 2_147_483_647;

/** The key sent to see how a refusal looks: no account has it. */
export const WRONG_API_KEY = 'cappi-reseller-api-check-deliberately-wrong-key';

/** The four read-only requests of the API check, in the order they are sent. */
export const API_CHECK_PROBES: readonly ApiCheckProbe[] = [
  {
    name: 'balance',
    operation: 'Balance',
    path: '/Balance',
    query: {},
    key: 'account',
    label: 'GET /Balance',
    subject: 'Balance',
  },
  {
    name: 'services',
    operation: 'ServicesList',
    path: '/ServicesList',
    query: {},
    key: 'account',
    label: 'GET /ServicesList',
    subject: 'ServicesList',
  },
  {
    name: 'unknownOrder',
    operation: 'OrderStatus',
    path: '/OrderStatus',
    query: { orderId: String(UNKNOWN_ORDER_ID) },
    key: 'account',
    label: `GET /OrderStatus?orderId=${UNKNOWN_ORDER_ID}`,
    subject: `OrderStatus of an order that cannot exist (${UNKNOWN_ORDER_ID})`,
  },
  {
    name: 'wrongKey',
    operation: 'Balance',
    path: '/Balance',
    query: {},
    key: 'wrong',
    label: 'GET /Balance, wrong key',
    subject: 'Wrong key',
  },
];

/** What came back for one request: an answer, or why none came. */
export type ApiCheckExchange =
  | {
      kind: 'answer';
      status: number;
      contentType?: string | undefined;
      /** The Location header of a redirect. */
      location?: string | undefined;
      /** The body as text (possibly cut short by the face). */
      body: string;
      durationMs: number;
    }
  | {
      kind: 'no_answer';
      reason: 'timeout' | 'connection' | 'aborted';
      /** A short description of the failure (e.g. "connection refused, ECONNREFUSED"); scrubbed again here. */
      detail: string;
      durationMs: number;
    };

/** What happened to one probe, as the face that sent it saw it. */
export type ApiCheckObservation = ApiCheckExchange & { probe: ApiCheckProbeName };

/** What the API check knows besides the answers: the base URL, when it ran, the toolkit version, what counts as slow. */
export interface ApiCheckContext {
  baseUrl: string;
  /** When the check ran, ISO 8601. */
  checkedAt: string;
  /** How long the toolkit waits for one answer. */
  timeoutMs: number;
  /** Answers slower than this are reported as slow. */
  slowMs: number;
  /** Texts that must never appear in the report (the key): scrubbed from anything quoted. */
  secrets: readonly string[];
  /** Who ran the check, e.g. "@cappi-reseller/mcp-server 1.2.0". */
  toolkit?: string | undefined;
}

/** One thing the API check looked at: what it saw, whether it matched the contract, what that means, whether the toolkit handles it. */
export interface ApiCheckFinding {
  /** Stable identifier, e.g. "services.wrong_type.rate". */
  id: string;
  /** What was checked, e.g. "ServicesList, every service". */
  checked: string;
  result: 'matched' | 'differed';
  /** What the check saw, in one sentence. */
  observed: string;
  /** What it means for the toolkit. */
  meaning: string;
  /** Whether the toolkit works correctly with it. Always true for a match. */
  handled: boolean;
}

/** One request of the API check: a GET of a path with its query, sent once. */
export interface ApiCheckRequest {
  probe: ApiCheckProbeName;
  request: string;
  /** Absent when no answer came. */
  status?: number;
  contentType?: string;
  /** The body's shape, with no value in it. */
  shape?: string;
  durationMs: number;
  /** Why no answer came. */
  failure?: 'timeout' | 'connection' | 'aborted';
}

/** The API check's result: every request, every finding, a verdict and whether it passed. */
export interface ApiCheckReport {
  report: 'cappi-reseller API check';
  formatVersion: 1;
  /** Always false: the check never places an order. */
  sentRegisterOrder: false;
  toolkit?: string;
  checkedAt: string;
  baseUrl: string;
  /** False when a finding is not handled by the toolkit. */
  passed: boolean;
  verdict: string;
  requests: ApiCheckRequest[];
  findings: ApiCheckFinding[];
}

/** The probe of that name. */
export function probeNamed(name: ApiCheckProbeName): ApiCheckProbe {
  return API_CHECK_PROBES.find((probe) => probe.name === name) as ApiCheckProbe;
}
