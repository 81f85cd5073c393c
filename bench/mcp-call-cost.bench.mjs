// What the MCP layer costs per call: get_balance through the MCP server (SDK client -> stdio or Streamable HTTP ->
// spawned server -> core -> sandbox) against the same call made directly with core's client, all against one
// sandbox, in one run. Sequential calls, a warm-up first, then rounds that take turns so that noise on this shared
// machine falls on every mode alike. Prints medians, p99 and the ratios to the direct call (goal: at most 1.5x).
// `ping` (an MCP round trip with no tool behind it) shows how much of the cost is the transport itself.
//
// A second part holds every upstream request --latency-ms in the sandbox, as a network to a real API would.
//
//   node bench/mcp-call-cost.bench.mjs [--calls 2000] [--warmup 300] [--rounds 10] [--latency-ms 20] [--latency-calls 300]
//
// Needs the built server: pnpm turbo run build --filter=@cappi-reseller/mcp-server...
import { parseArgs } from 'node:util';
import { createResellerClient } from '@cappi-reseller/core';
import { startSandbox } from '@cappi-reseller/sandbox';
import { connectHttp, ms, spawnHttp, spawnStdio, summarize } from '../e2e/mcp-proof/lib/harness.mjs';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '10' },
    'latency-ms': { type: 'string', default: '20' },
    'latency-calls': { type: 'string', default: '300' },
  },
});
const CALLS = Number(values.calls);
const WARMUP = Number(values.warmup);
const ROUNDS = Number(values.rounds);
const LATENCY_MS = Number(values['latency-ms']);
const LATENCY_CALLS = Number(values['latency-calls']);
const GOAL = 1.5;

const sandbox = await startSandbox({ port: 0 });
const direct = createResellerClient({ apiKey: sandbox.key, baseUrl: sandbox.url, timeoutMs: 10_000, retries: 2 });
const stdio = await spawnStdio({ baseUrl: sandbox.url, apiKey: sandbox.key });
const httpServer = await spawnHttp({ baseUrl: sandbox.url, apiKey: sandbox.key });
const http = await connectHttp(httpServer.url);

function expectBalance(result) {
  if (result.isError || typeof result.structuredContent?.balance !== 'number') {
    throw new Error(`get_balance failed: ${JSON.stringify(result).slice(0, 300)}`);
  }
}

const modes = {
  'core client, direct': async () => {
    const balance = await direct.getBalance();
    if (typeof balance.balance !== 'number') throw new Error('no balance');
  },
  'MCP over stdio': async () => expectBalance(await stdio.client.callTool({ name: 'get_balance', arguments: {} })),
  'MCP over Streamable HTTP': async () =>
    expectBalance(await http.client.callTool({ name: 'get_balance', arguments: {} })),
  'ping over stdio (no tool)': () => stdio.client.ping(),
  'ping over HTTP (no tool)': () => http.client.ping(),
};

/** Sequential calls in rounds that take turns; returns the summaries by mode. */
async function measure(selected, calls, warmup, rounds) {
  const samples = Object.fromEntries(selected.map((name) => [name, []]));
  for (const name of selected) for (let i = 0; i < warmup; i += 1) await modes[name]();
  const perRound = Math.ceil(calls / rounds);
  for (let round = 0; round < rounds; round += 1) {
    // Each round starts with a different mode.
    const order = selected.map((_, i) => selected[(i + round) % selected.length]);
    for (const name of order) {
      const run = modes[name];
      for (let i = 0; i < perRound; i += 1) {
        const t0 = performance.now();
        await run();
        samples[name].push(performance.now() - t0);
      }
    }
  }
  return Object.fromEntries(selected.map((name) => [name, summarize(samples[name])]));
}

function table(stats) {
  const base = stats['core client, direct'];
  process.stdout.write(
    `${'mode'.padEnd(28)}${'median'.padStart(10)}${'p99'.padStart(10)}${'mean'.padStart(10)}${'median x'.padStart(10)}${'p99 x'.padStart(8)}\n`,
  );
  for (const [name, s] of Object.entries(stats)) {
    process.stdout.write(
      `${name.padEnd(28)}${ms(s.p50).padStart(10)}${ms(s.p99).padStart(10)}${ms(s.mean).padStart(10)}${`${(s.p50 / base.p50).toFixed(2)}x`.padStart(10)}${`${(s.p99 / base.p99).toFixed(2)}x`.padStart(8)}\n`,
    );
  }
}

function verdicts(stats) {
  const base = stats['core client, direct'];
  for (const name of ['MCP over stdio', 'MCP over Streamable HTTP']) {
    const ratio = stats[name].p50 / base.p50;
    const ping = stats[name.includes('stdio') ? 'ping over stdio (no tool)' : 'ping over HTTP (no tool)'];
    process.stdout.write(
      `${name}: ${ratio.toFixed(2)}x the direct call (median), goal <= ${GOAL}x: ${ratio <= GOAL ? 'met' : 'NOT met'}; ` +
        `+${ms(stats[name].p50 - base.p50)} per call${ping ? ` (a bare MCP round trip: ${ms(ping.p50)})` : ''}\n`,
    );
  }
}

let loopback;
let distant;
try {
  loopback = await measure(Object.keys(modes), CALLS, WARMUP, ROUNDS);
  // The same, with every upstream request held LATENCY_MS by the sandbox: closer to a real API across a network.
  sandbox.faults.setRate(1, [{ kind: 'latency', ms: LATENCY_MS }]);
  distant = await measure(['core client, direct', 'MCP over stdio', 'MCP over Streamable HTTP'], LATENCY_CALLS, 20, 5);
} finally {
  sandbox.faults.clear();
  await http.close().catch(() => undefined);
  await httpServer.stop();
  await stdio.close();
  await sandbox.stop();
}

process.stdout.write(
  `get_balance, sequential calls; one sandbox (in this process); MCP server spawned from apps/mcp-server/bin\n\n` +
    `1. Upstream on loopback, no added latency: ${CALLS} calls per mode after ${WARMUP} warm-up calls, ${ROUNDS} interleaved rounds\n`,
);
table(loopback);
verdicts(loopback);
process.stdout.write(
  `\n2. Every upstream request held ${LATENCY_MS} ms by the sandbox: ${LATENCY_CALLS} calls per mode\n`,
);
table(distant);
verdicts(distant);
