import type { INodeProperties } from 'n8n-workflow';
import { orderCreateDescription } from './create';
import { orderGetStatusDescription } from './getStatus';

export { create } from './create';
export { getStatus } from './getStatus';

export const orderDescription: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['order'] } },
    options: [
      {
        name: 'Create',
        value: 'create',
        action: 'Create an order',
        description:
          'Place an order and pay it from the balance. Spends money. The quantity and link are checked against the service before anything is sent, and the order is sent once, never retried.',
      },
      {
        name: 'Get Status',
        value: 'getStatus',
        action: 'Get the status of an order',
        description:
          'Get where an order stands: pending, in progress, completed, partial or canceled, with the amount delivered and any refund',
      },
    ],
    default: 'getStatus',
  },
  ...orderCreateDescription,
  ...orderGetStatusDescription,
];
