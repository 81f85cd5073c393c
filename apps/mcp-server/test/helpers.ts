// Drives the built server (bin/cappi-reseller-mcp.js) the way an AI client does: a spawned process and the
// SDK's Client, against a real sandbox started here. Every answer and every stderr byte is kept, so tests
// can check that the canary key never appears anywhere.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accountFingerprint, type LedgerRow, parseLedgerRow } from '@cappi-reseller/core';
import { openLedger } from '@cappi-reseller/ledger';
import { type Sandbox, startSandbox } from '@cappi-reseller/sandbox';
import { GroupStdioClientTransport } from '@cappi-reseller/test-processes/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  type CallToolResult,
  type ClientCapabilities,
  ElicitRequestSchema,
  type ElicitResult,
  type Progress,
  type ReadResourceResult,
} from '@modelcontextprotocol/sdk/types.js';

export const BIN = fileURLToPath(new URL('../bin/cappi-reseller-mcp.js', import.meta.url));

/** A key that must never show up in any answer, resource, log line or stderr output. */
export const CANARY = 'canary-7Hq2xZ9pL4mW8vR3nK6tY1sB';

export const LINK = 'https://steamcommunity.com/sharedfiles/filedetails/?id=2970001';

/** The vendor's example service, as the sandbox seeds it: 0.012 USD per unit, 1 to 100. */
export const STEAM_LIKES = 199825;

export async function startTestSandbox(extraKeys: { key: string; balance: number }[] = []): Promise<Sandbox> {
  return startSandbox({
    keys: [{ key: CANARY, balance: 100 }, ...extraKeys],
    orderTiming: { pendingMs: 200, deliveryMs: 1_200 },
    // Every answer the sandbox sends is checked against the contract; stop() rejects on a violation.
    validateResponses: true,
  });
}

export function tempDir(prefix = 'cappi-mcp-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface SpawnOptions {
  sandbox: Sandbox;
  args?: string[];
  env?: Record<string, string>;
  /** Reused across spawns to test what survives a restart. */
  stateDir?: string;
  apiKey?: string;
  /** Declares the elicitation capability and answers each request with this. */
  elicit?: (message: string) => ElicitResult | Promise<ElicitResult>;
  /** More client capabilities (e.g. the MCP Apps extension). */
  capabilities?: ClientCapabilities;
}

export interface Spawned {
  client: Client;
  stateDir: string;
  /** Every tool result, resource and error message seen, as JSON. */
  seen: string[];
  elicitations: string[];
  stderr(): string;
  call(name: string, args?: Record<string, unknown>, onprogress?: (progress: Progress) => void): Promise<ToolAnswer>;
  /** The rows of this server's ledger (state dir's ledger.sqlite) for its key, oldest first; their bytes go to `seen`. */
  ledger(): Promise<LedgerRow[]>;
  close(): Promise<void>;
}

export type ToolAnswer = CallToolResult & { structuredContent?: Record<string, unknown> };

export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first?.type === 'text' ? first.text : '';
}

export async function spawnServer(options: SpawnOptions): Promise<Spawned> {
  const stateDir = options.stateDir ?? tempDir();
  const ownsStateDir = options.stateDir === undefined;
  // The server runs in a process group of its own, killed when the client closes or the test file ends.
  const transport = new GroupStdioClientTransport({
    command: process.execPath,
    args: [BIN, ...(options.args ?? [])],
    env: {
      CAPPI_API_KEY: options.apiKey ?? CANARY,
      CAPPI_BASE_URL: options.sandbox.url,
      CAPPI_STATE_DIR: stateDir,
      ...options.env,
    },
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client(
    { name: 'cappi-test-client', version: '1.0.0' },
    { capabilities: { ...options.capabilities, ...(options.elicit ? { elicitation: { form: {} } } : {}) } },
  );
  const elicitations: string[] = [];
  const seen: string[] = [];
  if (options.elicit) {
    const answer = options.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      elicitations.push(request.params.message);
      return answer(request.params.message);
    });
  }
  await client.connect(transport);
  return {
    client,
    stateDir,
    seen,
    elicitations,
    stderr: () => stderr,
    async call(name, args = {}, onprogress) {
      const result = (await client.callTool(
        { name, arguments: args },
        undefined,
        onprogress ? { onprogress } : {},
      )) as ToolAnswer;
      seen.push(JSON.stringify(result));
      return result;
    },
    ledger() {
      return readLedger(join(stateDir, 'ledger.sqlite'), options.apiKey ?? CANARY, seen);
    },
    async close() {
      await client.close();
      if (ownsStateDir) removeDir(stateDir);
    },
  };
}

/**
 * The rows of a ledger database for one key, oldest first, each checked by core's parseLedgerRow. The raw bytes of
 * the database files (and their JSON) are added to `seen`, so canary checks cover the ledger too.
 */
export async function readLedger(path: string, apiKey: string, seen?: string[]): Promise<LedgerRow[]> {
  if (!existsSync(path)) return [];
  for (const file of [path, `${path}-wal`]) {
    if (existsSync(file)) seen?.push(readFileSync(file).toString('latin1'));
  }
  const store = await openLedger(path);
  try {
    const rows = (await store.recentRows(await accountFingerprint(apiKey), 100_000)).map((row) =>
      parseLedgerRow(row, path),
    );
    seen?.push(JSON.stringify(rows));
    return rows.reverse();
  } finally {
    await store.close();
  }
}

/** Quotes and places an order; returns both answers. */
export async function quoteAndOrder(
  server: Spawned,
  order: { service_id: number; link: string; quantity: number },
  extra: Record<string, unknown> = {},
): Promise<{ quote: ToolAnswer; placed: ToolAnswer }> {
  const quote = await server.call('quote_order', order);
  if (quote.isError) throw new Error(`quote refused: ${textOf(quote)}`);
  const placed = await server.call('register_order', { quote_id: quote.structuredContent?.quote_id, ...extra });
  return { quote, placed };
}

export function resourceText(read: ReadResourceResult): string {
  const first = read.contents[0];
  return first !== undefined && 'text' in first ? first.text : '';
}

/** The forms a key could leak in: as is, and URL-encoded. */
export function leaks(text: string, key = CANARY): boolean {
  return text.includes(key) || text.includes(encodeURIComponent(key));
}
