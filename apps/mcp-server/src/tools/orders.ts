// quote_order (prices an order, spends nothing) and register_order (spends money). Every rule about money is
// core's: the order kernel (createOrderGuard) checks the policy and the ledger, writes the intent before sending,
// sends once and records the outcome. This file maps MCP's conventions onto it and asks the person to confirm.
import {
  assertOrderAllowed,
  centsOf,
  dailyBudgetLeftCents,
  findService,
  formatUsd,
  type GuardedOrder,
  type GuardedOrderResult,
  isResellerError,
  LedgerDataError,
  MAX_API_INTEGER,
  type OrderRequest,
  type Quote,
  type QuoteTerms,
  quantityProblem,
  quoteOrder,
  type Refusal,
  type Service,
  validateOrderInput,
  validateServiceId,
} from '@cappi-reseller/core';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { fail, failWith, ok } from '../answer.js';
import { clientShowsViews, ORDER_VIEW_URI, viewMeta } from '../apps/ui.js';
import type { ServerContext } from '../context.js';
import { registerTaskTool } from '../tasks.js';
import { checkedTool, type Explain, toolInput } from './input.js';
import { withOrderLink } from './links.js';
import { clip, sandboxFlag } from './read.js';
import { toolSchema } from './schema.js';

// Ids and quantities within the API's integer (core's MAX_API_INTEGER); a quantity is then checked against its
// service's own min and max.
const serviceId = z.number().int().min(1).max(MAX_API_INTEGER);
const quantity = z.number().int().min(1).max(MAX_API_INTEGER);
const link = z.string().min(1).max(2048);

const quoteInput = toolInput({
  service_id: serviceId,
  link: link.describe('http(s) URL to deliver to'),
  quantity,
});

const orderInput = toolInput({
  quote_id: z.string().max(4096).optional(),
  // Optional: when given with a quote_id they must match it, so a model cannot think it orders something else.
  service_id: serviceId.optional(),
  link: link.optional(),
  quantity: quantity.optional(),
  confirm_duplicate: z.boolean().optional(),
});

/** A refused quantity, said with the limits of the service it is for when that service can be found. */
function explainQuantity(context: ServerContext): Explain {
  return async (field, args, extra) => {
    if (field !== 'quantity') return undefined;
    let id: number;
    try {
      id = validateServiceId(args.service_id);
    } catch {
      return undefined; // no usable service id: the schema's own sentence says what any service allows
    }
    try {
      const service = findService(await context.account.catalog.get({ signal: extra.signal }), id);
      return service === undefined ? undefined : quantityProblem(args.quantity, service);
    } catch {
      return undefined; // the catalog cannot be read now: the schema's sentence still says what is wrong
    }
  };
}

type OrderTerms = Omit<QuoteTerms, 'expiresAt' | 'account'>;

/**
 * Prices an order against the catalog and the current balance; throws core's InvalidRequestError when the service
 * does not allow it. `fresh`: the catalog is read from the API now (the final check of an order); otherwise the
 * cache serves it (quotes). The balance is always read fresh: an order it cannot cover is never sent.
 */
async function priceOrder(context: ServerContext, input: unknown, signal: AbortSignal, fresh: boolean) {
  const order: OrderRequest = validateOrderInput(input);
  const { client, catalog } = context.account;
  const [services, balance] = await Promise.all([
    fresh ? catalog.refresh({ signal }) : catalog.get({ signal }),
    client.getBalance({ signal }),
  ]);
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

/** Core's refusal, with how to act on it through this server's tools and settings. */
function refusalText(refusal: Refusal): string {
  switch (refusal.kind) {
    case 'duplicate':
      return `${refusal.message} (call register_order again with confirm_duplicate: true).`;
    case 'over_cap':
      return `${refusal.message} (this server's cap: --max-order-usd, CAPPI_MAX_ORDER_USD)`;
    case 'over_budget':
      return `${refusal.message} (this server's budget: --daily-budget-usd, CAPPI_DAILY_BUDGET_USD)`;
    case 'not_allowed':
      return `${refusal.message} (this server's allow-list: --allow, CAPPI_ALLOW)`;
    default:
      return refusal.message;
  }
}

function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

/** The ledger could not be read (unreachable, damaged): without it the budget is unknown, so nothing goes ahead. */
function ledgerTrouble(context: ServerContext, error: unknown, what: 'quoted' | 'placed'): CallToolResult {
  if (isResellerError(error)) return failWith(context, error);
  const reason =
    error instanceof LedgerDataError
      ? error.message
      : `the order ledger ${context.ledger.location} cannot be used (${(error as Error).message})`;
  return fail(context, `nothing was ${what}: ${reason}. Ask the operator to repair it or to set --ledger.`);
}

export function registerOrderTools(server: McpServer, context: ServerContext): void {
  registerQuoteTool(server, context);
  // Not even listed when read-only: a read-only server cannot be talked into spending.
  if (!context.policy.readOnly) registerOrderTool(server, context);
}

function registerQuoteTool(server: McpServer, context: ServerContext): void {
  const { policy } = context;
  server.registerTool(
    'quote_order',
    {
      title: 'Quote an order',
      description: `Checks an order against the catalog, the balance and this server's limits, and prices it. Spends nothing. Returns the price (USD), the balance after${policy.readOnly ? '' : `, and a quote_id for register_order, valid ${Math.round(policy.quoteTtlMs / 1000)} s. Show the price to the person first`}.`,
      inputSchema: quoteInput.advertised,
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
        budget_left: z.number().optional(),
        ...sandboxFlag(context),
      }),
      annotations: { readOnlyHint: true },
      _meta: viewMeta(ORDER_VIEW_URI),
    },
    checkedTool(
      context,
      'quote_order',
      quoteInput,
      async (args, extra) => {
        try {
          const input = { serviceId: args.service_id, link: args.link, quantity: args.quantity };
          const { service, quote } = await priceOrder(context, input, extra.signal, false);
          if (quote.affordable === false && quote.balance !== undefined) {
            return fail(context, insufficientFunds(quote.balance, quote.price, 'quoted'));
          }
          let checked: Awaited<ReturnType<typeof context.account.guard.checkQuote>>;
          try {
            checked = await context.account.guard.checkQuote(service, centsOf(quote.price), input);
          } catch (error) {
            return ledgerTrouble(context, error, 'quoted');
          }
          if (checked.refusal !== undefined)
            return fail(context, `${refusalText(checked.refusal)} Nothing was quoted.`);
          // The card also shows what is left of today's budget: core's figure, for clients that show the card.
          const budgetLeft = clientShowsViews(server) ? dailyBudgetLeftCents(policy, checked.snapshot) : undefined;
          return await answerQuote(context, quote, checked.snapshot.recentIdentical?.createdAt, budgetLeft);
        } catch (error) {
          return failWith(context, error);
        }
      },
      { nothingDone: 'Nothing was quoted.', explain: explainQuantity(context) },
    ),
  );
}

async function answerQuote(
  context: ServerContext,
  quote: Quote,
  identicalAt: number | undefined,
  budgetLeftCents: number | undefined,
) {
  const { policy } = context;
  const expiresAt = context.now() + policy.quoteTtlMs;
  const quoteId = await context.quotes.sign({
    serviceId: quote.serviceId,
    link: quote.link,
    quantity: quote.quantity,
    price: quote.price,
    expiresAt,
    account: context.account.id,
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
    // No limit (Infinity) is left out: JSON has no number for it.
    ...(budgetLeftCents !== undefined && Number.isFinite(budgetLeftCents)
      ? { budget_left: budgetLeftCents / 100 }
      : {}),
  };
  let text = `Quote: ${describeOrder(quote)}`;
  if (quote.balanceAfter !== undefined) text += `; balance after: ${formatUsd(quote.balanceAfter)}`;
  text += '.';
  if (policy.readOnly) {
    text += ' This server is read-only: it cannot place orders.';
  } else {
    text += ` To place it: register_order with quote_id "${quoteId}" before ${utcTime(expiresAt)}.`;
    if (identicalAt !== undefined) {
      text += ` Note: an identical order was sent at ${utcTime(identicalAt)}; a second one needs confirm_duplicate: true.`;
    }
  }
  return ok(context, structured, text);
}

interface OrderArgs {
  quote_id?: string | undefined;
  service_id?: number | undefined;
  link?: string | undefined;
  quantity?: number | undefined;
  confirm_duplicate?: boolean | undefined;
}

function registerOrderTool(server: McpServer, context: ServerContext): void {
  const { policy } = context;
  registerTaskTool(
    server,
    context,
    'register_order',
    {
      title: 'Place an order',
      description: `Spends money. Places the order of a quote_id${policy.allowUnquotedOrders ? ' (or of service_id, link, quantity)' : ''}; the person may be asked to confirm. Returns order_id and charge (USD). An identical order within ${Math.round(policy.duplicateWindowMs / 60_000)} min is refused unless confirm_duplicate. Limits: ${formatUsd(policy.maxOrderUsd)} per order, ${formatUsd(policy.dailyBudgetUsd)} per day.`,
      inputSchema: orderInput.advertised,
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
      _meta: viewMeta(ORDER_VIEW_URI),
    },
    checkedTool(
      context,
      'register_order',
      orderInput,
      async (args, extra) => {
        try {
          const terms = await termsOf(context, args);
          if ('refusal' in terms) return fail(context, terms.refusal);
          const agreed = terms.quoted ? centsOf(terms.price) : undefined;
          return await placeOrder(server, context, terms, agreed, args.confirm_duplicate === true, extra.signal);
        } catch (error) {
          return failWith(context, error);
        }
      },
      { nothingDone: 'Nothing was placed.', explain: explainQuantity(context) },
    ),
  );
}

/** What is being ordered: the signed quote (checked against this account), or the arguments when the operator allows. */
async function termsOf(
  context: ServerContext,
  args: OrderArgs,
): Promise<(OrderTerms & { quoted: boolean }) | { refusal: string }> {
  if (args.quote_id === undefined) {
    if (!context.policy.allowUnquotedOrders) {
      return {
        refusal:
          'register_order needs a quote_id: call quote_order with service_id, link and quantity first, show the price to the person, then pass its quote_id.',
      };
    }
    if (args.service_id === undefined || args.link === undefined || args.quantity === undefined) {
      return { refusal: 'give a quote_id, or all of service_id, link and quantity.' };
    }
    return { serviceId: args.service_id, link: args.link, quantity: args.quantity, price: Number.NaN, quoted: false };
  }
  const check = await context.quotes.verify(args.quote_id, { account: context.account.id, now: context.now() });
  if (!check.ok) {
    if (check.reason === 'expired') {
      return {
        refusal: `quote expired at ${utcTime(check.terms?.expiresAt ?? 0)}; nothing was placed. Call quote_order again for a fresh price.`,
      };
    }
    if (check.reason === 'other_account') {
      return {
        refusal:
          'this quote was made for another API key; nothing was placed. Call quote_order with the key of this session.',
      };
    }
    return {
      refusal:
        'quote_id is not a quote from this server (or it was altered); nothing was placed. Call quote_order and pass its quote_id unchanged.',
    };
  }
  const { terms } = check;
  const quoted: Record<'service_id' | 'link' | 'quantity', unknown> = {
    service_id: terms.serviceId,
    link: terms.link,
    quantity: terms.quantity,
  };
  const mismatch = (['service_id', 'link', 'quantity'] as const).filter(
    (field) => args[field] !== undefined && args[field] !== quoted[field],
  );
  if (mismatch.length > 0) {
    return {
      refusal: `the quote is for service ${terms.serviceId}, quantity ${terms.quantity}, link ${clip(terms.link, 300)}; the ${mismatch.join(', ')} given differ. Nothing was placed. Call quote_order for the order you want.`,
    };
  }
  return { ...terms, quoted: true };
}

/** Prices the order fresh, checks it, asks the person, then lets core's kernel place it. */
async function placeOrder(
  server: McpServer,
  context: ServerContext,
  terms: OrderTerms,
  agreedPriceCents: number | undefined,
  confirmDuplicate: boolean,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const input = { serviceId: terms.serviceId, link: terms.link, quantity: terms.quantity };
  // The final price check reads the rate from the API now: a rate raised a moment ago must show.
  const { order, service, quote } = await priceOrder(context, input, signal, true);
  if (quote.affordable === false && quote.balance !== undefined) {
    return fail(context, insufficientFunds(quote.balance, quote.price, 'placed'));
  }
  const request: GuardedOrder = {
    order,
    service,
    priceCents: centsOf(quote.price),
    currency: quote.currency,
    ...(agreedPriceCents === undefined ? {} : { agreedPriceCents }),
    confirmDuplicate,
  };
  const { guard } = context.account;
  try {
    // The same checks the kernel makes when it records the order: nobody is asked about an order it would refuse.
    const refusal = await guard.check(request);
    if (refusal !== undefined) return fail(context, refusalText(refusal));
  } catch (error) {
    return ledgerTrouble(context, error, 'placed');
  }
  const confirmation = await confirm(server, context, quote, confirmDuplicate);
  if (confirmation !== undefined) return fail(context, confirmation);
  if (signal.aborted) return fail(context, 'the request was cancelled; nothing was placed.');

  const placing = context.inFlight.run(() => guard.place(request));
  if (placing === undefined) return fail(context, 'nothing was placed: this server is shutting down.');
  return answerPlacement(context, await placing, quote, order);
}

function answerPlacement(
  context: ServerContext,
  result: GuardedOrderResult,
  quote: Quote,
  order: OrderRequest,
): CallToolResult {
  const warning =
    'ledgerWarning' in result && result.ledgerWarning !== undefined ? ` Warning: ${result.ledgerWarning}.` : '';
  switch (result.kind) {
    case 'refused_by_policy':
      return fail(context, refusalText(result.refusal));
    case 'ledger_unavailable':
      return fail(
        context,
        `${result.message}; no order is sent that could not be recorded. Ask the operator to fix it or set --ledger.`,
      );
    case 'placed':
      return withOrderLink(
        ok(
          context,
          {
            order_id: result.orderId,
            charge: quote.price,
            currency: quote.currency,
            service_id: quote.serviceId,
            service_name: clip(quote.serviceName, 160),
            link: order.link,
            quantity: order.quantity,
          },
          `Order ${result.orderId} placed: ${describeOrder(quote)}.${warning} Follow it with get_order_status (order_id ${result.orderId}, wait_seconds up to 45).`,
        ),
        result.orderId,
      );
    case 'unknown': {
      const window = Math.round(context.policy.duplicateWindowMs / 60_000);
      const from = quote.balance === undefined ? '' : ` from ${formatUsd(quote.balance)}`;
      return fail(
        context,
        `${result.error.message}. It is recorded in the order ledger as "unknown" and counts ${formatUsd(quote.price)} against today's budget.${warning} To find out, call get_balance: a drop of ${formatUsd(quote.price)}${from} means it was placed. An identical order is refused for ${window} min unless confirm_duplicate is true.`,
      );
    }
    default:
      return fail(context, `${result.error.message}${warning === '' ? '' : `.${warning}`}`);
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
