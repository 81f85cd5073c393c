// The bin as a person meets it: a clear error without a key, --help, and --sandbox with no account at all.
import { runInGroup } from '@cappi-reseller/test-processes';
import { GroupStdioClientTransport } from '@cappi-reseller/test-processes/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, LINK, removeDir, STEAM_LIKES, type ToolAnswer, tempDir, textOf } from './helpers.js';

async function run(args: string[], env: Record<string, string> = {}) {
  const result = await runInGroup(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    input: '',
    timeoutMs: 20_000,
    allowFailure: true,
  });
  return { status: result.code, stdout: result.stdout, stderr: result.stderr };
}

describe('starting', () => {
  it('says on stderr, with nothing on stdout, that the key is missing and how to do without', async () => {
    const result = await run([]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('CAPPI_API_KEY is not set');
    expect(result.stderr).toContain('--sandbox');
  });

  it('documents every option in --help', async () => {
    const result = await run(['--help']);
    expect(result.status).toBe(0);
    for (const option of [
      '--sandbox',
      '--http',
      '--read-only',
      '--max-order-usd',
      '--daily-budget-usd',
      '--allow',
      '--ledger',
      'doctor',
      'doctor --json',
      '--check-api',
      'CAPPI_CHECK_API',
    ]) {
      expect(result.stdout).toContain(option);
    }
  });

  it('refuses an unknown option', async () => {
    const result = await run(['--no-such-thing'], { CAPPI_API_KEY: 'x-key-1234' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--help');
  });
});

describe('--sandbox', () => {
  let client: Client;
  let stateDir: string;
  let stderr = '';

  beforeAll(async () => {
    stateDir = tempDir();
    const transport = new GroupStdioClientTransport({
      command: process.execPath,
      args: [BIN, '--sandbox', '--state-dir', stateDir],
      env: {}, // no key, no URL: the embedded sandbox provides both
    });
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    client = new Client({ name: 'cappi-cli-test', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client?.close();
    removeDir(stateDir);
  });

  it('works with no account, and every answer says it is the sandbox', async () => {
    expect(client.getInstructions()).toContain('SANDBOX');
    const answers: ToolAnswer[] = [];
    const callTool = async (name: string, args: Record<string, unknown> = {}) => {
      const result = (await client.callTool({ name, arguments: args })) as ToolAnswer;
      answers.push(result);
      return result;
    };
    await callTool('get_balance');
    await callTool('list_services', { query: 'steam like' });
    const quote = await callTool('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 10 });
    const placed = await callTool('register_order', { quote_id: quote.structuredContent?.quote_id });
    await callTool('get_order_status', { order_id: placed.structuredContent?.order_id });
    await callTool('quote_order', { service_id: STEAM_LIKES, link: LINK, quantity: 100_000 }); // refused
    expect(answers.at(-1)?.isError).toBe(true);
    for (const answer of answers) {
      expect(textOf(answer)).toMatch(/^\[sandbox: simulated account, no real money\] /);
      if (!answer.isError) expect(answer.structuredContent?.sandbox).toBe(true);
    }
    const resource = await client.readResource({ uri: 'cappi://catalog/categories' });
    expect(JSON.stringify(resource)).toContain('\\"sandbox\\":true');
    expect(stderr).toContain('embedded sandbox at http://127.0.0.1:');
  });
});
