import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';

const CONFIGURED = 'configured-key-0123456789';
const SESSION_KEY = 'session-key-Qm4Vx8Lp2Rt6';

function capture() {
  const lines: string[] = [];
  return { lines, log: createLogger((line) => lines.push(line)) };
}

describe('the log', () => {
  it('scrubs the configured key from every line, a session logger included', () => {
    const { lines, log } = capture();
    log.addSecret(CONFIGURED);
    log.info(`upstream said: bad key ${CONFIGURED}`);
    log.withSecrets([SESSION_KEY]).info(`retrying: ${encodeURIComponent(CONFIGURED)}`);
    expect(lines.join('')).not.toContain(CONFIGURED);
    expect(lines.join('')).toContain('bad key ***');
  });

  it("scrubs a session's key from that session's lines only, and never makes it a secret of the process", () => {
    const { lines, log } = capture();
    const session = log.withSecrets([SESSION_KEY]);
    session.info(`retrying Balance: the API echoed ${SESSION_KEY}`);
    expect(lines[0]).toBe('[cappi-reseller-mcp] retrying Balance: the API echoed ***\n');
    expect(session.secrets()).toContain(SESSION_KEY);
    expect(log.secrets()).not.toContain(SESSION_KEY);
    // Another session's line that happens to hold the same text is left whole.
    log.withSecrets(['other-key-0123456789ab']).info(`link ?ref=${SESSION_KEY}`);
    expect(lines[1]).toContain(`?ref=${SESSION_KEY}`);
  });
});
