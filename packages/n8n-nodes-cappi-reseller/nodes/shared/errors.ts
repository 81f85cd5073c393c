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
 * way to it) said no, NodeOperationError when the input was refused before anything was sent. The message is
 * core's sentence; the error carries core's plain fields (toJSON), never the request, so never the key.
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

  // The API's own words (a refusal's `error`, a problem's detail) are in the message and may echo the key.
  const message = redact(messageOf(error), secrets);
  const description = `${adviceFor(error)}${placedNote}`.trim();
  if (error.operation === undefined) {
    // Refused by our own checks (shape, catalog min/max): nothing reached the API.
    return new NodeOperationError(node, message, { itemIndex, description });
  }
  return new NodeApiError(node, error.toJSON() as JsonObject, {
    message,
    description,
    itemIndex,
    ...(error.status === undefined ? {} : { httpCode: String(error.status) }),
  });
}

/**
 * The JSON of an item that failed under "Continue On Fail": `error` (the message) and `details` (core's fields
 * to branch on: code, field, min, max, balance, cost...). Only these two keys, so that n8n's "Continue (using
 * error output)" recognises the item as an error and routes it there.
 */
export function errorItemJson(error: NodeApiError | NodeOperationError, cause: unknown): IDataObject {
  const details: IDataObject = {};
  if (error.description) details.description = error.description;
  if (isResellerError(cause)) {
    for (const [field, value] of Object.entries(cause.toJSON())) {
      if (field !== 'name' && field !== 'message') details[field] = value as IDataObject[string];
    }
  }
  return { error: error.message, details };
}

function messageOf(error: ResellerError): string {
  // Core's authentication message names the environment variable of the other faces; in n8n the key lives
  // in the credential.
  if (error.code === 'authentication') {
    return `The API key was rejected${error.status === undefined ? '' : ` (HTTP ${error.status})`}: check the API Key of the Cappi Reseller API credential`;
  }
  return capitalize(error.message);
}

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
    default:
      return '';
  }
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text.charAt(0).toUpperCase() + text.slice(1);
}
