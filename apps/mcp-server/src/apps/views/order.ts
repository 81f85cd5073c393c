/// <reference lib="dom" />
// The order card, inside the host's sandboxed frame: the catalog browser (list_services) with "Quote this", a quote
// with Confirm / Cancel (quote_order), then the tracker of the order (register_order, get_order_status). Every figure comes from a tool's structured result; the view computes
// nothing about money, it only shows. Bundled into the HTML at build time (scripts/bundle.mjs): no remote code.
import { formatUsd } from '@cappi-reseller/core/domain';
import { App, applyDocumentTheme, applyHostStyleVariables } from '@modelcontextprotocol/ext-apps';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

interface QuoteResult {
  quote_id: string;
  expires_at: string;
  service_id: number;
  service_name: string;
  link: string;
  quantity: number;
  price: number;
  currency: string;
  balance_after?: number;
  budget_left?: number;
  sandbox?: boolean;
}

interface PlacedResult {
  order_id: number;
  charge: number;
  currency: string;
  service_id: number;
  service_name: string;
  link: string;
  quantity: number;
  sandbox?: boolean;
}

interface StatusResult {
  order_id: number;
  state: string;
  final: boolean;
  status: string;
  charge: number;
  refund: number;
  delivered: number;
  failed: number;
  currency: string;
  observation?: string;
  quantity?: number;
  sandbox?: boolean;
}

interface CatalogRow {
  id: number;
  name: string;
  category: string;
  rate?: number;
  min: number;
  max: number;
}

interface CatalogResult {
  services: CatalogRow[];
  total: number;
  next_cursor?: string;
  categories: { category: string; count: number }[];
}

/** How long one get_order_status call waits on the server before answering (it answers sooner when final). */
const WAIT_SECONDS = 20;
/** After a failed status call: try again this many times, this far apart, then stop and say so. */
const STATUS_RETRIES = 5;
const RETRY_MS = 3_000;

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

function show(section: 'waiting' | 'catalog' | 'quote' | 'tracker'): void {
  for (const id of ['waiting', 'catalog', 'quote', 'tracker']) byId(id).hidden = id !== section;
}

function money(amount: number, currency: string): string {
  return currency.toUpperCase() === 'USD' ? formatUsd(amount) : `${amount.toFixed(2)} ${currency}`;
}

function textOf(result: CallToolResult): string {
  const first = result.content?.[0];
  return first?.type === 'text' ? first.text : 'the server gave no reason';
}

function isCatalog(value: unknown): value is CatalogResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as CatalogResult).services);
}

function isQuote(value: unknown): value is QuoteResult {
  return typeof value === 'object' && value !== null && typeof (value as QuoteResult).quote_id === 'string';
}

function isStatus(value: unknown): value is StatusResult {
  return typeof value === 'object' && value !== null && typeof (value as StatusResult).state === 'string';
}

function isPlaced(value: unknown): value is PlacedResult {
  return typeof value === 'object' && value !== null && typeof (value as PlacedResult).order_id === 'number';
}

const app = new App({ name: 'cappi-order-card', version: '1.0.0' }, {}, { autoResize: true });

function applyContext(context: ReturnType<App['getHostContext']>): void {
  if (context?.theme) applyDocumentTheme(context.theme);
  if (context?.styles?.variables) applyHostStyleVariables(context.styles.variables);
}

// ---- the quote card ----

let placing = false;
let countdown: ReturnType<typeof setInterval> | undefined;

function showQuote(quote: QuoteResult): void {
  show('quote');
  byId('quote-sandbox').hidden = quote.sandbox !== true;
  byId('quote-service').textContent = `${quote.service_name} (service ${quote.service_id})`;
  byId('quote-link').textContent = quote.link;
  byId('quote-quantity').textContent = String(quote.quantity);
  byId('quote-price').textContent = money(quote.price, quote.currency);
  byId('quote-balance-after').textContent =
    quote.balance_after === undefined ? 'unknown' : money(quote.balance_after, quote.currency);
  byId('quote-budget-left').textContent =
    quote.budget_left === undefined ? 'no daily limit' : money(quote.budget_left, quote.currency);
  const confirm = byId<HTMLButtonElement>('confirm');
  confirm.textContent = `Place order for ${money(quote.price, quote.currency)}`;
  confirm.onclick = () => void place(quote);
  byId<HTMLButtonElement>('cancel').onclick = () => cancel();
  startCountdown(Date.parse(quote.expires_at));
}

function startCountdown(expiresAt: number): void {
  const tick = () => {
    const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
    const expiry = byId('quote-expiry');
    if (left > 0) {
      expiry.textContent = `in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
      return;
    }
    expiry.textContent = 'expired';
    stopCountdown();
    if (!placing) endQuote('This quote has expired: ask the assistant for a fresh one. Nothing was placed.', 'bad');
  };
  stopCountdown();
  tick();
  countdown = setInterval(tick, 1_000);
}

function stopCountdown(): void {
  if (countdown !== undefined) clearInterval(countdown);
  countdown = undefined;
}

/** Disables both buttons for good and says why: a quote card is used once. */
function endQuote(message: string, tone: 'ok' | 'bad'): void {
  byId<HTMLButtonElement>('confirm').disabled = true;
  byId<HTMLButtonElement>('cancel').disabled = true;
  const note = byId('quote-message');
  note.textContent = message;
  note.className = `message ${tone}`;
  note.hidden = false;
}

function cancel(): void {
  if (placing) return;
  placing = true; // a cancelled card never places
  stopCountdown();
  endQuote('Cancelled: nothing was placed.', 'ok');
  void tellModel('The person cancelled the quoted order on the card; nothing was placed.');
}

async function place(quote: QuoteResult): Promise<void> {
  // Set before anything is awaited: a second click (or a double click) finds it set and does nothing.
  if (placing) return;
  placing = true;
  stopCountdown();
  byId<HTMLButtonElement>('confirm').disabled = true;
  byId<HTMLButtonElement>('cancel').disabled = true;
  byId('confirm').textContent = 'Placing…';
  let result: CallToolResult;
  try {
    result = await app.callServerTool({ name: 'register_order', arguments: { quote_id: quote.quote_id } });
  } catch (error) {
    // The call may have reached the server: say so, and never offer to send it again.
    endQuote(
      `The order may or may not have been placed (${(error as Error).message}). Ask the assistant to check the balance before ordering again.`,
      'bad',
    );
    return;
  }
  if (result.isError || !isPlaced(result.structuredContent)) {
    endQuote(textOf(result), 'bad');
    return;
  }
  const placed = result.structuredContent;
  void tellModel(`The person placed order ${placed.order_id} from the card: ${textOf(result)}`);
  void follow(placed);
}

/** The model did not see what the person did on the card: the host passes this on to it, when it can. */
async function tellModel(text: string): Promise<void> {
  if (app.getHostCapabilities()?.updateModelContext === undefined) return;
  try {
    await app.updateModelContext({ content: [{ type: 'text', text }] });
  } catch {
    // the card still works without it
  }
}

// ---- the tracker ----

interface Tracked {
  orderId: number;
  serviceName?: string;
  serviceId?: number;
  link?: string;
  quantity?: number;
  sandbox?: boolean;
}

let tracked: Tracked | undefined;
let following = false;

function showTracker(order: Tracked): void {
  tracked = { ...tracked, ...order };
  show('tracker');
  const { orderId, serviceName, serviceId, quantity, link } = tracked;
  byId('tracker-title').textContent = `Order ${orderId}${tracked.sandbox ? ' (sandbox)' : ''}`;
  const what = serviceName === undefined ? '' : `${quantity ?? ''} × ${serviceName} (service ${serviceId})`;
  byId('tracker-service').textContent = [what, link].filter(Boolean).join(' → ');
}

function showStatus(status: StatusResult): void {
  const quantity = status.quantity ?? tracked?.quantity;
  showTracker({ orderId: status.order_id, ...(quantity === undefined ? {} : { quantity }) });
  const state = byId('tracker-state');
  state.textContent = status.state.replace('_', ' ');
  state.className = `state ${status.state}`;
  byId('tracker-raw').textContent = status.status === status.state ? '' : `(${status.status})`;
  const of = quantity === undefined ? '' : ` of ${quantity}`;
  byId('tracker-delivered').textContent = `${status.delivered}${of}`;
  byId('tracker-failed').textContent = String(status.failed);
  byId('tracker-charge').textContent = money(status.charge, status.currency);
  byId('tracker-refund').textContent = money(status.refund, status.currency);
  const total = quantity ?? status.delivered + status.failed;
  const share = (units: number) => (total > 0 ? Math.min(100, (units / total) * 100) : 0);
  const delivered = share(status.delivered);
  const failed = Math.min(100 - delivered, share(status.failed));
  byId('bar-delivered').style.width = `${delivered}%`;
  byId('bar-failed').style.width = `${failed}%`;
  const bar = byId('tracker-bar');
  bar.setAttribute('aria-valuenow', String(Math.round(delivered)));
  bar.setAttribute('aria-valuetext', `${status.delivered}${of} delivered, ${status.failed} failed`);
  byId('tracker-legend').textContent = `${Math.round(delivered)}% delivered, ${Math.round(failed)}% failed`;
  byId('tracker-updating').textContent = status.final
    ? `Final${status.observation ? `: ${status.observation}` : '.'}`
    : 'Updating until the order is final…';
}

function trackerError(message: string): void {
  const note = byId('tracker-message');
  note.textContent = message;
  note.hidden = false;
}

/** Asks the server for the status until the order is final; each call waits there, so this is no busy loop. */
async function follow(order: PlacedResult | StatusResult): Promise<void> {
  if (isStatus(order)) showStatus(order);
  else {
    showTracker({
      orderId: order.order_id,
      serviceName: order.service_name,
      serviceId: order.service_id,
      link: order.link,
      quantity: order.quantity,
      ...(order.sandbox === undefined ? {} : { sandbox: order.sandbox }),
    });
    byId('tracker-state').textContent = 'placed';
    byId('tracker-charge').textContent = money(order.charge, order.currency);
    byId('tracker-updating').textContent = 'Updating until the order is final…';
  }
  if ((isStatus(order) && order.final) || following) return;
  following = true;
  let failures = 0;
  for (;;) {
    try {
      const result = await app.callServerTool({
        name: 'get_order_status',
        arguments: { order_id: order.order_id, wait_seconds: WAIT_SECONDS },
      });
      if (result.isError || !isStatus(result.structuredContent)) throw new Error(textOf(result));
      failures = 0;
      byId('tracker-message').hidden = true;
      showStatus(result.structuredContent);
      if (result.structuredContent.final) return;
    } catch (error) {
      failures += 1;
      if (failures > STATUS_RETRIES) {
        trackerError(`Stopped updating: ${(error as Error).message}`);
        return;
      }
      trackerError(`Could not update (${(error as Error).message}); trying again.`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

// ---- the catalog browser ----

/** The search shown: list_services' arguments, and the cursors of the pages before this one (for Previous). */
let search: Record<string, unknown> = {};
let cursors: string[] = [];
let nextCursor: string | undefined;
let categoriesShown = false;

function numberOrUndefined(input: HTMLInputElement): number | undefined {
  return input.value.trim() === '' ? undefined : Number(input.value);
}

function searchFromForm(): Record<string, unknown> {
  const query = byId<HTMLInputElement>('catalog-query').value.trim();
  const category = byId<HTMLSelectElement>('catalog-category').value;
  const minRate = numberOrUndefined(byId<HTMLInputElement>('catalog-min-rate'));
  const maxRate = numberOrUndefined(byId<HTMLInputElement>('catalog-max-rate'));
  return {
    ...(query ? { query } : {}),
    ...(category ? { category } : {}),
    ...(minRate === undefined ? {} : { min_rate: minRate }),
    ...(maxRate === undefined ? {} : { max_rate: maxRate }),
    ...(typeof search.limit === 'number' ? { limit: search.limit } : {}),
  };
}

function fillForm(args: Record<string, unknown>): void {
  byId<HTMLInputElement>('catalog-query').value = typeof args.query === 'string' ? args.query : '';
  byId<HTMLInputElement>('catalog-min-rate').value = typeof args.min_rate === 'number' ? String(args.min_rate) : '';
  byId<HTMLInputElement>('catalog-max-rate').value = typeof args.max_rate === 'number' ? String(args.max_rate) : '';
  if (typeof args.category === 'string') addCategory(args.category);
  byId<HTMLSelectElement>('catalog-category').value = typeof args.category === 'string' ? args.category : '';
}

function addCategory(category: string): void {
  const select = byId<HTMLSelectElement>('catalog-category');
  if (Array.from({ length: select.options.length }, (_, i) => select.options[i]?.value).includes(category)) return;
  select.append(new Option(category, category));
}

function showCatalog(result: CatalogResult): void {
  show('catalog');
  if (!categoriesShown) {
    for (const entry of result.categories) addCategory(entry.category);
    categoriesShown = true;
  }
  nextCursor = result.next_cursor;
  const start = cursors.length === 0 ? 0 : Number(cursors.at(-1));
  byId('catalog-summary').textContent =
    result.total === 0
      ? 'No service matches.'
      : `${result.total} services match; ${start + 1}–${start + result.services.length} shown.`;
  const rows = byId('catalog-rows');
  rows.replaceChildren(...result.services.map(catalogRow));
  byId<HTMLButtonElement>('catalog-previous').disabled = cursors.length === 0;
  byId<HTMLButtonElement>('catalog-next').disabled = nextCursor === undefined;
}

function catalogRow(service: CatalogRow): HTMLTableRowElement {
  const row = document.createElement('tr');
  const cells = [
    String(service.id),
    service.name,
    service.rate === undefined ? 'n/a' : String(service.rate),
    `${service.min}–${service.max}`,
  ];
  cells.forEach((text, index) => {
    const cell = row.insertCell();
    cell.textContent = text;
    if (index !== 1) cell.className = 'num';
    else {
      const category = document.createElement('span');
      category.className = 'category';
      category.textContent = service.category;
      cell.append(category);
    }
  });
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'small';
  button.textContent = 'Quote';
  button.setAttribute('aria-label', `Quote service ${service.id}: ${service.name}`);
  button.onclick = () => openQuoteForm(service);
  row.insertCell().append(button);
  return row;
}

async function loadPage(cursor: string | undefined): Promise<void> {
  byId('catalog-summary').textContent = 'Searching…';
  try {
    const result = await app.callServerTool({
      name: 'list_services',
      arguments: { ...search, ...(cursor === undefined ? {} : { cursor }) },
    });
    if (result.isError || !isCatalog(result.structuredContent)) throw new Error(textOf(result));
    showCatalog(result.structuredContent);
  } catch (error) {
    byId('catalog-summary').textContent = `The search failed: ${(error as Error).message}`;
  }
}

let quoting: CatalogRow | undefined;

function openQuoteForm(service: CatalogRow): void {
  quoting = service;
  const form = byId<HTMLFormElement>('quote-form');
  form.hidden = false;
  byId('quote-form-title').textContent = `Quote ${service.name} (service ${service.id})`;
  const quantity = byId<HTMLInputElement>('quote-form-quantity');
  quantity.min = String(service.min);
  quantity.max = String(service.max);
  quantity.value = String(service.min);
  byId('quote-form-message').hidden = true;
  byId<HTMLInputElement>('quote-form-link').focus();
}

async function requestQuote(): Promise<void> {
  if (quoting === undefined) return;
  const link = byId<HTMLInputElement>('quote-form-link').value.trim();
  const quantity = Number(byId<HTMLInputElement>('quote-form-quantity').value);
  const message = byId('quote-form-message');
  try {
    // quote_order checks everything (link, quantity, balance, limits) and says what is wrong; the card only shows it.
    const result = await app.callServerTool({
      name: 'quote_order',
      arguments: { service_id: quoting.id, link, quantity },
    });
    if (result.isError || !isQuote(result.structuredContent)) throw new Error(textOf(result));
    showQuote(result.structuredContent);
  } catch (error) {
    message.textContent = (error as Error).message;
    message.hidden = false;
  }
}

/**
 * Runs `action` on a click of `button` and on Enter in `form`. Not a form submission: hosts sandbox the frame without
 * allow-forms, where a form is never submitted (no submit event either).
 */
function onSubmit(form: string, button: string, action: () => void): void {
  byId(button).onclick = action;
  byId(form).onkeydown = (event) => {
    if (event.key !== 'Enter' || (event.target as HTMLElement).tagName === 'BUTTON') return;
    event.preventDefault();
    action();
  };
}

function wireCatalog(): void {
  onSubmit('catalog-form', 'catalog-search', () => {
    search = searchFromForm();
    cursors = [];
    void loadPage(undefined);
  });
  byId<HTMLButtonElement>('catalog-next').onclick = () => {
    if (nextCursor === undefined) return;
    cursors.push(nextCursor);
    void loadPage(nextCursor);
  };
  byId<HTMLButtonElement>('catalog-previous').onclick = () => {
    cursors.pop();
    void loadPage(cursors.at(-1));
  };
  onSubmit('quote-form', 'quote-form-submit', () => void requestQuote());
  byId<HTMLButtonElement>('quote-form-back').onclick = () => {
    byId('quote-form').hidden = true;
    quoting = undefined;
  };
}

// ---- wiring ----

app.ontoolresult = (result) => {
  const structured = result.structuredContent;
  if (result.isError) {
    show('waiting');
    byId('waiting').textContent = textOf(result as CallToolResult);
    return;
  }
  if (isCatalog(structured)) showCatalog(structured);
  else if (isQuote(structured)) showQuote(structured);
  else if (isStatus(structured) || isPlaced(structured)) void follow(structured);
};
// The model's search: paging and the filters start from it.
app.ontoolinput = (params) => {
  search = { ...(params.arguments ?? {}) };
  delete search.cursor;
  cursors = typeof params.arguments?.cursor === 'string' ? [params.arguments.cursor] : [];
  fillForm(search);
};
app.onhostcontextchanged = (context) => applyContext(context);
wireCatalog();
app.onteardown = async () => {
  stopCountdown();
  return {};
};

void app.connect().then(() => applyContext(app.getHostContext()));
