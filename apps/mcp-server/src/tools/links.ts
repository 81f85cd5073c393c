// Resource links in tool answers: an order's answer points at cappi://orders/{id} (resources.ts), which a client can
// read or subscribe to later without a tool call. Added after the text, so content[0] stays the answer it was.
import type { CallToolResult, ResourceLink } from '@modelcontextprotocol/sdk/types.js';

export function orderLink(orderId: number): ResourceLink {
  return {
    type: 'resource_link',
    uri: `cappi://orders/${orderId}`,
    name: `order ${orderId}`,
    title: `Order ${orderId}`,
    description: 'The current status of this order: state, charge, refund, delivered and failed units.',
    mimeType: 'application/json',
  };
}

/** The answer with a link to its order; failures are left as they are (there may be no order). */
export function withOrderLink(result: CallToolResult, orderId: number): CallToolResult {
  if (result.isError) return result;
  return { ...result, content: [...result.content, orderLink(orderId)] };
}
