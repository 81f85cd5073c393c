import type { ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';
import { listCategories } from '../../shared/core/domain/search';
import { toNodeError } from '../../shared/errors';
import { createTransport } from '../transport';

/** The categories of the catalog with their number of services, for the category filter. */
export async function getCategories(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
  const transport = await createTransport(this);
  try {
    return listCategories(await transport.listServices()).map(({ category, count }) => ({
      name: `${category} (${count})`,
      value: category,
    }));
  } catch (error) {
    throw toNodeError(this.getNode(), error, { secrets: transport.secrets });
  }
}
