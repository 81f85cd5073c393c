// The catalog and single orders as MCP resources, for clients that browse rather than call tools:
// the list of categories, one resource per category, and a template for an order.
import {
  countedCents,
  formatCents,
  type LedgerRow,
  listCategories,
  MAX_API_INTEGER,
  normalizeOrderStatus,
  parseLedgerRow,
  searchServices,
} from '@cappi-reseller/core';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { MAX_ANSWER_CHARS } from './answer.js';
import type { ServerContext } from './context.js';
import { clip, serviceRow } from './tools/read.js';

const JSON_TYPE = 'application/json';
const CATEGORY_PREFIX = 'cappi://catalog/category/';

function json(context: ServerContext, uri: URL, value: Record<string, unknown>): ReadResourceResult {
  const body = context.sandbox ? { sandbox: true, ...value } : value;
  return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: JSON.stringify(body) }] };
}

/** Resource reads fail as protocol errors; the message comes from core (and is scrubbed on its way out). */
function readError(error: unknown): McpError {
  const message = error instanceof Error ? error.message : String(error);
  return new McpError(ErrorCode.InvalidParams, message);
}

/** The orders this server placed for this account, most recent first (at most 50). */
async function recentOrders(context: ServerContext): Promise<(LedgerRow & { orderId: number })[]> {
  const rows = await context.ledger.recentRows(context.account.id, 50);
  return rows
    .map((row) => parseLedgerRow(row, context.ledger.location))
    .filter((row): row is LedgerRow & { orderId: number } => row.orderId !== null);
}

export function registerResources(server: McpServer, context: ServerContext): void {
  const { account } = context; // client and catalog are created on first use

  server.registerResource(
    'categories',
    'cappi://catalog/categories',
    {
      title: 'Service categories',
      description: 'Every category of the catalog with its number of services.',
      mimeType: JSON_TYPE,
    },
    async (uri) => {
      try {
        const categories = listCategories(await account.catalog.get());
        return json(context, uri, {
          categories: categories.map((entry) => ({
            ...entry,
            uri: `${CATEGORY_PREFIX}${encodeURIComponent(entry.category)}`,
          })),
        });
      } catch (error) {
        throw readError(error);
      }
    },
  );

  server.registerResource(
    'category',
    new ResourceTemplate(`${CATEGORY_PREFIX}{name}`, {
      list: async () => {
        const categories = listCategories(await account.catalog.get());
        return {
          resources: categories.map((entry) => ({
            uri: `${CATEGORY_PREFIX}${encodeURIComponent(entry.category)}`,
            name: entry.category,
            description: `${entry.count} services`,
            mimeType: JSON_TYPE,
          })),
        };
      },
    }),
    {
      title: 'Services of a category',
      description: 'The services of one category: id, name, rate (USD per unit), min and max.',
      mimeType: JSON_TYPE,
    },
    async (uri, variables) => {
      try {
        const raw = variables.name;
        const name = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
        const services = searchServices(await account.catalog.get(), { category: name });
        if (services.length === 0) {
          throw new McpError(ErrorCode.InvalidParams, `no category named ${JSON.stringify(name.slice(0, 100))}`);
        }
        // A very large category is cut to stay under the answer ceiling; list_services pages through all of it.
        let rows = services.map((service) => serviceRow(service));
        let result = json(context, uri, { category: name, total: services.length, services: rows });
        while (JSON.stringify(result).length > MAX_ANSWER_CHARS) {
          rows = rows.slice(0, Math.floor(rows.length * 0.8));
          result = json(context, uri, {
            category: name,
            total: services.length,
            truncated: true,
            note: 'cut to fit; use the list_services tool with this category to page through all of them',
            services: rows,
          });
        }
        return result;
      } catch (error) {
        throw error instanceof McpError ? error : readError(error);
      }
    },
  );

  server.registerResource(
    'order',
    new ResourceTemplate('cappi://orders/{orderId}', {
      // The orders this server placed for this account, most recent first.
      list: async () => ({
        resources: (await recentOrders(context)).map((row) => ({
          uri: `cappi://orders/${row.orderId}`,
          name: `order ${row.orderId}`,
          description: `${row.quantity} × service ${row.serviceId}, ${formatCents(countedCents(row))}, ${new Date(row.createdAt).toISOString()}`,
          mimeType: JSON_TYPE,
        })),
      }),
    }),
    {
      title: 'Order status',
      description: 'The current status of one order: state, charge, refund, delivered and failed units.',
      mimeType: JSON_TYPE,
    },
    async (uri, variables) => {
      const raw = variables.orderId;
      const orderId = Number(Array.isArray(raw) ? raw[0] : raw);
      if (!Number.isSafeInteger(orderId) || orderId < 1 || orderId > MAX_API_INTEGER) {
        throw new McpError(ErrorCode.InvalidParams, `the order id must be a whole number from 1 to ${MAX_API_INTEGER}`);
      }
      try {
        const status = normalizeOrderStatus(await account.client.getOrderStatus(orderId));
        const observation = status.observation === null ? null : clip(status.observation, 500);
        return json(context, uri, { orderId, ...status, observation });
      } catch (error) {
        throw readError(error);
      }
    },
  );
}
