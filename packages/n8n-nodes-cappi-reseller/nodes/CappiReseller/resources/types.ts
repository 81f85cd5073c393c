import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { Service } from '../../shared/core/domain/types';
import type { PlacedOrder } from '../../shared/errors';
import type { Transport } from '../transport';

/** What every operation gets besides its item: shared per execution, not per item. */
export interface ExecutionState {
  transport: Transport;
  /** The catalog, fetched at most once per execution (1,000 items make one ServicesList call). */
  catalog: () => Promise<Service[]>;
  /** Orders placed so far by this execution. */
  placed: PlacedOrder[];
}

/** One operation run for one input item; returns the output items' JSON. */
export type OperationHandler = (
  this: IExecuteFunctions,
  itemIndex: number,
  state: ExecutionState,
) => Promise<IDataObject | IDataObject[]>;
