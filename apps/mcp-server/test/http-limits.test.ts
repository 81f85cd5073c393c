// Limits a stranger cannot exhaust, through a real MCP client over Streamable HTTP: a stranger opening sessions until
// the cap while a legitimate client still gets in, a 503 with Retry-After only when every session is in a request,
// a trickled body (and trickled headers) cut off, and a connection cap. Small limits and deadlines are configured
// here; every wait is on an event (a response, a progress notification, a closed socket), never on the clock.
import { connect as connectSocket, type Socket } from 'node:net';
import type { Sandbox } from '@cappi-reseller/sandbox';
import { startSandbox } from '@cappi-reseller/sandbox';
import type { Progress } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY, LINK, removeDir, STEAM_LIKES, type ToolAnswer, tempDir } from './helpers.js';
import { call, connect, INITIALIZE, type RawAnswer, rawPost, startHttpServer, stopAll } from './http-helpers.js';

let sandbox: Sandbox;
let stateDir: string;

beforeAll(async () => {
  // Orders stay in progress for ten minutes: a get_order_status with wait_seconds keeps its session in a request.
  sandbox = await startSandbox({
    keys: [{ key: CANARY, balance: 100 }],
    orderTiming: { pendingMs: 0, deliveryMs: 600_000 },
  });
  stateDir = tempDir();
});

afterAll(async () => {
  await stopAll();
  await sandbox?.stop();
  removeDir(stateDir);
});

/** A server on the sandbox with the configured key, and `args`. */
function startServer(args: string[]) {
  return startHttpServer({ sandboxUrl: sandbox.url, stateDir, args, env: { CAPPI_API_KEY: CANARY } });
}

/** Whether a session still answers (a ping in it), or was closed. */
async function alive(url: string, sessionId: string, localAddress: string): Promise<boolean> {
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
  const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
  return (await rawPost(url, ping, headers, { localAddress })).status === 200;
}

/** Opens `count` sessions with raw initializes, cycling through `addresses`; each must be admitted. */
async function flood(url: string, count: number, addresses: string[]): Promise<{ id: string; from: string }[]> {
  const opened: { id: string; from: string }[] = [];
  for (let i = 0; i < count; i++) {
    const from = addresses[i % addresses.length] as string;
    const answer = await rawPost(url, INITIALIZE, {}, { localAddress: from });
    expect(answer.status).toBe(200); // every session was idle: room is made, nobody is refused
    opened.push({ id: String(answer.headers['mcp-session-id']), from });
  }
  return opened;
}

async function stillOpen(url: string, sessions: { id: string; from: string }[]) {
  const open = [];
  for (const session of sessions) if (await alive(url, session.id, session.from)) open.push(session);
  return open;
}

describe('a stranger opening sessions until the cap', () => {
  it('churns only its own idle sessions, never holds more than the limits, and a legitimate client still gets in', async () => {
    const server = await startServer(['--max-sessions', '12', '--max-sessions-per-client', '4']);
    const legit = await connect(server.url, {}); // from 127.0.0.1
    try {
      expect((await call(legit.client, 'get_balance')).isError).toBeFalsy();
      // From one address, 60 sessions: the stranger keeps at most 4, and evicts only its own.
      const alone = await flood(server.url, 60, ['127.0.0.2']);
      expect((await stillOpen(server.url, alone)).length).toBe(4);
      expect((await call(legit.client, 'get_balance')).isError).toBeFalsy(); // the same session, untouched

      // From six addresses (4 each would be 24, twice the cap), 60 more: never more than the cap in all.
      const addresses = [2, 3, 4, 5, 6, 7].map((n) => `127.0.0.${n}`);
      const spread = await stillOpen(server.url, [...alone, ...(await flood(server.url, 60, addresses))]);
      expect(spread.length).toBeLessThanOrEqual(12);
      for (const address of addresses) {
        expect(spread.filter((session) => session.from === address).length).toBeLessThanOrEqual(4);
      }
      // At the cap, a legitimate client opening a session gets in (an idle one makes room).
      const late = await connect(server.url, {});
      try {
        const balance = await call(late.client, 'get_balance');
        expect(balance.isError).toBeFalsy();
        expect(balance.structuredContent?.balance).toBe(sandbox.balanceOf(CANARY));
      } finally {
        await late.client.close();
      }
    } finally {
      await legit.client.close();
    }
  });
});

describe('when every session is in the middle of a request', () => {
  it('refuses a new session with 503 and Retry-After, and admits it once one is idle again', async () => {
    const server = await startServer(['--max-sessions', '2', '--max-sessions-per-client', '2']);
    const first = await connect(server.url, {});
    const second = await connect(server.url, {});
    try {
      const placed = await call(first.client, 'register_order', {
        quote_id: (
          await call(first.client, 'quote_order', { service_id: STEAM_LIKES, link: `${LINK}&limits=1`, quantity: 10 })
        ).structuredContent?.quote_id,
      });
      const orderId = placed.structuredContent?.order_id as number;
      expect(orderId).toBeGreaterThan(0);
      // Both sessions wait on the order (it stays in progress); each is in a request once its first progress arrives.
      const waits: Promise<ToolAnswer>[] = [];
      await Promise.all(
        [first, second].map(
          (session) =>
            new Promise<void>((inRequest) => {
              waits.push(
                session.client.callTool(
                  { name: 'get_order_status', arguments: { order_id: orderId, wait_seconds: 8 } },
                  undefined,
                  { onprogress: (_progress: Progress) => inRequest(), timeout: 120_000 },
                ) as Promise<ToolAnswer>,
              );
            }),
        ),
      );
      const refused = await rawPost(server.url, INITIALIZE, {});
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('10');
      expect(refused.body).toContain('too many open sessions (sessions of this client address)');
      for (const answer of await Promise.all(waits)) expect(answer.structuredContent?.final).toBe(false);
      // The waits are over: both sessions are idle, so the least recently used one makes room.
      expect((await rawPost(server.url, INITIALIZE, {})).status).toBe(200);
    } finally {
      await first.client.close();
      await second.client.close();
    }
  });
});

/** Resolves when the server closes `socket`, with everything it sent before closing. */
function closedByServer(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  return new Promise((resolve) => socket.once('close', () => resolve(received)));
}

function openSocket(url: string): Promise<Socket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connectSocket({ host: target.hostname, port: Number(target.port) }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('slow clients', () => {
  it('cuts off a trickled body with a 408 and opens no session', async () => {
    const server = await startServer(['--body-timeout', '1']);
    const socket = await openSocket(server.url);
    const closed = closedByServer(socket);
    const host = new URL(server.url).host;
    socket.write(
      `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
        `Accept: application/json, text/event-stream\r\nContent-Length: ${INITIALIZE.length}\r\n\r\n`,
    );
    // One byte every 50 ms, for as long as the server keeps the connection: it never gets the whole body.
    let sent = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed && sent < INITIALIZE.length - 1) socket.write(INITIALIZE[sent++] ?? ' ');
    }, 50);
    try {
      const answer = await closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(answer).toContain('the request body did not arrive within 1 s');
      expect(sent).toBeLessThan(INITIALIZE.length - 1);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
    expect(server.stderr()).not.toContain('HTTP request failed');
  });

  it('cuts off trickled headers', async () => {
    const server = await startServer(['--headers-timeout', '1']);
    const socket = await openSocket(server.url);
    const closed = closedByServer(socket);
    socket.write('POST /mcp HTTP/1.1\r\n');
    let line = 0;
    const trickle = setInterval(() => {
      if (!socket.destroyed) socket.write(`X-Slow-${line++}: 1\r\n`);
    }, 50);
    try {
      // Node closes the connection, with a 408 when it can still send one.
      const answer = await closed;
      expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    } finally {
      clearInterval(trickle);
      socket.destroy();
    }
  });

  it('caps the open connections: one more is closed at once, and a client gets in once some are closed', async () => {
    const server = await startServer(['--max-connections', '3']);
    const held = await Promise.all([1, 2, 3].map(() => openSocket(server.url)));
    const extra = await openSocket(server.url);
    expect(await closedByServer(extra)).toBe('');
    for (const socket of held) socket.destroy();
    // The server counts a connection as closed once it has seen it close: try until it has (a hang is caught by
    // the test's deadline).
    let answer: RawAnswer | undefined;
    while (answer === undefined) answer = await rawPost(server.url, INITIALIZE, {}).catch(() => undefined);
    expect(answer.status).toBe(200);
  });
});
