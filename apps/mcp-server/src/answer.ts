// How every tool answer is shaped: structured content plus a short text copy, failures as isError
// results with a sentence the model can act on, the sandbox always named, the key never present, and
// no answer larger than MAX_ANSWER_CHARS whatever the arguments.

import { isResellerError } from '@cappi-reseller/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** Hard ceiling on one tool answer, in characters of its JSON. */
export const MAX_ANSWER_CHARS = 100_000;

export const SANDBOX_NOTE = '[sandbox: simulated account, no real money]';

export interface AnswerContext {
  sandbox: boolean;
  /** Strings that must never leave this session (the process's key and the session's own), see outgoing.ts. */
  secrets(): readonly string[];
}

function label(context: AnswerContext, text: string): string {
  return context.sandbox ? `${SANDBOX_NOTE} ${text}` : text;
}

export function ok(context: AnswerContext, structured: Record<string, unknown>, text: string): CallToolResult {
  const content = context.sandbox ? { ...structured, sandbox: true } : structured;
  return finish(context, { content: [{ type: 'text', text: label(context, text) }], structuredContent: content });
}

export function fail(context: AnswerContext, message: string): CallToolResult {
  return finish(context, { content: [{ type: 'text', text: label(context, message) }], isError: true });
}

/** A failure from core (or anything else) as a tool result; core's messages are already sentences. */
export function failWith(context: AnswerContext, error: unknown): CallToolResult {
  if (isResellerError(error)) return fail(context, error.message);
  const message = error instanceof Error ? error.message : String(error);
  return fail(context, `unexpected error: ${message}`);
}

export function sizeOf(result: unknown): number {
  return JSON.stringify(result).length;
}

// The key is scrubbed from every message the session sends (outgoing.ts), this answer included.
function finish(context: AnswerContext, result: CallToolResult): CallToolResult {
  if (sizeOf(result) > MAX_ANSWER_CHARS) {
    return {
      content: [
        {
          type: 'text',
          text: label(
            context,
            `the answer would exceed ${MAX_ANSWER_CHARS} characters; ask for less (a smaller limit).`,
          ),
        },
      ],
      isError: true,
    };
  }
  return result;
}
