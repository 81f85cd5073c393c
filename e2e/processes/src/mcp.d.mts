import type { PassThrough } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export class GroupStdioClientTransport implements Transport {
  constructor(params: {
    command: string;
    args?: string[];
    env?: Record<string, string>;
    cwd?: string;
    graceMs?: number;
  });
  readonly stderr: PassThrough;
  readonly pid: number | null;
  start(): Promise<void>;
  send(message: JSONRPCMessage): Promise<void>;
  close(): Promise<void>;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
}
