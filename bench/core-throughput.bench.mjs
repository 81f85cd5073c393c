// Throughput of the core client against a bare `fetch` of the same URL, on loopback, measured in one run.
// Each server runs in its own process, so the client process measures only the client:
//   - the sandbox (`cappi-reseller-sandbox`), the server users try the toolkit against;
//   - a static server answering the sandbox's bodies for nothing, where a client's own cost shows most.
// For each operation and concurrency, the two subjects take turns (A B B A ...) in equal time slots, so a slow moment
// of the machine hits both alike; the figure is the median over rounds of (core / fetch) requests per second.
// Client CPU time per request is printed too. Goal: core >= 0.9x bare fetch.
// Two more subjects say where a gap comes from:
//   - "fetch+musts": bare fetch plus what any client of this API must do per call (a per-attempt timeout signal,
//     `redirect: 'manual'`, the contract's shape check of the body, from core's domain);
//   - "openapi-fetch": the openapi-fetch client core is built on (the same copy), with the key as a query parameter.
//
//   node bench/core-throughput.bench.mjs [--rounds 5] [--slot-ms 600] [--concurrency 1,16]
//   (build first: pnpm turbo run build --filter=@cappi-reseller/bench...)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createResellerClient, parseBalance, parseOrderStatus, parseServices } from '@cappi-reseller/core';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    'slot-ms': { type: 'string', default: '600' },
    concurrency: { type: 'string', default: '1,16' },
  },
});
const rounds = Number(values.rounds);
const slotMs = Number(values['slot-ms']);
const concurrencies = values.concurrency.split(',').map(Number);
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// openapi-fetch as core resolves it: the very copy core uses.
const fromCore = createRequire(require.resolve('@cappi-reseller/core/package.json'));
const { default: createClient } = await import(
  pathToFileURL(join(dirname(fromCore.resolve('openapi-fetch/package.json')), 'dist', 'index.mjs')).href
);
const sandboxBin = join(
  dirname(require.resolve('@cappi-reseller/sandbox/package.json')),
  'bin',
  'cappi-reseller-sandbox.js',
);

const children = [];
/** Starts a server process and resolves with the first stdout line matching `pattern`. */
async function startProcess(args, pattern) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const found = {};
  for await (const line of lines) {
    for (const [name, regex] of Object.entries(pattern)) {
      const match = regex.exec(line);
      if (match) found[name] = match[1];
    }
    if (Object.keys(pattern).every((name) => name in found)) break;
  }
  child.stdout.resume();
  return found;
}

function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill();
}
process.on('exit', stopAll);

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Runs `call` with `concurrency` loops for `ms`; returns requests per second and client CPU µs per request. */
async function slot(call, concurrency, ms) {
  let done = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const deadline = started + ms;
  const loop = async () => {
    while (performance.now() < deadline) {
      await call();
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: done / seconds, cpuMicros: (used.user + used.system) / done };
}

try {
  const sandbox = await startProcess([sandboxBin, '--port', '0', '--seed', '1', '--balance', '1000'], {
    url: /listening on (http:\/\/\S+)/,
    key: /API key:\s+(\S+)/,
  });
  // One order to read the status of.
  const setup = createResellerClient({ apiKey: sandbox.key, baseUrl: sandbox.url });
  const [service] = (await setup.listServices()).filter((candidate) => candidate.rate !== undefined);
  const { orderId } = await setup.registerOrder({
    serviceId: service.service,
    link: 'https://example.com/bench',
    quantity: service.min,
  });
  const staticServer = await startProcess(
    [join(here, 'lib', 'static-server.mjs'), sandbox.url, sandbox.key, String(orderId)],
    {
      url: /listening on (http:\/\/\S+)/,
    },
  );

  const servers = [
    { name: 'sandbox', url: sandbox.url },
    { name: 'static server', url: staticServer.url },
  ];
  // The static server shows the client's own cost at its fullest; OrderStatus there would repeat Balance.
  const operations = [
    {
      name: 'Balance',
      path: '/Balance',
      core: (client) => client.getBalance(),
      openapi: (api, key) => api.GET('/Balance', { params: { query: { key } } }),
      parse: parseBalance,
    },
    {
      name: 'OrderStatus',
      path: `/OrderStatus?orderId=${orderId}`,
      core: (client) => client.getOrderStatus(orderId),
      openapi: (api, key) => api.GET('/OrderStatus', { params: { query: { orderId, key } } }),
      parse: parseOrderStatus,
      servers: ['sandbox'],
    },
    {
      name: 'ServicesList (2,400 services)',
      path: '/ServicesList',
      core: (client) => client.listServices(),
      openapi: (api, key) => api.GET('/ServicesList', { params: { query: { key } } }),
      parse: parseServices,
    },
  ];

  const lines = [
    `Core client vs bare fetch of the same URL, loopback (node ${process.version}; ${rounds} rounds of ${slotMs} ms per subject; medians)`,
    '  server          operation                      conc   core req/s  fetch req/s   core/fetch   core/fetch+musts   core/openapi-fetch   client CPU µs/req: core, fetch, fetch+musts, openapi-fetch',
  ];
  const ratios = [];
  for (const server of servers) {
    const client = createResellerClient({ apiKey: sandbox.key, baseUrl: server.url });
    const api = createClient({ baseUrl: server.url });
    for (const operation of operations) {
      if (operation.servers !== undefined && !operation.servers.includes(server.name)) continue;
      const sep = operation.path.includes('?') ? '&' : '?';
      const url = `${server.url}${operation.path}${sep}key=${encodeURIComponent(sandbox.key)}`;
      const subjects = {
        core: () => operation.core(client),
        fetch: async () => {
          const response = await fetch(url);
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.json();
        },
        'fetch+musts': async () => {
          const response = await fetch(url, { signal: AbortSignal.timeout(15_000), redirect: 'manual' });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return operation.parse(await response.json());
        },
        'openapi-fetch': async () => {
          const { data, response } = await operation.openapi(api, sandbox.key);
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return data;
        },
      };
      const names = Object.keys(subjects);
      for (const concurrency of concurrencies) {
        // Warm-up: connections opened, code compiled.
        for (const name of names) await slot(subjects[name], concurrency, slotMs / 2);
        const results = Object.fromEntries(names.map((name) => [name, []]));
        const roundRatios = { fetch: [], 'fetch+musts': [], 'openapi-fetch': [] };
        for (let round = 0; round < rounds; round += 1) {
          // Rotate who goes first, so that no subject always follows the same one.
          const order = names.map((_, index) => names[(index + round) % names.length]);
          const measured = {};
          for (const name of order) measured[name] = await slot(subjects[name], concurrency, slotMs);
          for (const name of names) results[name].push(measured[name]);
          for (const base of Object.keys(roundRatios)) {
            roundRatios[base].push(measured.core.perSecond / measured[base].perSecond);
          }
        }
        const perSecond = (name) => median(results[name].map((result) => result.perSecond));
        const cpu = (name) => median(results[name].map((result) => result.cpuMicros)).toFixed(0);
        const ratio = median(roundRatios.fetch);
        const ratioOf = (base) => `${median(roundRatios[base]).toFixed(2)}x`;
        const cpuRatio =
          median(results.core.map((result) => result.cpuMicros)) /
          median(results.fetch.map((result) => result.cpuMicros));
        ratios.push({ server: server.name, operation: operation.name, concurrency, ratio, cpuRatio });
        lines.push(
          `  ${server.name.padEnd(15)} ${operation.name.padEnd(30)} ${String(concurrency).padStart(4)} ` +
            `${perSecond('core').toFixed(0).padStart(12)} ${perSecond('fetch').toFixed(0).padStart(12)} ` +
            `${ratioOf('fetch').padStart(12)} ${ratioOf('fetch+musts').padStart(18)} ${ratioOf('openapi-fetch').padStart(20)}   ` +
            `${names.map((name) => cpu(name)).join(', ')}`,
        );
      }
    }
  }
  const worst = ratios.reduce((low, entry) => (entry.ratio < low.ratio ? entry : low));
  const onSandbox = ratios.filter((entry) => entry.server === 'sandbox');
  lines.push(
    `  goal >= 0.90x: against the sandbox, lowest ${Math.min(...onSandbox.map((entry) => entry.ratio)).toFixed(2)}x; ` +
      `overall lowest ${worst.ratio.toFixed(2)}x (${worst.server}, ${worst.operation}, concurrency ${worst.concurrency})`,
  );
  lines.push(
    `  median over the ${ratios.length} configurations: core/fetch ${median(ratios.map((entry) => entry.ratio)).toFixed(2)}x ` +
      `throughput, ${median(ratios.map((entry) => entry.cpuRatio)).toFixed(2)}x the client CPU time per request`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  stopAll();
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
}
