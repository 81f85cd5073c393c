// The read-only tools: get_balance, list_services, get_order_status.
import {
  centsOf,
  formatUsd,
  listCategories,
  MAX_API_INTEGER,
  type NormalizedOrderStatus,
  normalizeOrderStatus,
  paginate,
  parseLedgerRow,
  type Service,
  searchServices,
  TimeoutError,
  waitForOrder,
} from '@cappi-reseller/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { failWith, MAX_ANSWER_CHARS, ok, sizeOf } from '../answer.js';
import { ORDER_VIEW_URI, viewMeta } from '../apps/ui.js';
import type { ServerContext } from '../context.js';
import { registerTaskTool } from '../tasks.js';
import { checkedTool, toolInput } from './input.js';
import { withOrderLink } from './links.js';
import { toolSchema } from './schema.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 50;
export const MAX_WAIT_SECONDS = 45;
const MAX_CATEGORIES = 20;
const NAME_CHARS = 160;
const DESC_CHARS = 400;
const OBSERVATION_CHARS = 500;

// openWorldHint is true by default: every tool talks to the Reseller API.
const READ_ONLY = { readOnlyHint: true, idempotentHint: true } as const;

/** The quantity of an order this server placed (to show progress as a share), if the ledger has it. */
async function orderedQuantity(context: ServerContext, orderId: number): Promise<number | undefined> {
  try {
    const row = await context.ledger.rowOfOrder(context.account.id, orderId);
    return row === undefined ? undefined : parseLedgerRow(row, context.ledger.location).quantity;
  } catch {
    return undefined; // a progress share is a nicety: a ledger problem surfaces when an order is placed
  }
}

/**
 * Keeps what the API reports as charged: the budget then counts the higher of the quoted price and the charge. A
 * write that fails is logged, not fatal: the status is still the answer.
 */
async function keepCharge(context: ServerContext, orderId: number, charge: number): Promise<void> {
  if (!(charge > 0)) return;
  try {
    await context.ledger.recordCharge(context.account.id, orderId, centsOf(charge));
  } catch (error) {
    context.log.info(`could not record the charge of order ${orderId} in the ledger: ${(error as Error).message}`);
  }
}

export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A catalog row as tools and resources show it: what a model needs to choose, nothing more. */
export function serviceRow(service: Service, withDescription = false) {
  // Absent rather than null when there is none: a single JSON type per field is the most portable schema.
  const row: { id: number; name: string; category: string; rate?: number; min: number; max: number; desc?: string } = {
    id: service.service,
    name: clip(service.name, NAME_CHARS),
    category: clip(service.category, NAME_CHARS),
    min: service.min,
    max: service.max,
  };
  if (service.rate !== undefined) row.rate = service.rate;
  if (withDescription && service.desc) row.desc = clip(service.desc, DESC_CHARS);
  return row;
}

export const serviceRowSchema = z.object({
  id: z.number(),
  name: z.string(),
  category: z.string(),
  rate: z.number().optional(),
  min: z.number(),
  max: z.number(),
  desc: z.string().optional(),
});

/** Declared only in sandbox mode, where every answer carries `sandbox: true`. */
export function sandboxFlag(context: { sandbox: boolean }): Record<string, z.ZodBoolean> {
  return context.sandbox ? { sandbox: z.boolean() } : {};
}

const balanceInput = toolInput({});

const listServicesInput = toolInput({
  query: z.string().max(200).optional().describe('e.g. "steam workshop likes"'),
  category: z.string().max(100).optional(),
  min_rate: z.number().min(0).optional(),
  max_rate: z.number().min(0).optional(),
  limit: z.number().int().min(1).max(MAX_LIMIT).optional().describe(`rows per page, default ${DEFAULT_LIMIT}`),
  cursor: z.string().max(20).optional().describe('next_cursor of the previous page'),
  include_description: z.boolean().optional(),
});

const orderStatusInput = toolInput({
  order_id: z.number().int().min(1).max(MAX_API_INTEGER),
  wait_seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS).optional().describe('default 0'),
});

export const orderStates = ['pending', 'in_progress', 'completed', 'partial', 'canceled', 'unknown'] as const;

export function registerReadTools(server: McpServer, context: ServerContext): void {
  const { account } = context; // client and catalog are created on first use

  server.registerTool(
    'get_balance',
    {
      title: 'Get balance',
      description: 'The prepaid balance orders are paid from, and its currency (USD).',
      inputSchema: balanceInput.advertised,
      outputSchema: toolSchema({ balance: z.number(), currency: z.string(), ...sandboxFlag(context) }),
      annotations: { ...READ_ONLY },
    },
    checkedTool(context, 'get_balance', balanceInput, async (_args, extra) => {
      try {
        const balance = await account.client.getBalance({ signal: extra.signal });
        return ok(context, { balance: balance.balance, currency: balance.currency }, `Balance: ${money(balance)}`);
      } catch (error) {
        return failWith(context, error);
      }
    }),
  );

  server.registerTool(
    'list_services',
    {
      title: 'Search services',
      description:
        'Search the catalog (thousands of services) by words (any order), category and rate. Returns rows (id, name, category, USD per unit, min, max), total, matched categories with counts, and next_cursor. include_description adds descriptions.',
      inputSchema: listServicesInput.advertised,
      outputSchema: toolSchema({
        services: z.array(serviceRowSchema),
        total: z.number(),
        next_cursor: z.string().optional(),
        categories: z.array(z.object({ category: z.string(), count: z.number() })),
        ...sandboxFlag(context),
      }),
      annotations: { ...READ_ONLY },
      _meta: viewMeta(ORDER_VIEW_URI),
    },
    checkedTool(context, 'list_services', listServicesInput, async (args, extra) => {
      try {
        const services = await account.catalog.get({ signal: extra.signal });
        const matches = searchServices(services, {
          query: args.query,
          category: args.category,
          minRate: args.min_rate,
          maxRate: args.max_rate,
        });
        // The categories of the matches help the model narrow down; with no match, every category does.
        const categories = listCategories(matches.length > 0 ? matches : services)
          .sort((a, b) => b.count - a.count)
          .slice(0, MAX_CATEGORIES)
          .map((entry) => ({ category: clip(entry.category, NAME_CHARS), count: entry.count }));

        // Long names or descriptions cannot push an answer past the ceiling: fewer rows instead.
        let limit = args.limit ?? DEFAULT_LIMIT;
        for (;;) {
          const page = paginate(matches, { limit, cursor: args.cursor, nextCursorName: 'next_cursor' });
          const rows = page.items.map((service) => serviceRow(service, args.include_description === true));
          const structured = {
            services: rows,
            total: page.total,
            ...(page.nextCursor === undefined ? {} : { next_cursor: page.nextCursor }),
            categories,
          };
          const text = servicesText(rows, page.total, args.cursor, page.nextCursor, categories);
          if (limit === 1 || sizeOf(structured) + text.length + 500 <= MAX_ANSWER_CHARS) {
            return ok(context, structured, text);
          }
          limit = Math.max(1, Math.floor(limit / 2));
        }
      } catch (error) {
        return failWith(context, error);
      }
    }),
  );

  registerTaskTool(
    server,
    context,
    'get_order_status',
    {
      title: 'Get order status',
      description: `An order's state, charge and refund (USD), units delivered and failed. wait_seconds polls (with progress) until it is final or time is up (final: false: call again).`,
      inputSchema: orderStatusInput.advertised,
      outputSchema: toolSchema({
        order_id: z.number(),
        state: z.enum(orderStates),
        final: z.boolean(),
        status: z.string(),
        charge: z.number(),
        refund: z.number(),
        delivered: z.number(),
        failed: z.number(),
        currency: z.string(),
        observation: z.string().optional(),
        quantity: z.number().optional(),
        ...sandboxFlag(context),
      }),
      annotations: { ...READ_ONLY },
      _meta: viewMeta(ORDER_VIEW_URI),
    },
    checkedTool(context, 'get_order_status', orderStatusInput, async (args, extra) => {
      const { order_id: orderId, wait_seconds: waitSeconds = 0 } = args;
      const quantity = await orderedQuantity(context, orderId);
      try {
        let status: NormalizedOrderStatus;
        if (waitSeconds === 0) {
          status = normalizeOrderStatus(await account.client.getOrderStatus(orderId, { signal: extra.signal }));
        } else {
          const progressToken = extra._meta?.progressToken;
          let polls = 0;
          let last: NormalizedOrderStatus | undefined;
          try {
            status = await waitForOrder(account.client, orderId, {
              signal: extra.signal,
              timeoutMs: waitSeconds * 1000,
              intervalMs: context.pollIntervalMs,
              maxIntervalMs: context.maxPollIntervalMs,
              onProgress: (current) => {
                last = current;
                polls += 1;
                if (progressToken === undefined) return;
                void extra
                  .sendNotification({
                    method: 'notifications/progress',
                    params: {
                      progressToken,
                      progress: polls,
                      message: progressText(orderId, current, quantity),
                    },
                  })
                  .catch(() => undefined);
              },
            });
          } catch (error) {
            if (!(error instanceof TimeoutError)) throw error;
            // Time is up: answer with the state reached, not an error; the model can call again.
            status =
              last ?? normalizeOrderStatus(await account.client.getOrderStatus(orderId, { signal: extra.signal }));
          }
        }
        await keepCharge(context, orderId, status.charge);
        const structured = {
          order_id: orderId,
          state: status.state,
          final: status.isFinal,
          status: clip(status.rawStatus, 100),
          charge: status.charge,
          refund: status.refund,
          delivered: status.delivered,
          failed: status.failed,
          currency: status.currency,
          ...(status.observation ? { observation: clip(status.observation, OBSERVATION_CHARS) } : {}),
          ...(quantity === undefined ? {} : { quantity }),
        };
        return withOrderLink(ok(context, structured, statusText(orderId, status, quantity, waitSeconds)), orderId);
      } catch (error) {
        return failWith(context, error);
      }
    }),
  );
}

function money(amount: { balance: number; currency: string }): string {
  return amount.currency.toUpperCase() === 'USD'
    ? formatUsd(amount.balance)
    : `${amount.balance.toFixed(2)} ${amount.currency}`;
}

function servicesText(
  rows: ReturnType<typeof serviceRow>[],
  total: number,
  cursor: string | undefined,
  nextCursor: string | undefined,
  categories: { category: string; count: number }[],
): string {
  if (total === 0) {
    return `No service matches. Categories: ${categories.map((c) => `${c.category} (${c.count})`).join(', ')}.`;
  }
  const start = Number(cursor ?? 0);
  const lines = [
    `${total} services match; ${start + 1}-${start + rows.length} shown${nextCursor ? `, next_cursor "${nextCursor}"` : ''}. id | name | category | USD/unit | min-max`,
  ];
  for (const row of rows) {
    lines.push(
      `${row.id} | ${row.name} | ${row.category} | ${row.rate ?? 'n/a'} | ${row.min}-${row.max}${row.desc ? ` | ${row.desc}` : ''}`,
    );
  }
  return lines.join('\n');
}

function progressText(orderId: number, status: NormalizedOrderStatus, quantity: number | undefined): string {
  const of = quantity === undefined ? '' : ` of ${quantity}`;
  return `order ${orderId}: ${status.state.replace('_', ' ')}, ${status.delivered}${of} delivered`;
}

function statusText(
  orderId: number,
  status: NormalizedOrderStatus,
  quantity: number | undefined,
  waitSeconds: number,
): string {
  const of = quantity === undefined ? '' : ` of ${quantity}`;
  const parts = [
    `Order ${orderId}: ${status.state.replace('_', ' ')}${status.isFinal ? ' (final)' : ''}`,
    `${status.delivered}${of} delivered, ${status.failed} failed`,
    `charge ${status.charge.toFixed(2)} ${status.currency}, refund ${status.refund.toFixed(2)} ${status.currency}`,
  ];
  let text = `${parts.join('; ')}.`;
  if (status.observation) text += ` ${clip(status.observation, OBSERVATION_CHARS)}`;
  if (!status.isFinal && waitSeconds > 0) text += ` Not final after ${waitSeconds} s; call again to keep waiting.`;
  return text;
}
