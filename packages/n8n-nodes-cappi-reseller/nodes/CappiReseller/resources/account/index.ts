import type { INodeProperties } from 'n8n-workflow';

export { getBalance } from './getBalance';

export const accountDescription: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['account'] } },
    options: [
      {
        name: 'Get Balance',
        value: 'getBalance',
        action: 'Get the account balance',
        description: 'Get the prepaid balance that orders are paid from, and its currency',
      },
    ],
    default: 'getBalance',
  },
];
