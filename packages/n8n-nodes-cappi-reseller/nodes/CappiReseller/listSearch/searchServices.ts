import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { formatUsd } from '../../shared/core/domain/quote';
import { paginate, searchServices as search } from '../../shared/core/domain/search';
import type { Service } from '../../shared/core/domain/types';
import { toNodeError } from '../../shared/errors';
import { createTransport } from '../transport';

const PAGE_SIZE = 100;

/** The service picker: the catalog searched by words (core's ranking), a page at a time. */
export async function searchServices(
  this: ILoadOptionsFunctions,
  filter?: string,
  paginationToken?: string,
): Promise<INodeListSearchResult> {
  const transport = await createTransport(this);
  try {
    const matches = search(await transport.listServices(), { query: filter ?? '' });
    const page = paginate(matches, { limit: PAGE_SIZE, ...(paginationToken ? { cursor: paginationToken } : {}) });
    return {
      results: page.items.map((service) => ({ name: label(service), value: String(service.service) })),
      ...(page.nextCursor === undefined ? {} : { paginationToken: page.nextCursor }),
    };
  } catch (error) {
    throw toNodeError(this.getNode(), error, { secrets: transport.secrets });
  }
}

/** "Steam Likes [Max: 100] · 0.0450 USD/unit · 10-5000 · #199825" */
export function label(service: Service): string {
  const rate = service.rate === undefined ? 'no rate' : `${rateText(service.rate)}/unit`;
  return `${service.name} · ${rate} · ${service.min}-${service.max} · #${service.service}`;
}

function rateText(rate: number): string {
  // Rates per unit are often fractions of a cent: show them exactly rather than rounded to cents.
  return rate >= 0.01 && Math.round(rate * 100) === rate * 100 ? formatUsd(rate) : `${rate} USD`;
}
