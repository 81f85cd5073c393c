// Cold start of the MCP server, as an AI client sees it: spawn -> initialize answered -> tools/list answered.
// Measured in one run, interleaved, against two baselines: bare `node -e 0` (spawn -> exit) and the official
// @modelcontextprotocol/server-everything. Prints medians and ratios to bare node.
//
//   node bench/cold-start.mjs [--runs 30]      (build apps/mcp-server first: pnpm turbo run build)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, warmup: { type: 'string', default: '3' } },
});
const runs = Number(values.runs);
const warmup = Number(values.warmup);
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const everything = join(
  dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist/index.js',
);
const ours = join(here, '..', 'apps', 'mcp-server', 'bin', 'cappi-reseller-mcp.js');
const stateDir = mkdtempSync(join(tmpdir(), 'cappi-bench-'));

const subjects = [
  { name: 'node -e 0', args: ['-e', '0'], mcp: false },
  { name: 'server-everything', args: [everything, 'stdio'], mcp: true },
  // A dummy key: initialize and tools/list need no network.
  {
    name: 'cappi-reseller-mcp',
    args: [ours],
    mcp: true,
    env: { CAPPI_API_KEY: 'bench-not-a-key', CAPPI_STATE_DIR: stateDir },
  },
  // What a newcomer runs first: no key, the embedded sandbox.
  {
    name: 'cappi-reseller-mcp --sandbox',
    args: [ours, '--sandbox'],
    mcp: true,
    env: { CAPPI_API_KEY: '', CAPPI_STATE_DIR: stateDir },
  },
];

function send(child, message) {
  child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
}

/** One cold start, in ms; for MCP servers also the size of the tools/list answer. */
function measure(subject) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = spawn(process.execPath, subject.args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, ...subject.env },
    });
    child.once('error', reject);
    if (!subject.mcp) {
      child.once('exit', () => resolve({ ms: elapsed() }));
      return;
    }
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const message = JSON.parse(line);
        if (message.id === 1) {
          send(child, { method: 'notifications/initialized' });
          send(child, { id: 2, method: 'tools/list' });
        } else if (message.id === 2) {
          const ms = elapsed();
          child.kill();
          resolve({ ms, toolsListChars: JSON.stringify(message.result).length, tools: message.result.tools.length });
        }
      }
    });
    send(child, {
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'cold-start-bench', version: '1' },
      },
    });
  });
}

function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const times = new Map(subjects.map((subject) => [subject.name, []]));
const sizes = new Map();
try {
  // Warm-up runs fill the OS file cache and Node's compile cache, as for any server a client spawns often.
  for (let i = 0; i < warmup; i++) for (const subject of subjects) await measure(subject);
  // Interleaved, so a slow moment of the machine hits every subject alike.
  for (let i = 0; i < runs; i++) {
    for (const subject of subjects) {
      const result = await measure(subject);
      times.get(subject.name).push(result.ms);
      if (result.toolsListChars !== undefined) sizes.set(subject.name, result);
    }
  }
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}

const base = median(times.get('node -e 0'));
const out = [
  `Cold start: spawn -> initialize -> tools/list answered (node ${process.version}, ${runs} runs each, medians)`,
];
for (const subject of subjects) {
  const ms = median(times.get(subject.name));
  const size = sizes.get(subject.name);
  const extra = size ? `   tools/list: ${size.tools} tools, ${size.toolsListChars} chars` : '';
  out.push(
    `  ${subject.name.padEnd(30)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / base).toFixed(2)}x bare node${extra}`,
  );
}
process.stdout.write(`${out.join('\n')}\n`);
