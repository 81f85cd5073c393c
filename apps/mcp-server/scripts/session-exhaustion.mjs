#!/usr/bin/env node
// Measures what a stranger can do to the HTTP server's sessions (issue 9): the built server (dist/, run `pnpm build`
// first) on loopback against a sandbox, a legitimate client connected first, then a stranger opening sessions with
// bare initialize requests, from one address and then from many. Prints, as JSON: the sessions the stranger opened
// and how many stay open, how many were refused, whether the legitimate client's session still answers and whether
// a new one gets in, and the server's resident memory (VmRSS) before and after.
//
//   node scripts/session-exhaustion.mjs [--sessions 1000] [--addresses 20] [--one-address-only] [-- <server flags>]
//   SERVER_NODE_OPTIONS=--max-old-space-size=200 node scripts/session-exhaustion.mjs   (a server with a smaller heap)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSandbox } from '@cappi-reseller/sandbox';
import { killGroup, spawnInGroup } from '@cappi-reseller/test-processes';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const BIN = fileURLToPath(new URL('../bin/cappi-reseller-mcp.js', import.meta.url));
const { values, positionals } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000' },
    addresses: { type: 'string', default: '20' },
    'one-address-only': { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const perPhase = Number(values.sessions);
const addressCount = Number(values.addresses);

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'stranger', version: '1' } },
});
const PING = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });

function post(url, body, headers, localAddress) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, sessionId: res.headers['mcp-session-id'] }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

function rssMb(pid) {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
}

async function legitimateClient(url) {
  const client = new Client({ name: 'legitimate', version: '1' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

async function answers(client) {
  try {
    const result = await client.callTool({ name: 'get_balance', arguments: {} });
    return result.isError !== true;
  } catch {
    return false;
  }
}

async function flood(url, count, addresses) {
  const opened = [];
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const from = addresses[i % addresses.length];
    const answer = await post(url, INITIALIZE, {}, from);
    if (answer.status === 200) opened.push({ id: answer.sessionId, from });
    else refused += 1;
  }
  return { opened, refused };
}

async function countOpen(url, sessions) {
  let open = 0;
  for (const { id, from } of sessions) {
    const answer = await post(url, PING, { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' }, from);
    if (answer.status === 200) open += 1;
  }
  return open;
}

const sandbox = await startSandbox({});
const stateDir = mkdtempSync(join(tmpdir(), 'cappi-session-exhaustion-'));
const child = spawnInGroup(process.execPath, [BIN, '--http', '--port', '0', ...positionals], {
  env: {
    PATH: process.env.PATH,
    CAPPI_API_KEY: sandbox.key,
    CAPPI_BASE_URL: sandbox.url,
    CAPPI_STATE_DIR: stateDir,
    // e.g. SERVER_NODE_OPTIONS=--max-old-space-size=200: whether closed sessions are freed or only not yet collected
    ...(process.env.SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.SERVER_NODE_OPTIONS } : {}),
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
try {
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${stderr}`)));
  });
  const legit = await legitimateClient(url);
  const legitAnswers = await answers(legit);
  const rssBefore = rssMb(child.pid);
  const report = { server: url, flags: positionals, legitimateClientBefore: legitAnswers, rssBeforeMb: rssBefore };

  const oneAddress = await flood(url, perPhase, ['127.0.0.2']);
  report.oneAddress = {
    opened: oneAddress.opened.length,
    refused: oneAddress.refused,
    stillOpen: await countOpen(url, oneAddress.opened),
    legitimateSessionStillAnswers: await answers(legit),
    rssMb: rssMb(child.pid),
  };

  // Phase two, skipped with --one-address-only: the stranger from many addresses, past the cap in all.
  let late;
  if (!values['one-address-only']) {
    const addresses = Array.from(
      { length: addressCount },
      (_, i) => `127.0.${1 + Math.floor(i / 250)}.${2 + (i % 250)}`,
    );
    const many = await flood(url, perPhase * 2, addresses);
    late = await legitimateClient(url).catch(() => undefined);
    report.manyAddresses = {
      addresses: addressCount,
      opened: many.opened.length,
      refused: many.refused,
      stillOpen: await countOpen(url, [...oneAddress.opened, ...many.opened]),
      legitimateSessionStillAnswers: await answers(legit),
      newLegitimateClientGetsIn: late !== undefined && (await answers(late)),
      rssMb: rssMb(child.pid),
    };
  }
  await late?.close();
  await legit.close();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await killGroup(child.pid);
  await sandbox.stop().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
}
