// MCP Apps (the io.modelcontextprotocol/ui extension): the HTML views a host shows in a sandboxed frame next to a
// tool's result. The views only show what the tools' structured results say, and act only through tool calls the
// host relays (register_order from the card's Confirm button); a client without MCP Apps sees the tools unchanged.

import { getUiCapability, RESOURCE_MIME_TYPE, registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

/** The order card: the catalog browser on list_services, a quote card on quote_order, the tracker on register_order
 * and get_order_status. */
export const ORDER_VIEW_URI = 'ui://cappi/order.html';

/**
 * The `_meta` that attaches a view to a tool. Only the final spec's `ui.resourceUri`: ext-apps' registerAppTool also
 * writes the older flat "ui/resourceUri" key, and tools/list (read into every conversation) has no room for both
 * (contributing/decisions/mcp-apps.md).
 */
export function viewMeta(uri: string): { ui: { resourceUri: string } } {
  return { ui: { resourceUri: uri } };
}

/** Whether this session's client renders MCP Apps views (it said so in its capabilities). */
export function clientShowsViews(server: McpServer): boolean {
  const capability = getUiCapability(server.server.getClientCapabilities());
  return capability?.mimeTypes?.includes(RESOURCE_MIME_TYPE) === true;
}

export function registerViews(server: McpServer): void {
  registerAppResource(
    server,
    'Order card',
    ORDER_VIEW_URI,
    {
      title: 'Order card',
      description: 'The quote with Confirm and Cancel buttons, then the order tracker (MCP Apps view).',
      _meta: { ui: { prefersBorder: true } },
    },
    async () => ({
      // No csp entry: the view loads nothing from anywhere (its script and styles are inline).
      contents: [
        {
          uri: ORDER_VIEW_URI,
          mimeType: RESOURCE_MIME_TYPE,
          // Imported when first read: its half a megabyte of HTML stays out of the chunk every start loads.
          text: (await import('cappi:views')).orderView,
          _meta: { ui: { prefersBorder: true } },
        },
      ],
    }),
  );
}
