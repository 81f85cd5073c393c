import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { createEventStore } from './event-store.js';

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/progress', params: { n } });
const PRIMING = {} as JSONRPCMessage; // what the SDK stores for a priming event

async function replay(store: ReturnType<typeof createEventStore>, after: string) {
  const sent: [string, JSONRPCMessage][] = [];
  const streamId = await store.replayEventsAfter(after, {
    send: async (id, message) => {
      sent.push([id, message]);
    },
  });
  return { streamId, sent };
}

describe('the bounded event store', () => {
  it('replays the events of the same stream after the given one, without priming events', async () => {
    const store = createEventStore();
    const primed = await store.storeEvent('a', PRIMING);
    await store.storeEvent('b', note(0));
    const first = await store.storeEvent('a', note(1));
    await store.storeEvent('a', note(2));
    const { streamId, sent } = await replay(store, primed);
    expect(streamId).toBe('a');
    expect(sent.map(([, message]) => message)).toEqual([note(1), note(2)]);
    expect((await replay(store, first)).sent.map(([, message]) => message)).toEqual([note(2)]);
    expect(await store.getStreamIdForEventId(first)).toBe('a');
  });

  it('keeps at most maxEvents, the oldest going first', async () => {
    const store = createEventStore({ maxEvents: 3, maxChars: 1_000_000 });
    const ids = [];
    for (let n = 0; n < 5; n += 1) ids.push(await store.storeEvent('a', note(n)));
    expect(store.size().events).toBe(3);
    expect(await store.getStreamIdForEventId(ids[1] as string)).toBeUndefined();
    await expect(replay(store, ids[0] as string)).rejects.toThrow('is not held');
    expect((await replay(store, ids[2] as string)).sent).toHaveLength(2);
  });

  it('keeps at most maxChars of JSON', async () => {
    const store = createEventStore({ maxEvents: 1_000, maxChars: 500 });
    for (let n = 0; n < 50; n += 1) await store.storeEvent('a', note(n));
    expect(store.size().chars).toBeLessThanOrEqual(500);
    expect(store.size().events).toBeGreaterThan(0);
  });

  it('an id of another store (another session) is unknown here', async () => {
    const mine = createEventStore();
    const theirs = createEventStore();
    await mine.storeEvent('s', note(1));
    const foreign = await theirs.storeEvent('t', note(2));
    expect(await mine.getStreamIdForEventId(foreign)).toBeUndefined();
  });
});
