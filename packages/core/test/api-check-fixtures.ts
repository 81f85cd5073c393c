// What the API check's unit tests (src/domain/api-check*.test.ts) share: the key the reports must never show, the
// context a check runs in, a catalog entry, and a finding. Outside src/domain so that mutation testing does not
// mutate it.
import type { ApiCheckContext, ApiCheckFinding } from '../src/domain/api-check-plan.js';

/** The account's key: every text the check writes is tested not to contain it. */
export const SECRET = 'sekret-KEY-4242';

export const CHECK_CONTEXT: ApiCheckContext = {
  baseUrl: 'https://cappiservices.com/api/Reseller',
  checkedAt: '2026-12-01T10:00:00.000Z',
  timeoutMs: 10_000,
  slowMs: 3000,
  secrets: [SECRET],
};

export const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** A catalog entry as the contract describes it, with `extra` fields changed or added. */
export const catalogService = (id: number, extra: Record<string, unknown> = {}) => ({
  service: id,
  category: 'Steam',
  name: `Service ${id}`,
  rate: 0.01,
  min: 1,
  max: 100,
  desc: null,
  ...extra,
});

/** A finding whose texts name its id. */
export const finding = (
  id: string,
  handled: boolean,
  result: 'matched' | 'differed' = 'differed',
): ApiCheckFinding => ({
  id,
  checked: `checked ${id}`,
  result,
  observed: `observed ${id}`,
  meaning: `meaning ${id}`,
  handled,
});

/** An order status with all eight fields the contract requires, nothing delivered. */
export const ORDER_STATUS = {
  status: 'Completed',
  charge: 0,
  walletReturn: 0,
  mode: null,
  success: 0,
  failed: 0,
  observation: null,
  currency: 'USD',
};
