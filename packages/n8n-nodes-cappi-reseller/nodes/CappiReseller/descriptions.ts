import type { INodeProperties } from 'n8n-workflow';

/** The service picker: a searchable list (name, rate, min-max) or an ID typed in. */
export function serviceLocator(operation: string, resource: string, description: string): INodeProperties {
  return {
    displayName: 'Service',
    name: 'serviceId',
    type: 'resourceLocator',
    default: { mode: 'list', value: '' },
    required: true,
    description,
    displayOptions: { show: { resource: [resource], operation: [operation] } },
    modes: [
      {
        displayName: 'From List',
        name: 'list',
        type: 'list',
        placeholder: 'Search the catalog...',
        typeOptions: { searchListMethod: 'searchServices', searchable: true },
      },
      {
        displayName: 'By ID',
        name: 'id',
        type: 'string',
        placeholder: 'e.g. 199825',
        validation: [
          {
            type: 'regex',
            properties: { regex: '^\\s*[0-9]+\\s*$', errorMessage: 'A service ID is a whole number, e.g. 199825' },
          },
        ],
      },
    ],
  };
}

/**
 * A value as a number when it is whole-number text ("120": Sheets, forms and webhooks send numbers as text), else as
 * given, so that validation can quote it in its error.
 */
export function toWholeNumber(value: unknown): unknown {
  if (typeof value === 'string' && /^\s*[0-9]+\s*$/.test(value)) return Number(value.trim());
  return value;
}

/** A resource locator's value as a number when it is a whole number, else as given (so the error can quote it). */
export const toServiceId = toWholeNumber;
