import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { ExecutionState } from '../types';

export async function getBalance(
  this: IExecuteFunctions,
  _itemIndex: number,
  state: ExecutionState,
): Promise<IDataObject> {
  const { balance, currency } = await state.transport.getBalance();
  return { balance, currency };
}
