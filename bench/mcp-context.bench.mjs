// How much of a model's context the MCP server takes, in characters of JSON as the client receives it: the whole
// tools/list answer, a default list_services answer, and the largest answer any tool gives over a search of the
// arguments that make answers long (every page of the catalog with descriptions at the largest limit, each
// category, the longest links and queries the schemas accept), against the raw ServicesList body of the same
// catalog (what a naive tool that returns the API's answer would put into the context).
//
//   node bench/mcp-context.bench.mjs
//
// Needs the built server: pnpm turbo run build --filter=@cappi-reseller/mcp-server...
import { startSandbox } from '@cappi-reseller/sandbox';
import { spawnStdio } from '../e2e/mcp-proof/lib/harness.mjs';

const sandbox = await startSandbox({ port: 0, keys: [{ key: 'sbx_mcp_context_bench_key', balance: 10_000 }] });
const key = 'sbx_mcp_context_bench_key';
const server = await spawnStdio({ baseUrl: sandbox.url, apiKey: key, args: ['--daily-budget-usd', '10000'] });
const sandboxMode = await spawnStdio({ baseUrl: sandbox.url, apiKey: key, args: ['--sandbox'] });

const size = (value) => JSON.stringify(value).length;
const text = (result) => (result.content?.[0]?.type === 'text' ? result.content[0].text : '');

/** The largest answer seen per tool, with the arguments that produced it. */
const largest = {};
async function call(name, args) {
  const result = await server.client.callTool({ name, arguments: args });
  const chars = size(result);
  if (largest[name] === undefined || chars > largest[name].chars) {
    largest[name] = { chars, isError: result.isError === true, args };
  }
  return result;
}

let figures;
try {
  const rawBody = await (await fetch(`${sandbox.url}/ServicesList?key=${key}`)).text();
  const catalog = JSON.parse(rawBody);
  const toolsList = await server.client.listTools();
  const toolsListSandbox = await sandboxMode.client.listTools();
  const defaultList = await call('list_services', {});

  // Every page of the whole catalog, descriptions included, at the largest limit.
  let cursor;
  let pages = 0;
  do {
    const page = await call('list_services', { include_description: true, limit: 50, ...(cursor ? { cursor } : {}) });
    cursor = page.structuredContent?.next_cursor;
    pages += 1;
  } while (cursor !== undefined && pages < 1_000);
  // Each category, and queries that match much or nothing (the no-match answer lists the categories).
  const categories = [...new Set(catalog.map((service) => service.category))];
  for (const category of categories) {
    await call('list_services', { category, include_description: true, limit: 50 });
  }
  for (const query of ['', 'a', 'e', 'followers', 'views likes', 'zzzz-no-match', 'x'.repeat(200)]) {
    await call('list_services', { query, include_description: true, limit: 50 });
  }
  await call('get_balance', {});

  // Orders: the longest link the schema accepts, on the service with the longest name.
  const longestName = [...catalog]
    .filter((service) => service.rate !== undefined && service.rate * service.min <= 10)
    .sort((a, b) => b.name.length - a.name.length)[0];
  const link = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
  const quote = await call('quote_order', { service_id: longestName.service, link, quantity: longestName.min });
  const placed = await call('register_order', { quote_id: quote.structuredContent?.quote_id });
  const orderId = placed.structuredContent?.order_id;
  await call('get_order_status', { order_id: orderId });
  await call('get_order_status', { order_id: orderId, wait_seconds: 1 });
  // Refusals carry sentences, and some quote the input back.
  await call('quote_order', { service_id: longestName.service, link, quantity: 1e9 });
  await call('register_order', { quote_id: 'x'.repeat(4096) });
  await call('get_order_status', { order_id: 2_147_483_647 });

  const overall = Object.entries(largest).sort((a, b) => b[1].chars - a[1].chars)[0];
  figures = {
    rawServicesList: rawBody.length,
    services: catalog.length,
    categories: categories.length,
    toolsList: size(toolsList),
    toolsListSandbox: size(toolsListSandbox),
    defaultList: size(defaultList),
    defaultListText: text(defaultList).length,
    defaultListStructured: size(defaultList.structuredContent),
    defaultRows: defaultList.structuredContent?.services?.length,
    pages,
    overall,
  };
} finally {
  await server.close();
  await sandboxMode.close();
  await sandbox.stop();
}

const f = figures;
const share = (chars) =>
  `${((100 * chars) / f.rawServicesList).toFixed(2)}% of the raw catalog (1/${Math.round(f.rawServicesList / chars)})`;
const line = (what, chars, extra = '') =>
  process.stdout.write(`${what.padEnd(44)}${String(chars).padStart(9)} chars  ${share(chars)}${extra}\n`);
process.stdout.write(
  `Context size in characters of JSON; catalog of ${f.services} services in ${f.categories} categories (sandbox, seed 1)\n\n`,
);
process.stdout.write(
  `${'raw ServicesList body (baseline)'.padEnd(44)}${String(f.rawServicesList).padStart(9)} chars\n`,
);
line('tools/list', f.toolsList);
line('tools/list (--sandbox mode)', f.toolsListSandbox);
line(
  `list_services {} (default: ${f.defaultRows} rows)`,
  f.defaultList,
  `; text ${f.defaultListText}, structuredContent ${f.defaultListStructured}`,
);
process.stdout.write('\nLargest answer per tool over the arguments tried:\n');
for (const [name, entry] of Object.entries(largest).sort((a, b) => b[1].chars - a[1].chars)) {
  const args = JSON.stringify(entry.args, (_k, v) =>
    typeof v === 'string' && v.length > 40 ? `<${v.length} chars>` : v,
  );
  line(`  ${name}${entry.isError ? ' (refusal)' : ''}`, entry.chars, `; ${args}`);
}
process.stdout.write(
  `\nLargest of all: ${f.overall[0]}, ${f.overall[1].chars} chars (the server's ceiling is 100,000); ${f.pages} catalog pages walked\n`,
);
