// An MCP client transport over stdio whose server runs in a process group of its own (./index.mjs), so that
// a test that fails or times out cannot leave the server running. The SDK's StdioClientTransport spawns the
// server in the test's own group and offers no option to change it; this speaks the same protocol with the
// SDK's own framing (ReadBuffer, serializeMessage).
import { PassThrough } from 'node:stream';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import { killGroup, spawnInGroup } from './index.mjs';

export class GroupStdioClientTransport {
  #params;
  #process;
  #readBuffer = new ReadBuffer();
  #stderr = new PassThrough();

  /** @param {{ command: string, args?: string[], env?: Record<string, string>, cwd?: string, graceMs?: number }} params */
  constructor(params) {
    this.#params = params;
  }

  get stderr() {
    return this.#stderr;
  }

  get pid() {
    return this.#process?.pid ?? null;
  }

  start() {
    if (this.#process) throw new Error('GroupStdioClientTransport already started');
    return new Promise((resolve, reject) => {
      const child = spawnInGroup(this.#params.command, this.#params.args ?? [], {
        // As the SDK's transport: a safe default environment (PATH, HOME...), then the caller's.
        env: { ...getDefaultEnvironment(), ...this.#params.env },
        cwd: this.#params.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      this.#process = child;
      child.once('error', (error) => {
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => resolve());
      child.once('close', () => {
        this.#process = undefined;
        this.onclose?.();
      });
      child.stdin.on('error', (error) => this.onerror?.(error));
      child.stdout.on('data', (chunk) => {
        this.#readBuffer.append(chunk);
        for (;;) {
          let message;
          try {
            message = this.#readBuffer.readMessage();
          } catch (error) {
            this.onerror?.(error);
            continue;
          }
          if (message === null) break;
          this.onmessage?.(message);
        }
      });
      // Written without back-pressure: a test that never reads stderr must not stall the server.
      child.stderr.on('data', (chunk) => this.#stderr.write(chunk));
    });
  }

  send(message) {
    return new Promise((resolve, reject) => {
      const stdin = this.#process?.stdin;
      if (!stdin) {
        reject(new Error('Not connected'));
        return;
      }
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  /** Closes stdin (a server ends when its input ends), then kills the group: SIGTERM, SIGKILL after the grace. */
  async close() {
    const child = this.#process;
    if (child?.pid !== undefined) {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.stdin.end();
      const graceMs = this.#params.graceMs ?? 2000;
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      await killGroup(child.pid, graceMs);
    }
    this.#readBuffer.clear();
  }
}
