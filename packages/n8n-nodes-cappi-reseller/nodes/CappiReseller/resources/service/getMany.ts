import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { searchServices } from '../../../shared/core/domain/search';
import type { SearchServicesOptions } from '../../../shared/core/domain/types';
import type { ExecutionState } from '../types';

const showOnlyForGetMany = { resource: ['service'], operation: ['getMany'] };

export const serviceGetManyDescription: INodeProperties[] = [
  {
    displayName: 'Return All',
    name: 'returnAll',
    type: 'boolean',
    displayOptions: { show: showOnlyForGetMany },
    default: false,
    description: 'Whether to return all results or only up to a given limit',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    displayOptions: { show: { ...showOnlyForGetMany, returnAll: [false] } },
    typeOptions: { minValue: 1 },
    default: 50,
    description: 'Max number of results to return',
  },
  {
    displayName: 'Filters',
    name: 'filters',
    type: 'collection',
    placeholder: 'Add Filter',
    default: {},
    displayOptions: { show: showOnlyForGetMany },
    options: [
      {
        displayName: 'Category Name or ID',
        name: 'category',
        type: 'options',
        typeOptions: { loadOptionsMethod: 'getCategories' },
        default: '',
        description:
          'Only services of this category (exact name, any case). Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
      },
      {
        displayName: 'Max Rate',
        name: 'maxRate',
        type: 'number',
        typeOptions: { minValue: 0, numberPrecision: 6 },
        default: 0,
        description: 'Only services costing at most this many USD per unit',
      },
      {
        displayName: 'Min Rate',
        name: 'minRate',
        type: 'number',
        typeOptions: { minValue: 0, numberPrecision: 6 },
        default: 0,
        description: 'Only services costing at least this many USD per unit',
      },
      {
        displayName: 'Search',
        name: 'search',
        type: 'string',
        default: '',
        placeholder: 'e.g. steam likes',
        description:
          'Words to find in the name, category, description or ID of a service, in any order and any case; best matches first',
      },
    ],
  },
];

export async function getMany(
  this: IExecuteFunctions,
  itemIndex: number,
  state: ExecutionState,
): Promise<IDataObject[]> {
  const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
  const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
  const options: SearchServicesOptions = {};
  if (typeof filters.search === 'string' && filters.search.trim() !== '') options.query = filters.search;
  if (typeof filters.category === 'string' && filters.category.trim() !== '') options.category = filters.category;
  // A rate filter that was added to the collection counts, even when it is 0.
  if (typeof filters.minRate === 'number' && 'minRate' in filters) options.minRate = filters.minRate;
  if (typeof filters.maxRate === 'number' && 'maxRate' in filters) options.maxRate = filters.maxRate;
  const matches = searchServices(await state.catalog(), options);
  const limit = returnAll ? matches.length : (this.getNodeParameter('limit', itemIndex, 50) as number);
  return matches.slice(0, limit).map((service) => ({ ...service }));
}
