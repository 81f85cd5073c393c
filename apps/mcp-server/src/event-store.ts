// Resumable Streamable HTTP streams: the SSE events of one session, kept in memory and bounded, so that a client whose
// connection dropped in the middle of a call (register_order above all: the order may be placed while nobody listens)
// reconnects with Last-Event-ID and receives the answer it was waiting for, order id included. The SDK's transport
// writes a priming event (an id, a `retry`) at the start of each stream, stores every message through this store and
// replays from it on reconnection.
//
// One store per session: an event id means nothing in another session, so a stranger cannot replay someone else's
// answers by guessing ids, and a session's events go when the session does. The bounds keep a session that streams a
// lot (progress notifications while waiting for an order) from growing without end: the oldest events go first.
import type { EventId, EventStore, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface EventStoreLimits {
  /** Events kept per session. */
  maxEvents: number;
  /** Characters of JSON kept per session. */
  maxChars: number;
}

/** Enough for a few calls' answers and their progress; a tool answer is at most 100,000 characters (answer.ts). */
export const DEFAULT_EVENT_STORE_LIMITS: EventStoreLimits = { maxEvents: 500, maxChars: 1_000_000 };

interface StoredEvent {
  streamId: StreamId;
  message: JSONRPCMessage;
  chars: number;
}

export interface BoundedEventStore extends EventStore {
  /** Always there: the SDK then refuses an unknown id (400) and a second resume of a live stream (409). */
  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined>;
  /** Events and characters held now (for tests and limits). */
  size(): { events: number; chars: number };
}

export function createEventStore(limits: EventStoreLimits = DEFAULT_EVENT_STORE_LIMITS): BoundedEventStore {
  // A Map iterates in insertion order: the first entry is the oldest event.
  const events = new Map<EventId, StoredEvent>();
  let chars = 0;
  let sequence = 0;

  function evictOldest(): void {
    const oldest = events.keys().next();
    if (oldest.done === true) return;
    chars -= events.get(oldest.value)?.chars ?? 0;
    events.delete(oldest.value);
  }

  return {
    async storeEvent(streamId, message) {
      sequence += 1;
      const eventId = `${streamId}/${sequence}`;
      const size = JSON.stringify(message).length;
      events.set(eventId, { streamId, message, chars: size });
      chars += size;
      while (events.size > limits.maxEvents || (chars > limits.maxChars && events.size > 1)) evictOldest();
      return eventId;
    },

    async getStreamIdForEventId(eventId) {
      return events.get(eventId)?.streamId;
    },

    async replayEventsAfter(lastEventId, { send }) {
      const last = events.get(lastEventId);
      if (last === undefined) throw new Error(`event ${lastEventId} is not held (too old, or from another session)`);
      let after = false;
      for (const [eventId, event] of events) {
        if (eventId === lastEventId) {
          after = true;
          continue;
        }
        // Priming events carry no message: the client already has their id, there is nothing to send.
        if (!after || event.streamId !== last.streamId || !isMessage(event.message)) continue;
        await send(eventId, event.message);
      }
      return last.streamId;
    },

    size: () => ({ events: events.size, chars }),
  };
}

function isMessage(message: JSONRPCMessage): boolean {
  return Object.keys(message).length > 0;
}
