// A server process the test controls: the SDK's Client over the child's own stdio (so a test can close stdin, or
// send SIGTERM or SIGKILL, exactly when it wants), in its own process group, killed at the end whatever happens.
import { type ChildProcess, spawn } from 'node:child_process';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BIN, CANARY, type ToolAnswer } from './helpers.js';

/** The client side of stdio over a child the test owns: closing it does nothing to the child. */
class ChildStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private readonly buffer = new ReadBuffer();
  constructor(private readonly child: ChildProcess) {}

  async start(): Promise<void> {
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      for (let message = this.buffer.readMessage(); message !== null; message = this.buffer.readMessage()) {
        this.onmessage?.(message);
      }
    });
    this.child.once('exit', () => this.onclose?.());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.child.stdin?.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.onclose?.();
  }
}

export interface ControlledServer {
  client: Client;
  child: ChildProcess;
  stderr(): string;
  /** Every tool result seen, as JSON (for canary checks). */
  seen: string[];
  call(name: string, args?: Record<string, unknown>): Promise<ToolAnswer>;
  /** Resolves with the exit code (or signal) when the process has ended. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Kills the whole process group, if still running. */
  kill(): void;
}

export async function startControlledServer(options: {
  sandbox: Sandbox;
  stateDir: string;
  args?: string[];
  env?: Record<string, string>;
  /** Shell commands run before the server is exec'd in the same process, e.g. a file size limit (`ulimit -f 2`). */
  shellPrefix?: string;
}): Promise<ControlledServer> {
  const argv = [BIN, ...(options.args ?? [])];
  const [command, args] =
    options.shellPrefix === undefined
      ? [process.execPath, argv]
      : ['/bin/sh', ['-c', `${options.shellPrefix}; exec "$0" "$@"`, process.execPath, ...argv]];
  const child = spawn(command, args, {
    env: {
      PATH: process.env.PATH ?? '',
      CAPPI_API_KEY: CANARY,
      CAPPI_BASE_URL: options.sandbox.url,
      CAPPI_STATE_DIR: options.stateDir,
      ...options.env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true, // its own process group: killed as a whole, never left behind
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const kill = () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const client = new Client({ name: 'cappi-edge-test', version: '1.0.0' });
  try {
    await client.connect(new ChildStdioTransport(child));
  } catch (error) {
    kill();
    throw new Error(`the server did not start: ${(error as Error).message}\n${stderr}`);
  }
  const seen: string[] = [];
  return {
    client,
    child,
    stderr: () => stderr,
    seen,
    async call(name, args = {}) {
      const result = (await client.callTool({ name, arguments: args })) as ToolAnswer;
      seen.push(JSON.stringify(result));
      return result;
    },
    exited,
    kill,
  };
}

/** Resolves once the sandbox has received `count` RegisterOrder requests in all. */
export async function registerOrderArrives(sandbox: Sandbox, count: number): Promise<void> {
  while (sandbox.requests('RegisterOrder') < count) await new Promise((resolve) => setTimeout(resolve, 10));
}
