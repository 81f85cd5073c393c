// A server spawned with --http on a free port, real MCP clients over Streamable HTTP, and raw requests for what a
// client library would never send. Every server is in a process group of its own and stopped by stopAll().
import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { spawnInGroup } from '@cappi-reseller/test-processes';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { BIN, type ToolAnswer } from './helpers.js';

export interface HttpServer {
  url: string;
  pid: number;
  stderr(): string;
  stop(): Promise<void>;
}

const started: HttpServer[] = [];

export async function startHttpServer(args: string[], env: Record<string, string>): Promise<HttpServer> {
  const child: ChildProcess = spawnInGroup(process.execPath, [BIN, '--http', '--port', '0', ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  const server: HttpServer = {
    url,
    pid: child.pid ?? 0,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
  started.push(server);
  return server;
}

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

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  return (await client.callTool({ name, arguments: args })) as ToolAnswer;
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** A raw POST of an initialize request, with whatever headers a test wants. */
export function rawInitialize(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.once('error', reject);
    req.end(INITIALIZE);
  });
}
