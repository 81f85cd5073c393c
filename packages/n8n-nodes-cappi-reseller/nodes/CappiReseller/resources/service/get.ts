import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { InvalidRequestError } from '../../../shared/core/domain/errors';
import { findService, validateServiceId } from '../../../shared/core/domain/validate';
import { serviceLocator, toServiceId } from '../../descriptions';
import type { ExecutionState } from '../types';

export const serviceGetDescription: INodeProperties[] = [serviceLocator('get', 'service', 'The service to get')];

export async function get(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<IDataObject> {
  // The same bounds as every id sent to the API (core's validate.ts): a whole number from 1 to 2147483647.
  const serviceId = validateServiceId(
    toServiceId(this.getNodeParameter('serviceId', itemIndex, '', { extractValue: true })),
  );
  const service = findService(await state.catalog(), serviceId);
  if (service === undefined) {
    throw new InvalidRequestError(
      `service ${serviceId} is not in the catalog: search the catalog for a service ID that exists`,
      {
        field: 'serviceId',
        serviceId,
      },
    );
  }
  return { ...service };
}
