import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { InvalidRequestError } from '../../../shared/core/domain/errors';
import { findService } from '../../../shared/core/domain/validate';
import { serviceLocator, toServiceId } from '../../descriptions';
import type { ExecutionState } from '../types';

export const serviceGetDescription: INodeProperties[] = [serviceLocator('get', 'service', 'The service to get')];

export async function get(this: IExecuteFunctions, itemIndex: number, state: ExecutionState): Promise<IDataObject> {
  const serviceId = toServiceId(this.getNodeParameter('serviceId', itemIndex, '', { extractValue: true }));
  if (typeof serviceId !== 'number' || !Number.isSafeInteger(serviceId) || serviceId < 1) {
    throw new InvalidRequestError(`serviceId must be a whole number of at least 1 (got ${JSON.stringify(serviceId)})`, {
      field: 'serviceId',
    });
  }
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
