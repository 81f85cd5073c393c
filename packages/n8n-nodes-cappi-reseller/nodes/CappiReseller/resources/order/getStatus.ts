import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { normalizeOrderStatus } from '../../../shared/core/domain/status';
import { MAX_API_INTEGER, validateOrderId } from '../../../shared/core/domain/validate';
import { toWholeNumber } from '../../descriptions';
import type { ExecutionState } from '../types';

export const orderGetStatusDescription: INodeProperties[] = [
  {
    displayName: 'Order ID',
    name: 'orderId',
    type: 'number',
    required: true,
    default: 0,
    // The API's 32-bit integer, the bound core checks (validateOrderId).
    typeOptions: { numberPrecision: 0, maxValue: MAX_API_INTEGER },
    placeholder: 'e.g. 12345',
    description: 'The ID of the order, as returned when it was created',
    displayOptions: { show: { resource: ['order'], operation: ['getStatus'] } },
  },
];

export async function getStatus(
  this: IExecuteFunctions,
  itemIndex: number,
  state: ExecutionState,
): Promise<IDataObject> {
  const orderId = validateOrderId(toWholeNumber(this.getNodeParameter('orderId', itemIndex)));
  const status = await state.transport.getOrderStatus(orderId);
  return { orderId, ...normalizeOrderStatus(status) };
}
