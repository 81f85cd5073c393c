import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { errorFromRefusal, InvalidRequestError, type ResellerError } from '../../../shared/core/domain/errors';
import { quoteOrder } from '../../../shared/core/domain/quote';
import type { OrderRequest, Quote, Service } from '../../../shared/core/domain/types';
import {
  assertOrderAllowed,
  findService,
  MAX_API_INTEGER,
  validateOrderInput,
} from '../../../shared/core/domain/validate';
import { serviceLocator, toServiceId, toWholeNumber } from '../../descriptions';
import type { Transport } from '../../transport';
import type { ExecutionState } from '../types';
import { limitRefusal, orderLimitsDescription, readSpendingLimits, runsAsTool, toolRefusal } from './limits';

const showOnlyForCreate = { resource: ['order'], operation: ['create'] };

export const orderCreateDescription: INodeProperties[] = [
  {
    displayName:
      'Creating an order spends money and is sent once. Keep Settings > Retry On Fail off for this node: n8n would run every item again, and the API cannot recognise a repeated order.',
    name: 'spendingNotice',
    type: 'notice',
    default: '',
    displayOptions: { show: showOnlyForCreate },
  },
  serviceLocator(
    'create',
    'order',
    'The service to order. The list shows each service with its rate (USD per unit) and the quantities it accepts.',
  ),
  {
    displayName: 'Link',
    name: 'link',
    type: 'string',
    required: true,
    default: '',
    placeholder: 'e.g. https://example.com/posts/123',
    description: 'The full http(s) address the service is delivered to (a post, a profile, a video...)',
    displayOptions: { show: showOnlyForCreate },
  },
  {
    displayName: 'Quantity',
    name: 'quantity',
    type: 'number',
    required: true,
    // Every service takes at least 1 unit; 0 would only ever be refused.
    default: 1,
    typeOptions: { minValue: 1, maxValue: MAX_API_INTEGER, numberPrecision: 0 },
    description:
      'How many units to order; it must lie within the min and max of the service (the service list shows them)',
    displayOptions: { show: showOnlyForCreate },
  },
  orderLimitsDescription,
];

export async function create(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<IDataObject> {
  const order = validateOrderInput({
    serviceId: toServiceId(this.getNodeParameter('serviceId', itemIndex, '', { extractValue: true })),
    link: this.getNodeParameter('link', itemIndex),
    quantity: toWholeNumber(this.getNodeParameter('quantity', itemIndex)),
  });
  const limits = readSpendingLimits(this, itemIndex);
  const noLimit = toolRefusal(limits, runsAsTool(this));
  if (noLimit !== undefined) throw new InvalidRequestError(noLimit);
  const service = findService(await state.catalog(), order.serviceId);
  // Money is only spent on an order the catalog allows: unknown service or quantity outside min/max stop here.
  assertOrderAllowed(order, service);
  const quote: Quote | undefined = service?.rate === undefined ? undefined : quoteOrder(order, service);
  // assertOrderAllowed has refused an order for a service the catalog does not hold.
  const refusal = limitRefusal(limits, service as Service, quote);
  if (refusal !== undefined) throw new InvalidRequestError(refusal);

  // Sent exactly once: the transport never retries RegisterOrder. Core's classifier decides what became of it.
  const outcome = await state.transport.attemptOrder(order);
  if (outcome.kind === 'refused' && outcome.error.code === 'insufficient_funds') {
    throw await withBalance(state.transport, outcome.error, order, quote);
  }
  if (outcome.kind !== 'placed') throw outcome.error;
  state.placed.push({ orderId: outcome.orderId, itemIndex });
  return {
    orderId: outcome.orderId,
    serviceId: order.serviceId,
    serviceName: service?.name ?? null,
    category: service?.category ?? null,
    link: order.link,
    quantity: order.quantity,
    rate: quote?.rate ?? null,
    estimatedCost: quote?.price ?? null,
    currency: 'USD',
  };
}

/**
 * "Insufficient funds" made useful: "balance is X, this order costs Y". Nothing was placed; the balance read is
 * best effort and must not hide the refusal itself.
 */
async function withBalance(
  transport: Transport,
  refusal: ResellerError,
  order: OrderRequest,
  quote: Quote | undefined,
): Promise<ResellerError> {
  const balance = await transport.getBalance().catch(() => undefined);
  if (balance === undefined && quote === undefined) return refusal;
  return errorFromRefusal(
    { success: false, orderId: null, insufficientFunds: true, error: null },
    {
      order,
      ...(quote === undefined ? {} : { cost: quote.price }),
      ...(balance === undefined ? {} : { balance: balance.balance, currency: balance.currency }),
    },
  );
}
