// The one scrub of everything a session sends: tool results, resources and their lists, prompts, errors and
// notifications all leave through the transport's send(), so a secret echoed by the upstream in any data (a service
// name, a category, an error text) is replaced there, whatever code produced the message. The secrets are the
// session's own (its context's): a key that one session brought never changes another session's messages.

import { redact } from '@cappi-reseller/core';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { AnswerContext } from './answer.js';

/** Said instead of an answer that held a secret and could not be cleaned without breaking it. */
export const WITHHELD = 'the answer was withheld: it held a secret that could not be removed cleanly';

/** The message with every secret of `secrets` replaced; undefined when it cannot be sent at all. */
export function scrubMessage(message: JSONRPCMessage, secrets: readonly string[]): JSONRPCMessage | undefined {
  const json = JSON.stringify(message);
  const clean = redact(json, secrets);
  if (clean === json) return message;
  try {
    return JSON.parse(clean) as JSONRPCMessage;
  } catch {
    // A secret holding JSON escapes broke the document: an answer becomes an error without the secret; a
    // notification or a request of the server is not sent.
    if ('id' in message && !('method' in message)) {
      return { jsonrpc: '2.0', id: message.id, error: { code: -32603, message: WITHHELD } };
    }
    return undefined;
  }
}

/** Makes every message `transport` sends pass the scrub; call before connecting a server to it. */
export function scrubOutgoing<T extends Transport>(transport: T, context: Pick<AnswerContext, 'secrets'>): T {
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    const clean = scrubMessage(message, context.secrets());
    if (clean !== undefined) await send(clean, options);
  };
  return transport;
}
