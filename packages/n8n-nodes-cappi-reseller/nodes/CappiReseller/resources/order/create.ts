import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { errorFromRefusal, UnknownOutcomeError, unknownOutcomeMessage } from '../../../shared/core/domain/errors';
import { quoteOrder } from '../../../shared/core/domain/quote';
import type { Quote } from '../../../shared/core/domain/types';
import { assertOrderAllowed, findService, validateOrderInput } from '../../../shared/core/domain/validate';
import { serviceLocator, toServiceId, toWholeNumber } from '../../descriptions';
import type { ExecutionState } from '../types';

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
    typeOptions: { minValue: 1, numberPrecision: 0 },
    description:
      'How many units to order; it must lie within the min and max of the service (the service list shows them)',
    displayOptions: { show: showOnlyForCreate },
  },
];

export async function create(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<IDataObject> {
  const order = validateOrderInput({
    serviceId: toServiceId(this.getNodeParameter('serviceId', itemIndex, '', { extractValue: true })),
    link: this.getNodeParameter('link', itemIndex),
    quantity: toWholeNumber(this.getNodeParameter('quantity', itemIndex)),
  });
  const service = findService(await state.catalog(), order.serviceId);
  // Money is only spent on an order the catalog allows: unknown service or quantity outside min/max stop here.
  assertOrderAllowed(order, service);
  const quote: Quote | undefined = service?.rate === undefined ? undefined : quoteOrder(order, service);

  // Sent exactly once: the transport never retries RegisterOrder.
  const result = await state.transport.registerOrder(order);
  if (result.success !== true) {
    // Nothing was placed. Knowing the balance turns "insufficient funds" into "balance is X, this costs Y";
    // that read is best effort and must not hide the refusal itself.
    const balance =
      result.insufficientFunds === true ? await state.transport.getBalance().catch(() => undefined) : undefined;
    throw errorFromRefusal(result, {
      order,
      ...(quote === undefined ? {} : { cost: quote.price }),
      ...(balance === undefined ? {} : { balance: balance.balance, currency: balance.currency }),
    });
  }
  if (typeof result.orderId !== 'number') {
    const sentAt = new Date().toISOString();
    throw new UnknownOutcomeError(
      unknownOutcomeMessage(order, sentAt, 'the API said the order succeeded but gave no order ID'),
      { order, sentAt },
    );
  }
  state.placed.push({ orderId: result.orderId, itemIndex });
  return {
    orderId: result.orderId,
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
