// A server spawned with --http on a free port, real MCP clients over Streamable HTTP, and raw requests for what a
// client library would never send. This is the one place a test starts an HTTP server process: every server is in a
// process group of its own, and stopped by stopAll() (call it in afterAll).
import type { ChildProcess } from 'node:child_process';
import { type Agent, request } from 'node:http';
import { spawnInGroup } from '@cappi-reseller/test-processes';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { BIN, type ToolAnswer } from './helpers.js';

export interface HttpServerOptions {
  /** The upstream the server talks to (CAPPI_BASE_URL), usually the test sandbox's URL. */
  sandboxUrl?: string;
  /** Where the server keeps its state (CAPPI_STATE_DIR). */
  stateDir?: string;
  /** Arguments after `--http --port 0`. */
  args?: string[];
  /** Environment over PATH, CAPPI_BASE_URL and CAPPI_STATE_DIR (nothing else of the test's own is passed on). */
  env?: Record<string, string>;
}

export interface HttpServer {
  /** http://host:port/mcp, as the server said it listens. */
  url: string;
  /** The url without /mcp, for /healthz. */
  base: string;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr together, in the order they came. */
  output(): string;
  /** SIGTERM, then waits for the exit; safe to call again, or after the process has gone. */
  stop(): Promise<void>;
}

const started: HttpServer[] = [];

export async function startHttpServer(options: HttpServerOptions = {}): Promise<HttpServer> {
  const env: Record<string, string | undefined> = { PATH: process.env.PATH };
  if (options.sandboxUrl !== undefined) env.CAPPI_BASE_URL = options.sandboxUrl;
  if (options.stateDir !== undefined) env.CAPPI_STATE_DIR = options.stateDir;
  const child: ChildProcess = spawnInGroup(process.execPath, [BIN, '--http', '--port', '0', ...(options.args ?? [])], {
    env: { ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  let stopping: Promise<void> | undefined;
  const server: HttpServer = {
    url,
    base: url.replace(/\/mcp$/, ''),
    pid: child.pid ?? 0,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      })();
      return stopping;
    },
  };
  started.push(server);
  return server;
}

/** Stops every server started in this file (those already stopped are passed over). */
export async function stopAll(): Promise<void> {
  for (const server of started.splice(0)) await server.stop();
}

export async function connect(
  url: string,
  headers: Record<string, string>,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'cappi-http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
  onprogress?: (p: Progress) => void,
): Promise<ToolAnswer> {
  return (await client.callTool({ name, arguments: args }, undefined, onprogress ? { onprogress } : {})) as ToolAnswer;
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

export interface RawAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  /** Whether the request went on a connection kept from an earlier one. */
  reusedSocket: boolean;
}

export interface RawPostOptions {
  /** The path (and query) to post to, instead of the URL's own path. */
  path?: string;
  /** The address to post from: any 127.x.y.z is this machine, and a different client to the server. */
  localAddress?: string;
  /** The agent to send with (to keep a connection between requests); Node's global one otherwise. */
  agent?: Agent;
}

/** One raw POST, with whatever headers a test wants. */
export function rawPost(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: RawPostOptions = {},
): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: options.path ?? target.pathname,
        method: 'POST',
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        ...(options.agent === undefined ? {} : { agent: options.agent }),
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        const reusedSocket = req.reusedSocket;
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers, reusedSocket }));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** A raw POST of an initialize request, with whatever headers a test wants. */
export function rawInitialize(
  url: string,
  headers: Record<string, string>,
  options: RawPostOptions = {},
): Promise<RawAnswer> {
  return rawPost(url, INITIALIZE, headers, options);
}
