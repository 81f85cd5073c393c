// The spending limits of Create Order: the part of core's money kernel that a node can apply without files or an
// environment (an allow-list and a per-order cap, core's checkOrderLimits), set as node options. An AI Agent's
// tool call may not spend at all unless someone set a Max Price per Order.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { InvalidRequestError } from '../../../shared/core/domain/errors';
import { formatUsd } from '../../../shared/core/domain/money';
import { centsOf, checkOrderLimits, formatCents } from '../../../shared/core/domain/spending';
import type { Quote, Service } from '../../../shared/core/domain/types';

export const MAX_PRICE_OPTION = 'Max Price per Order (USD)';

export const orderLimitsDescription: INodeProperties = {
  displayName: 'Spending Limits',
  name: 'limits',
  type: 'collection',
  placeholder: 'Add Limit',
  default: {},
  description:
    'Checked for every order before it is sent; an order outside them is refused and nothing is sent. As the tool of an AI Agent, this node places no order unless Max Price per Order is set.',
  displayOptions: { show: { resource: ['order'], operation: ['create'] } },
  options: [
    {
      displayName: 'Allowed Category Names or IDs',
      name: 'allowCategories',
      type: 'multiOptions',
      typeOptions: { loadOptionsMethod: 'getCategories' },
      default: [],
      description:
        'Only services of these categories may be ordered (with Allowed Services too, a service in either passes). Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
    },
    {
      displayName: 'Allowed Services',
      name: 'allowServices',
      type: 'string',
      default: '',
      placeholder: 'e.g. 199825, 199826',
      description:
        'Only these service IDs may be ordered, separated by commas (with Allowed Categories too, a service in either passes)',
    },
    {
      displayName: MAX_PRICE_OPTION,
      name: 'maxOrderUsd',
      type: 'number',
      typeOptions: { minValue: 0, numberPrecision: 2 },
      default: 10,
      description:
        'Refuse any order whose price (the catalog rate times the quantity) is above this many USD. Required when this node is the tool of an AI Agent.',
    },
  ],
};

/** The limits as set on the node for one item. */
export interface SpendingLimits {
  /** Undefined: no cap set. */
  maxOrderUsd: number | undefined;
  allowServices: number[];
  allowCategories: string[];
}

/**
 * Reads the Spending Limits of an item. A limit that is set but not understood refuses the order (fail closed):
 * core's InvalidRequestError, like every refusal made before sending.
 */
export function readSpendingLimits(context: IExecuteFunctions, itemIndex: number): SpendingLimits {
  const limits = context.getNodeParameter('limits', itemIndex, {}) as IDataObject;
  const invalid = (message: string) => new InvalidRequestError(`${message}. No order was sent.`);

  let maxOrderUsd: number | undefined;
  if (limits.maxOrderUsd !== undefined && limits.maxOrderUsd !== null && limits.maxOrderUsd !== '') {
    const value = typeof limits.maxOrderUsd === 'string' ? Number(limits.maxOrderUsd.trim()) : limits.maxOrderUsd;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalid(
        `${MAX_PRICE_OPTION} must be a number of USD, 0 or more; got ${JSON.stringify(limits.maxOrderUsd)}`,
      );
    }
    maxOrderUsd = value;
  }

  const allowServices: number[] = [];
  for (const entry of listOf(limits.allowServices)) {
    const text = String(entry).trim();
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw invalid(
        `Allowed Services must be service IDs separated by commas, e.g. 199825, 199826; "${text}" is not a service ID`,
      );
    }
    allowServices.push(Number(text));
  }

  const allowCategories = listOf(limits.allowCategories).map((entry) => String(entry).trim());
  return { maxOrderUsd, allowServices, allowCategories };
}

/** Entries of a list option: an array, or text separated by commas; empty entries dropped. */
function listOf(value: unknown): unknown[] {
  const entries = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return entries.filter((entry) => entry !== undefined && entry !== null && String(entry).trim() !== '');
}

/** An AI Agent's tool call may only spend within a limit a person chose: without a Max Price, why not. */
export function toolRefusal(limits: SpendingLimits, asTool: boolean): string | undefined {
  if (!asTool || limits.maxOrderUsd !== undefined) return undefined;
  return `No order was sent: this node is running as the tool of an AI Agent, and an agent may only spend within a limit a person chose. Set Spending Limits > ${MAX_PRICE_OPTION} on this Create Order node (Add Limit) to let the agent place orders up to that price.`;
}

/**
 * Why an order must not be sent under these limits, as a sentence for the person; undefined when it may be sent.
 * Core (checkOrderLimits) decides the allow-list and the cap; this names the node's options in the answer.
 */
export function limitRefusal(limits: SpendingLimits, service: Service, quote: Quote | undefined): string | undefined {
  if (limits.maxOrderUsd !== undefined && quote === undefined) {
    return `No order was sent: service ${service.service} has no price (rate) in the catalog, so it cannot be checked against the ${MAX_PRICE_OPTION} of ${formatUsd(limits.maxOrderUsd)}.`;
  }
  // Without a cap, the price plays no part (an unpriced service can still pass the allow-list).
  const priceCents = quote === undefined ? 0 : centsOf(quote.price);
  const refusal = checkOrderLimits(
    {
      maxOrderUsd: limits.maxOrderUsd ?? Number.POSITIVE_INFINITY,
      allowServices: limits.allowServices,
      allowCategories: limits.allowCategories,
    },
    service,
    priceCents,
  );
  if (refusal === undefined) return undefined;
  if (refusal.kind === 'over_cap') {
    return `This order costs ${formatCents(priceCents)}, above the ${MAX_PRICE_OPTION} of ${formatUsd(limits.maxOrderUsd ?? 0)} set on this node. No order was sent: order a smaller quantity, or raise the limit.`;
  }
  const allowed = [
    ...(limits.allowServices.length > 0 ? [`Allowed Services: ${limits.allowServices.join(', ')}`] : []),
    ...(limits.allowCategories.length > 0 ? [`Allowed Categories: ${limits.allowCategories.join(', ')}`] : []),
  ].join('; ');
  return `Service ${service.service} (${service.category}) is not allowed by the Spending Limits of this node (${allowed}). No order was sent: pick an allowed service, or change the limits.`;
}

/**
 * Whether this node runs as an AI Agent's tool. n8n gives a node used as a tool a type of its own
 * (`<package>.<node>Tool`), whichever way the agent calls it; contexts that know also say so (isToolExecution).
 */
export function runsAsTool(context: IExecuteFunctions): boolean {
  if (context.getNode().type.endsWith('Tool')) return true;
  return typeof context.isToolExecution === 'function' && context.isToolExecution();
}
