// quote_order (prices an order, spends nothing) and register_order (spends money, behind the guard).
import {
  assertOrderAllowed,
  findService,
  formatUsd,
  type OrderRequest,
  type Quote,
  quoteOrder,
  type Service,
  UnknownOutcomeError,
  validateOrderInput,
} from '@cappi-reseller/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { fail, failWith, ok } from '../answer.js';
import type { ServerContext } from '../context.js';
import { checkLimits, checkOrder } from '../guard.js';
import { type LedgerEntry, LedgerLockError, recentIdentical } from '../ledger.js';
import type { QuoteTerms } from '../quote-token.js';
import { clip, sandboxFlag } from './read.js';
import { toolSchema } from './schema.js';

const orderShape = {
  service_id: z.number().int().min(1),
  link: z.string().min(1).max(2048).describe('http(s) URL to deliver to'),
  quantity: z.number().int().min(1),
};

/**
 * Prices an order against the catalog and the current balance; throws core's InvalidRequestError when the
 * service does not allow it. The balance is read fresh: an order it cannot cover is never sent, and an unknown
 * outcome can be checked against it.
 */
async function priceOrder(context: ServerContext, input: unknown, signal: AbortSignal) {
  const order: OrderRequest = validateOrderInput(input);
  const { client, catalog } = context.account;
  const [services, balance] = await Promise.all([catalog.get({ signal }), client.getBalance({ signal })]);
  const service = findService(services, order.serviceId);
  assertOrderAllowed(order, service); // unknown service, quantity outside min/max: a sentence from core
  const quote = quoteOrder(order, service as Service, balance);
  return { order, service: service as Service, quote };
}

function describeOrder(quote: Pick<Quote, 'quantity' | 'serviceName' | 'serviceId' | 'link' | 'price'>): string {
  return `${quote.quantity} × ${clip(quote.serviceName, 120)} (service ${quote.serviceId}) to ${clip(quote.link, 300)} for ${formatUsd(quote.price)}`;
}

function insufficientFunds(balance: number, price: number, what: 'quoted' | 'placed'): string {
  return `insufficient funds: balance is ${formatUsd(balance)}, this order costs ${formatUsd(price)}; top up the balance or order fewer units. Nothing was ${what}.`;
}

function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

export function registerOrderTools(server: McpServer, context: ServerContext): void {
  const { policy } = context;

  server.registerTool(
    'quote_order',
    {
      title: 'Quote an order',
      description: `Checks an order against the catalog, the balance and this server's limits, and prices it. Spends nothing. Returns the price (USD), the balance after${policy.readOnly ? '' : `, and a quote_id for register_order, valid ${Math.round(policy.quoteTtlMs / 1000)} s. Show the price to the person first`}.`,
      inputSchema: toolSchema(orderShape),
      outputSchema: toolSchema({
        quote_id: z.string(),
        expires_at: z.string(),
        service_id: z.number(),
        service_name: z.string(),
        link: z.string(),
        quantity: z.number(),
        rate: z.number(),
        price: z.number(),
        currency: z.string(),
        balance: z.number().optional(),
        balance_after: z.number().optional(),
        ...sandboxFlag(context),
      }),
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      try {
        const input = { serviceId: args.service_id, link: args.link, quantity: args.quantity };
        const { service, quote } = await priceOrder(context, input, extra.signal);
        if (quote.affordable === false && quote.balance !== undefined) {
          return fail(context, insufficientFunds(quote.balance, quote.price, 'quoted'));
        }
        const now = context.now();
        const entries = context.ledger.entries();
        const refusal = checkLimits(
          policy,
          { service, price: quote.price },
          { entries, account: context.account.id, now },
        );
        if (refusal !== undefined) return fail(context, `${refusal.message} Nothing was quoted.`);

        const expiresAt = now + policy.quoteTtlMs;
        const quoteId = context.quotes.sign({
          serviceId: quote.serviceId,
          link: quote.link,
          quantity: quote.quantity,
          price: quote.price,
          expiresAt,
        });
        const structured = {
          quote_id: quoteId,
          expires_at: new Date(expiresAt).toISOString(),
          service_id: quote.serviceId,
          service_name: clip(quote.serviceName, 160),
          link: quote.link,
          quantity: quote.quantity,
          rate: quote.rate,
          price: quote.price,
          currency: quote.currency,
          ...(quote.balance === undefined ? {} : { balance: quote.balance }),
          ...(quote.balanceAfter === undefined ? {} : { balance_after: quote.balanceAfter }),
        };
        let text = `Quote: ${describeOrder(quote)}`;
        if (quote.balanceAfter !== undefined) text += `; balance after: ${formatUsd(quote.balanceAfter)}`;
        text += '.';
        if (policy.readOnly) {
          text += ' This server is read-only: it cannot place orders.';
        } else {
          text += ` To place it: register_order with quote_id "${quoteId}" before ${utcTime(expiresAt)}.`;
          const previous = recentIdentical(entries, context.account.id, input, now, policy.duplicateWindowMs);
          if (previous !== undefined) {
            text += ` Note: an identical order was sent at ${utcTime(Date.parse(previous.time))}; a second one needs confirm_duplicate: true.`;
          }
        }
        return ok(context, structured, text);
      } catch (error) {
        return failWith(context, error);
      }
    },
  );

  if (policy.readOnly) return; // Not even listed: a read-only server cannot be talked into spending.

  server.registerTool(
    'register_order',
    {
      title: 'Place an order',
      description: `Spends money. Places the order of a quote_id${policy.allowUnquotedOrders ? ' (or of service_id, link, quantity)' : ''}; the person may be asked to confirm. Returns order_id and charge (USD). An identical order within ${Math.round(policy.duplicateWindowMs / 60_000)} min is refused unless confirm_duplicate. Limits: ${formatUsd(policy.maxOrderUsd)} per order, ${formatUsd(policy.dailyBudgetUsd)} per day.`,
      inputSchema: toolSchema({
        quote_id: z.string().max(4096).optional(),
        // Optional: when given with a quote_id they must match it, so a model cannot think it orders something else.
        service_id: z.number().int().min(1).optional(),
        link: z.string().min(1).max(2048).optional(),
        quantity: z.number().int().min(1).optional(),
        confirm_duplicate: z.boolean().optional(),
      }),
      outputSchema: toolSchema({
        order_id: z.number(),
        charge: z.number(),
        currency: z.string(),
        service_id: z.number(),
        service_name: z.string(),
        link: z.string(),
        quantity: z.number(),
        ...sandboxFlag(context),
      }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false },
    },
    async (args, extra) => {
      try {
        // 1. What is being ordered: the signed quote, or (when the operator allows it) the arguments.
        let terms: Omit<QuoteTerms, 'expiresAt'> | undefined;
        if (args.quote_id !== undefined) {
          const check = context.quotes.verify(args.quote_id, context.now());
          if (!check.ok) {
            if (check.reason === 'expired') {
              return fail(
                context,
                `quote expired at ${utcTime(check.terms?.expiresAt ?? 0)}; nothing was placed. Call quote_order again for a fresh price.`,
              );
            }
            return fail(
              context,
              'quote_id is not a quote from this server (or it was altered); nothing was placed. Call quote_order and pass its quote_id unchanged.',
            );
          }
          terms = check.terms;
          const mismatch = (['service_id', 'link', 'quantity'] as const).filter((field) => {
            const given = args[field];
            const quoted = field === 'service_id' ? terms?.serviceId : field === 'link' ? terms?.link : terms?.quantity;
            return given !== undefined && given !== quoted;
          });
          if (mismatch.length > 0) {
            return fail(
              context,
              `the quote is for service ${terms.serviceId}, quantity ${terms.quantity}, link ${clip(terms.link, 300)}; the ${mismatch.join(', ')} given differ. Nothing was placed. Call quote_order for the order you want.`,
            );
          }
        } else if (!policy.allowUnquotedOrders) {
          return fail(
            context,
            'register_order needs a quote_id: call quote_order with service_id, link and quantity first, show the price to the person, then pass its quote_id.',
          );
        } else if (args.service_id === undefined || args.link === undefined || args.quantity === undefined) {
          return fail(context, 'give a quote_id, or all of service_id, link and quantity.');
        }
        const input = terms ?? { serviceId: args.service_id, link: args.link, quantity: args.quantity };

        // 2. Still valid against today's catalog, at the quoted price.
        const { order, service, quote } = await priceOrder(context, input, extra.signal);
        if (quote.affordable === false && quote.balance !== undefined) {
          return fail(context, insufficientFunds(quote.balance, quote.price, 'placed'));
        }
        if (terms !== undefined && Math.abs(quote.price - terms.price) >= 0.005) {
          return fail(
            context,
            `the price changed since the quote: it was ${formatUsd(terms.price)}, it is now ${formatUsd(quote.price)}. Nothing was placed. Call quote_order again and confirm the new price.`,
          );
        }
        const guardInput = {
          service,
          link: order.link,
          quantity: order.quantity,
          price: quote.price,
          confirmDuplicate: args.confirm_duplicate === true,
        };
        const refused = checkOrder(policy, guardInput, guardContext(context));
        if (refused !== undefined) return fail(context, refused.message);

        // 3. The person confirms, when the client can ask.
        const confirmation = await confirm(server, context, quote, args.confirm_duplicate === true);
        if (confirmation !== undefined) return fail(context, confirmation);
        if (extra.signal.aborted) return fail(context, 'the request was cancelled; nothing was placed.');

        // 4. Check again, send once, record before answering: one placement at a time in this process.
        return await context.serialize(async () => {
          const refusedNow = checkOrder(policy, guardInput, guardContext(context));
          if (refusedNow !== undefined) return fail(context, refusedNow.message);
          const entry: LedgerEntry = {
            time: new Date(context.now()).toISOString(),
            account: context.account.id,
            outcome: 'placed',
            orderId: null,
            serviceId: service.service,
            serviceName: service.name,
            link: order.link,
            quantity: order.quantity,
            charge: quote.price,
            currency: quote.currency,
            ...(context.sandbox ? { sandbox: true as const } : {}),
          };
          try {
            context.ledger.assertWritable();
          } catch (error) {
            return fail(
              context,
              `nothing was placed: the order ledger ${context.ledger.path} cannot be written (${(error as Error).message}), and no order is sent that could not be recorded. Ask the operator to fix it or set --ledger.`,
            );
          }
          try {
            // No abort signal: once sent, cancelling could only turn a placed order into an unknown one.
            const placed = await context.account.client.registerOrder(order);
            entry.orderId = placed.orderId;
          } catch (error) {
            if (!(error instanceof UnknownOutcomeError)) return failWith(context, error);
            entry.outcome = 'unknown';
            const recorded = record(context, entry);
            return fail(
              context,
              `${error.message}. It is recorded in the local ledger as "unknown" and counts ${formatUsd(quote.price)} against today's budget${recorded}. To find out, call get_balance: a drop of ${formatUsd(quote.price)}${quote.balance === undefined ? '' : ` from ${formatUsd(quote.balance)}`} means it was placed. An identical order is refused for ${Math.round(policy.duplicateWindowMs / 60_000)} min unless confirm_duplicate is true.`,
            );
          }
          const recorded = record(context, entry);
          return ok(
            context,
            {
              order_id: entry.orderId,
              charge: quote.price,
              currency: quote.currency,
              service_id: service.service,
              service_name: clip(service.name, 160),
              link: order.link,
              quantity: order.quantity,
            },
            `Order ${entry.orderId} placed: ${describeOrder(quote)}${recorded}. Follow it with get_order_status (order_id ${entry.orderId}, wait_seconds up to 45).`,
          );
        });
      } catch (error) {
        if (error instanceof LedgerLockError) return fail(context, `nothing was placed: ${error.message}.`);
        return failWith(context, error);
      }
    },
  );
}

function guardContext(context: ServerContext) {
  return { entries: context.ledger.entries(), account: context.account.id, now: context.now() };
}

/** Appends to the ledger; an order that was sent is never hidden because the disk failed. */
function record(context: ServerContext, entry: LedgerEntry): string {
  try {
    context.ledger.append(entry);
    return '';
  } catch (error) {
    context.log.info(`could not write the ledger ${context.ledger.path}: ${(error as Error).message}`);
    return ' (warning: the local ledger could not be written)';
  }
}

/** Asks the person through MCP elicitation; returns why nothing may be placed, or undefined to go on. */
async function confirm(
  server: McpServer,
  context: ServerContext,
  quote: Quote,
  duplicate: boolean,
): Promise<string | undefined> {
  const canAsk = server.server.getClientCapabilities()?.elicitation !== undefined;
  if (!canAsk) {
    return context.policy.requireConfirmation
      ? 'nothing was placed: this server requires the person to confirm each order, and this client cannot ask (no elicitation support).'
      : undefined;
  }
  const sandbox = context.sandbox ? ' (sandbox: no real money)' : '';
  const again = duplicate ? ' An identical order was sent moments ago; this would be a second one.' : '';
  const answer = await server.server.elicitInput(
    {
      mode: 'form',
      message: `Place this order${sandbox}? ${describeOrder(quote)}.${again}`,
      requestedSchema: {
        type: 'object',
        properties: {
          confirm: { type: 'boolean', title: 'Place this order', description: `Spends ${formatUsd(quote.price)}` },
        },
        required: ['confirm'],
      },
    },
    { timeout: 10 * 60_000 },
  );
  if (answer.action === 'accept' && answer.content?.confirm === true) return undefined;
  if (answer.action === 'cancel') return 'nothing was placed: the person dismissed the confirmation.';
  return 'nothing was placed: the person declined the order.';
}
