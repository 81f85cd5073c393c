import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { isResellerError, type ResellerError } from './core/domain/errors';
import { redact } from './core/domain/redact';

/** An order this execution has placed, named in later errors so that nobody re-runs the node blindly. */
export interface PlacedOrder {
  orderId: number;
  itemIndex: number;
}

interface ToNodeErrorOptions {
  itemIndex?: number;
  /** Orders already placed by this execution: if the node now fails, the user must know they exist. */
  placed?: readonly PlacedOrder[];
  /** The API key, removed from any message that did not come from core (core's never hold it). */
  secrets?: readonly string[];
}

/**
 * Turns anything thrown while handling an item into the error n8n shows: NodeApiError when the API (or the
 * way to it) said no, NodeOperationError when the input was refused before anything was sent.
 *
 * n8n shows and stores every field of the error (message, description, the messages list, the error response it
 * was built from), and fills in the description from the response when it is empty. So every field is built here:
 * the message is this face's sentence (core's words for an environment-variable user are replaced), the
 * description is advice that never repeats the message, and the response is core's plain fields (toJSON, never the
 * request) with every string redacted: an API that echoes the key in a 401 or 400 body must not leak it anywhere.
 */
export function toNodeError(
  node: INode,
  error: unknown,
  options: ToNodeErrorOptions = {},
): NodeApiError | NodeOperationError {
  const { itemIndex, placed = [], secrets = [] } = options;
  if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
  const placedNote =
    placed.length === 0
      ? ''
      : ` Orders already placed by this run: ${placed.map((order) => `${order.orderId} (item ${order.itemIndex})`).join(', ')}.`;

  if (!isResellerError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new NodeOperationError(node, redact(message, secrets), {
      itemIndex,
      description: `Unexpected failure in the Cappi Reseller node.${placedNote}`,
    });
  }

  const message = redact(messageOf(error), secrets);
  const description = redact(`${adviceFor(error)}${placedNote}`, secrets);
  if (error.operation === undefined) {
    // Refused by our own checks (shape, catalog min/max): nothing reached the API.
    return new NodeOperationError(node, message, { itemIndex, description });
  }
  const response: JsonObject = { ...redactedFields(error, secrets), message, description };
  return new NodeApiError(node, response, {
    message,
    description,
    itemIndex,
    ...(error.status === undefined ? {} : { httpCode: String(error.status) }),
  });
}

/**
 * The JSON of an item that failed under "Continue On Fail": `error` (the message) and `details` (core's fields
 * to branch on: code, field, min, max, balance, cost..., redacted like the error). Only these two keys, so that
 * n8n's "Continue (using error output)" recognises the item as an error and routes it there.
 */
export function errorItemJson(
  error: NodeApiError | NodeOperationError,
  cause: unknown,
  secrets: readonly string[] = [],
): IDataObject {
  const details: IDataObject = {};
  if (error.description) details.description = redact(error.description, secrets);
  if (isResellerError(cause)) {
    for (const [field, value] of Object.entries(redactedFields(cause, secrets))) {
      if (field !== 'name' && field !== 'message') details[field] = value as IDataObject[string];
    }
  }
  return { error: redact(error.message, secrets), details };
}

/** Core's plain fields of an error, every string in them (however deep) redacted. */
function redactedFields(error: ResellerError, secrets: readonly string[]): JsonObject {
  return redactDeep(error.toJSON(), secrets) as JsonObject;
}

function redactDeep(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redact(value, secrets);
  if (Array.isArray(value)) return value.map((entry) => redactDeep(entry, secrets));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redactDeep(entry, secrets)]));
  }
  return value;
}

/** The names the node's fields carry in n8n's editor, for core's field names at the start of a message. */
const FIELD_NAMES: Record<string, string> = {
  serviceId: 'Service ID',
  link: 'Link',
  quantity: 'Quantity',
  orderId: 'Order ID',
};

/**
 * Core's sentence, in the words of an n8n user: core names the environment variable and the option names of the
 * other faces (CAPPI_API_KEY, baseUrl, orderId); in n8n the key and the Base URL live in the credential and the
 * fields have display names.
 */
function messageOf(error: ResellerError): string {
  if (error.code === 'authentication') {
    return `The API key was rejected${error.status === undefined ? '' : ` (HTTP ${error.status})`}: check the API Key of the Cappi Reseller API credential`;
  }
  const field = /^(serviceId|link|quantity|orderId)\b/.exec(error.message)?.[1];
  const message =
    field === undefined ? capitalize(error.message) : `${FIELD_NAMES[field]}${error.message.slice(field.length)}`;
  return message
    .replace(/check baseUrl\b/g, 'check the Base URL of the Cappi Reseller API credential')
    .replace(/\bcheck the order id\b/g, 'check the Order ID');
}

/** What to do about it: never empty, never the message again, never advice meant for another face. */
function adviceFor(error: ResellerError): string {
  switch (error.code) {
    case 'unknown_outcome':
      return 'Do not run this item again: look at your recent orders and balance first. The API has no way to recognise a repeated order, so a second attempt can buy the same thing twice.';
    case 'insufficient_funds':
      return 'Nothing was charged. Top up the balance, or order a smaller quantity.';
    case 'invalid_request':
      return error.operation === undefined
        ? 'Refused by the checks made before sending: nothing was placed or charged.'
        : 'The API refused the request: nothing was placed or charged.';
    case 'rate_limited':
    case 'server':
    case 'connection':
    case 'timeout':
      return error.operation === 'RegisterOrder'
        ? 'The order was not placed.'
        : 'Reading again is safe: turn on Settings > Retry On Fail for this node to retry automatically.';
    case 'authentication':
      return 'Open the Cappi Reseller API credential and enter your reseller API key (from your Cappi Services account), or the sandbox key if its Base URL points at a sandbox. Nothing was placed or charged.';
    case 'not_found':
      return error.operation === 'OrderStatus'
        ? 'The API knows no order with this ID for this API key: use the Order ID that Create returned.'
        : 'The Base URL of the credential does not point at the Reseller API: the default is https://cappiservices.com/api/Reseller.';
    case 'invalid_response':
      return 'The API answered with something the Reseller API does not send: check the Base URL of the credential.';
    case 'aborted':
      return 'The execution was stopped before the API answered.';
    default:
      return 'The Cappi Reseller API could not complete the request.';
  }
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text.charAt(0).toUpperCase() + text.slice(1);
}
