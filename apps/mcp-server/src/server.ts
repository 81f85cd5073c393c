// One MCP server (tools and resources) for one session's context.
import { formatUsd } from '@cappi-reseller/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import packageJson from '../package.json' with { type: 'json' };
import { registerViews } from './apps/ui.js';
import { SERVER_NAME } from './config.js';
import type { ServerContext } from './context.js';
import { SERVER_ICONS } from './icon.js';
import { registerResources } from './resources.js';
import { CancellableTaskStore, TASKS_CAPABILITY, useTaskStore } from './tasks.js';
import { registerOrderTools } from './tools/orders.js';
import { registerReadTools } from './tools/read.js';

export const VERSION: string = packageJson.version;

function instructions(context: ServerContext): string {
  const { policy } = context;
  const lines = [
    'Cappi Services reseller account: services (e.g. social media engagement) are bought from a prepaid USD balance.',
    'Find a service with list_services, price it with quote_order, place it with register_order, follow it with get_order_status (wait_seconds).',
  ];
  if (policy.readOnly) lines.push('This server is read-only: it cannot place orders.');
  else
    lines.push(
      `Limits: ${formatUsd(policy.maxOrderUsd)} per order, ${formatUsd(policy.dailyBudgetUsd)} per UTC day. Orders cost real money: place one only when the person asked for it.`,
    );
  if (context.sandbox) lines.push('This is the SANDBOX: a simulated account; nothing costs real money.');
  return lines.join('\n');
}

export function createServer(context: ServerContext): McpServer {
  const taskStore = new CancellableTaskStore();
  const server = new McpServer(
    { name: SERVER_NAME, title: 'Cappi Services Reseller', version: VERSION, icons: SERVER_ICONS },
    {
      capabilities: { tools: {}, resources: {}, tasks: TASKS_CAPABILITY },
      taskStore,
      instructions: instructions(context),
      // Validates elicitation answers; lighter to load than the default Ajv (left out of the bundle).
      jsonSchemaValidator: new CfWorkerJsonSchemaValidator(),
    },
  );
  useTaskStore(server, taskStore);
  registerReadTools(server, context);
  registerOrderTools(server, context);
  registerResources(server, context);
  registerViews(server);
  return server;
}
