import { InvalidRequestError } from './errors.js';
import type { OrderRequest, Service } from './types.js';

/** The longest link an order may carry, in characters (the contract's reading: 2048). */
export const MAX_LINK_LENGTH = 2048;
/**
 * The largest id or quantity sent to the API. The contract types quantity as int32 (an ASP.NET `int`): a larger one
 * cannot bind on the server. Ids are held to the same bound (contributing/decisions/tool-input.md): every face
 * (core's client, the MCP tools' schemas, the n8n node) reads this one constant.
 */
export const MAX_API_INTEGER = 2_147_483_647;
export const MAX_QUANTITY = MAX_API_INTEGER;

// A link the API can act on: http(s), a host, no whitespace or control characters anywhere.
const HTTP_LINK = /^https?:\/\/[^\s/?#@]+(?:[/?#][^\s]*)?$/i;

/**
 * Checks the shape of an order before anything is sent: serviceId and quantity whole numbers from 1 to
 * MAX_API_INTEGER, link an
 * http(s) URL of at most 2048 characters. Returns a clean copy (link trimmed, no other fields).
 * Throws InvalidRequestError saying what was wrong and what is allowed.
 */
export function validateOrderInput(order: unknown): OrderRequest {
  if (typeof order !== 'object' || order === null || Array.isArray(order)) {
    throw new InvalidRequestError(
      `an order must be an object with serviceId, link and quantity (got ${describe(order)})`,
    );
  }
  const { serviceId, link, quantity } = order as Record<string, unknown>;
  const checkedServiceId = wholeNumber('serviceId', serviceId);
  const checkedQuantity = wholeNumber('quantity', quantity);
  if (typeof link !== 'string') {
    throw new InvalidRequestError(
      `link must be an http(s) URL such as https://example.com/post/1 (got ${describe(link)})`,
      { field: 'link' },
    );
  }
  const trimmed = link.trim();
  if (trimmed.length > MAX_LINK_LENGTH) {
    throw new InvalidRequestError(`link is ${trimmed.length} characters long; at most ${MAX_LINK_LENGTH} are allowed`, {
      field: 'link',
    });
  }
  if (!HTTP_LINK.test(trimmed) || hasControlCharacter(trimmed) || !isWellFormedUrl(trimmed)) {
    throw new InvalidRequestError(
      `link ${JSON.stringify(clip(trimmed))} is not an http(s) URL: give the full address, e.g. https://example.com/post/1`,
      { field: 'link' },
    );
  }
  return { serviceId: checkedServiceId, link: trimmed, quantity: checkedQuantity };
}

/** Checks an order id before it is sent: a whole number from 1 to MAX_API_INTEGER. */
export function validateOrderId(orderId: unknown): number {
  return wholeNumber('orderId', orderId);
}

/** Checks a service id before it is looked up or sent: a whole number from 1 to MAX_API_INTEGER. */
export function validateServiceId(serviceId: unknown): number {
  return wholeNumber('serviceId', serviceId);
}

/** The service with this id in a catalog, or undefined. */
export function findService(services: readonly Service[], serviceId: number): Service | undefined {
  return services.find((service) => service.service === serviceId);
}

/**
 * Checks an order against its service from the catalog: the service must exist and the quantity must lie
 * within its min and max. Throws InvalidRequestError carrying the service's min/max.
 */
export function assertOrderAllowed(order: OrderRequest, service: Service | undefined): void {
  if (service === undefined) {
    throw new InvalidRequestError(
      `service ${order.serviceId} is not in the catalog: search the catalog for a service id that exists`,
      { field: 'serviceId', serviceId: order.serviceId },
    );
  }
  if (service.service !== order.serviceId) {
    throw new InvalidRequestError(
      `the order is for service ${order.serviceId} but was checked against service ${service.service}`,
      { field: 'serviceId', serviceId: order.serviceId },
    );
  }
  const problem = quantityProblem(order.quantity, service);
  if (problem !== undefined) {
    throw new InvalidRequestError(problem, {
      field: 'quantity',
      serviceId: service.service,
      min: service.min,
      max: service.max,
    });
  }
}

/**
 * What is wrong with a quantity for this service, in a sentence with the service's own limits; undefined when it
 * is allowed. Takes any value, so a face can explain a quantity its own schema refused (0, 2.5, "ten").
 */
export function quantityProblem(quantity: unknown, service: Service): string | undefined {
  const { min, max } = service;
  const allowed = `(allowed: ${min} to ${max})`;
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity)) {
    return `quantity must be a whole number from ${min} to ${max} for service ${service.service} (got ${describe(quantity)})`;
  }
  if (quantity < min)
    return `quantity ${quantity} is below the minimum of ${min} for service ${service.service} ${allowed}`;
  if (quantity > max)
    return `quantity ${quantity} is above the maximum of ${max} for service ${service.service} ${allowed}`;
  return undefined;
}

function wholeNumber(field: 'serviceId' | 'quantity' | 'orderId', value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidRequestError(`${field} must be a whole number of at least 1 (got ${describe(value)})`, {
      field,
    });
  }
  if (value > MAX_API_INTEGER) {
    throw new InvalidRequestError(`${field} ${value} is above ${MAX_API_INTEGER}, the largest the API accepts`, {
      field,
    });
  }
  return value;
}

// The regex above checks the shape (an http or https scheme, a host, no whitespace); two judges have the last word:
// the URL parser (it rejects `http://a:b:c/`, `http://%zz/`, `http://[::1`) and encodeURIComponent, which rejects
// text with a lone surrogate: such a link cannot be encoded into the query string the API is sent.
function isWellFormedUrl(text: string): boolean {
  try {
    encodeURIComponent(text);
    return new URL(text).href !== '';
  } catch {
    return false;
  }
}

// A loop, not a regex: linters (n8n's eslint among them) forbid control characters in regular expressions.
function hasControlCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `the text ${JSON.stringify(clip(value))}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return `a value of type ${typeof value}`;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}...` : text;
}
