// `--sandbox` answers initialize and tools/list before its embedded sandbox exists (the sandbox is what made it start
// 3x slower than a server with a key, issue 9), and starts the sandbox, once, when a tool first needs the API.
// Event-driven: the "ready" line is written after the point where the sandbox used to be started.
import { GroupStdioClientTransport } from '@cappi-reseller/test-processes/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, LINK, removeDir, STEAM_LIKES, type ToolAnswer, tempDir, textOf } from './helpers.js';

let client: Client;
let stateDir: string;
let stderr = '';
let onStderr: () => void = () => undefined;

function stderrContains(text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (stderr.includes(text)) resolve();
    };
    onStderr = check;
    check();
  });
}

beforeAll(async () => {
  stateDir = tempDir();
  const transport = new GroupStdioClientTransport({
    command: process.execPath,
    args: [BIN, '--sandbox', '--state-dir', stateDir],
    env: {},
  });
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr();
  });
  client = new Client({ name: 'cappi-sandbox-start-test', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  removeDir(stateDir);
});

it('lists its tools with no sandbox started, then starts it once for the first tool call', async () => {
  const { tools } = await client.listTools();
  expect(tools.length).toBeGreaterThanOrEqual(5);
  await stderrContains('ready on stdio');
  expect(stderr).toContain('embedded sandbox, started on first use');
  expect(stderr).not.toContain('embedded sandbox at http');

  // Two calls at once share one start.
  const [balance, services] = (await Promise.all([
    client.callTool({ name: 'get_balance', arguments: {} }),
    client.callTool({ name: 'list_services', arguments: { query: 'steam like' } }),
  ])) as ToolAnswer[];
  expect(balance?.structuredContent?.balance).toBe(100);
  expect(services?.isError).toBeFalsy();
  await stderrContains('embedded sandbox at http://127.0.0.1:');
  expect(stderr.match(/embedded sandbox at http/g)).toHaveLength(1);

  const quote = (await client.callTool({
    name: 'quote_order',
    arguments: { service_id: STEAM_LIKES, link: LINK, quantity: 10 },
  })) as ToolAnswer;
  expect(textOf(quote)).toContain('[sandbox: simulated account, no real money] Quote:');
});
