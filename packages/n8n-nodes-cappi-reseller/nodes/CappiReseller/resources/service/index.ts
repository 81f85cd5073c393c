import type { INodeProperties } from 'n8n-workflow';
import { serviceGetDescription } from './get';
import { serviceGetManyDescription } from './getMany';

export { get } from './get';
export { getMany } from './getMany';

export const serviceDescription: INodeProperties[] = [
  {
    displayName: 'Operation',
    name: 'operation',
    type: 'options',
    noDataExpression: true,
    displayOptions: { show: { resource: ['service'] } },
    options: [
      {
        name: 'Get',
        value: 'get',
        action: 'Get a service',
        description:
          'Get one service of the catalog by its ID: name, category, rate (USD per unit), min and max quantity',
      },
      {
        name: 'Get Many',
        value: 'getMany',
        action: 'Get many services',
        description: 'Search the catalog by words, category and price per unit',
      },
    ],
    default: 'getMany',
  },
  ...serviceGetManyDescription,
  ...serviceGetDescription,
];
