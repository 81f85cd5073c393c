// A server started with --http on a free port, in its own process group, for tests that talk Streamable HTTP.
import type { ChildProcess } from 'node:child_process';
import { spawnInGroup } from '@cappi-reseller/test-processes';
import { BIN } from './helpers.js';

export interface HttpServerProcess {
  url: string;
  stderr(): string;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

export async function startHttpServer(options: {
  sandboxUrl: string;
  stateDir: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<HttpServerProcess> {
  const child: ChildProcess = spawnInGroup(process.execPath, [BIN, '--http', '--port', '0', ...(options.args ?? [])], {
    env: {
      PATH: process.env.PATH,
      CAPPI_BASE_URL: options.sandboxUrl,
      CAPPI_STATE_DIR: options.stateDir,
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
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
  return {
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
