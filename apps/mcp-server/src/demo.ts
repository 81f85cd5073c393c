// The MCP demo: a real MCP client spawns `cappi-reseller-mcp --sandbox` over stdio and walks through what an
// AI assistant does for a person: balance, search, quote, order (confirmed by the person), wait for the order
// with progress, status, and the orders the server refuses. Spends no money.
//
//   pnpm --filter @cappi-reseller/mcp-server demo
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type CallToolResult, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { SANDBOX_NOTE } from './answer.js';

const BIN = fileURLToPath(new URL('../bin/cappi-reseller-mcp.js', import.meta.url));
const LINK = 'https://steamcommunity.com/sharedfiles/filedetails/?id=2970001';
const started = Date.now();

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function step(title: string): void {
  say();
  say(`── ${title}`);
}

/** The answer's text, without the sandbox label every answer carries (shown once, at the top). */
function text(result: CallToolResult): string {
  const first = result.content[0];
  const body = first?.type === 'text' ? first.text : '';
  return body.startsWith(SANDBOX_NOTE) ? body.slice(SANDBOX_NOTE.length + 1) : body;
}

/** Quote ids are long (they carry the signed terms): shown shortened. */
function shorten(body: string): string {
  return body.replace(/eyJ[\w-]{20,}\.[\w-]{20,}/g, (id) => `${id.slice(0, 10)}…${id.slice(-6)}`);
}

function indent(body: string): string {
  return body
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');
}

const transport = new StdioClientTransport({ command: process.execPath, args: [BIN, '--sandbox'], stderr: 'ignore' });
const client = new Client({ name: 'cappi-demo', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
// The person at the keyboard, played by the demo: shown the order, answers yes.
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  say(`   ? the server asks the person: ${request.params.message.replace(`${SANDBOX_NOTE} `, '')}`);
  say('   > the person answers: yes');
  return { action: 'accept', content: { confirm: true } };
});

async function call(name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  say(shorten(`   → ${name} ${JSON.stringify(args)}`));
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  say(shorten(indent(`${result.isError ? '✗ refused: ' : ''}${text(result)}`)));
  return result;
}

try {
  await client.connect(transport);
  const { tools } = await client.listTools();
  say('cappi-reseller-mcp, driven by a real MCP client over stdio, against its embedded sandbox.');
  say(`Every answer carries the label "${SANDBOX_NOTE}".`);
  say(
    `Tools: ${tools.map((tool) => tool.name).join(', ')} (tools/list: ${JSON.stringify({ tools }).length} characters).`,
  );

  step('1. How much money is there?');
  await call('get_balance');

  step('2. Find a service');
  const search = await call('list_services', { query: 'steam like', limit: 5 });
  say(`   (a search answer of ${JSON.stringify(search).length} characters)`);
  const service = (search.structuredContent as { services: { id: number }[] }).services[0];
  if (service === undefined) throw new Error('the search found nothing');

  step('3. Quote an order: price it, spend nothing');
  const quote = await call('quote_order', { service_id: service.id, link: LINK, quantity: 100 });
  const quoteId = (quote.structuredContent as { quote_id: string }).quote_id;

  step('4. Place it: the server asks the person to confirm first');
  const placed = await call('register_order', { quote_id: quoteId });
  const orderId = (placed.structuredContent as { order_id: number }).order_id;

  step('5. Wait for it to finish, in one call, with progress notifications');
  say(`   → get_order_status {"order_id":${orderId},"wait_seconds":30}`);
  const waitStarted = Date.now();
  const status = (await client.callTool(
    { name: 'get_order_status', arguments: { order_id: orderId, wait_seconds: 30 } },
    undefined,
    {
      onprogress: (progress) =>
        say(
          `   … ${((Date.now() - waitStarted) / 1000).toFixed(1)} s  progress ${progress.progress}: ${progress.message ?? ''}`,
        ),
    },
  )) as CallToolResult;
  say(indent(text(status)));

  step('6. Its status, later');
  await call('get_order_status', { order_id: orderId });

  step('7. What the spending guard refuses');
  say('   The same order again, moments later (a model retrying by mistake):');
  await call('register_order', { quote_id: quoteId });
  say('   An order above the per-order cap of 10.00 USD:');
  const pricier = await client.callTool({
    name: 'list_services',
    arguments: { query: 'steam', min_rate: 0.05, limit: 50 },
  });
  const big = (
    pricier.structuredContent as { services: { id: number; rate: number; min: number; max: number }[] }
  ).services.find((row) => row.rate * row.max > 12 && row.rate * row.min < 10);
  if (big !== undefined) {
    const quantity = Math.min(big.max, Math.ceil(12 / big.rate));
    await call('quote_order', { service_id: big.id, link: `${LINK}&big=1`, quantity });
  }
  say('   A quantity the service does not allow:');
  await call('quote_order', { service_id: service.id, link: LINK, quantity: 1_000_000 });

  step('8. The balance now');
  await call('get_balance');
  say();
  say(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. No money was spent: this was the sandbox.`);
} finally {
  await client.close();
}
