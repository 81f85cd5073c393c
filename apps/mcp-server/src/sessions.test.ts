import { describe, expect, it } from 'vitest';
import { createSessionTable, RETRY_AFTER_SECONDS, type SessionLimits } from './sessions.js';

const LIMITS: SessionLimits = { maxSessions: 6, maxPerClient: 3, maxPerKey: 2, idleMs: 1_000 };

function table(limits = LIMITS) {
  let clock = 0;
  const closed: string[] = [];
  const sessions = createSessionTable<string>(
    limits,
    (id) => closed.push(id),
    () => clock,
  );
  const open = (id: string, client: string, key?: string) => {
    const admission = sessions.admit(client, key);
    if (admission.admitted) sessions.add(id, id, client, key);
    clock += 1;
    return admission;
  };
  return { sessions, closed, open, advance: (ms: number) => (clock += ms) };
}

describe('the session table', () => {
  it("closes a client's own least recently used idle session when that client reaches its limit", () => {
    const { sessions, closed, open } = table();
    open('legit', '10.0.0.1');
    for (let i = 0; i < 10; i++) expect(open(`stranger-${i}`, '10.0.0.66').admitted).toBe(true);
    expect(sessions.size).toBe(4); // 3 of the stranger's, and the other client's one, untouched
    expect(sessions.get('legit')).toBe('legit');
    expect(closed).toEqual([
      'stranger-0',
      'stranger-1',
      'stranger-2',
      'stranger-3',
      'stranger-4',
      'stranger-5',
      'stranger-6',
    ]);
  });

  it('applies the limit per API key, and the total cap by least recent use', () => {
    const { sessions, closed, open } = table();
    open('a1', '10.0.0.1', 'key-a');
    open('a2', '10.0.0.2', 'key-a');
    open('a3', '10.0.0.3', 'key-a'); // a1 is the key's least recently used
    expect(closed).toEqual(['a1']);
    for (const client of ['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7']) open(`s-${client}`, client);
    expect(sessions.size).toBe(6);
    open('late', '10.0.0.8'); // the cap: a2 is the least recently used of all
    expect(closed).toEqual(['a1', 'a2']);
  });

  it('keeps a used session: using it makes it the most recently used', () => {
    const { closed, open, sessions } = table();
    open('old', '10.0.0.1');
    open('newer', '10.0.0.1');
    sessions.enter('old')();
    open('third', '10.0.0.1');
    open('fourth', '10.0.0.1');
    expect(closed).toEqual(['newer']);
  });

  it('never evicts a session in the middle of a request: refuses with a time to retry when all are', () => {
    const { closed, open, sessions } = table();
    const ends = ['b1', 'b2', 'b3'].map((id) => {
      open(id, '10.0.0.9');
      return sessions.enter(id);
    });
    expect(open('b4', '10.0.0.9')).toEqual({
      admitted: false,
      limit: 'sessions of this client address',
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    });
    expect(closed).toEqual([]);
    ends[1]?.();
    expect(open('b4', '10.0.0.9').admitted).toBe(true);
    expect(closed).toEqual(['b2']);
  });

  it('sweeps sessions idle for longer than the limit, never one in a request', () => {
    const { closed, open, sessions, advance } = table();
    open('idle', '10.0.0.1');
    open('busy', '10.0.0.2');
    const end = sessions.enter('busy');
    advance(5_000);
    sessions.sweep();
    expect(closed).toEqual(['idle']);
    end();
    sessions.sweep();
    expect(closed).toEqual(['idle']); // just used
  });
});
