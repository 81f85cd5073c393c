// Tool arguments, checked by this server rather than by the SDK. The SDK would refuse bad arguments in zod's words
// ("Too small: expected number to be >=1 at quantity") before a handler runs, so it could never say what the
// service allows; and it silently drops arguments it does not know, so a model could believe it set a `price`.
// Here the SDK registers a schema that accepts any object but shows the strict one in tools/list; each handler
// gets its arguments only after the strict schema passed, and a refusal is one sentence per problem, with the
// names the model sees (contributing/decisions/tool-input.md).
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { CallToolResult, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { fail } from '../answer.js';
import type { ServerContext } from '../context.js';

export type ToolExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/** Explains a refused argument better than its schema can (e.g. a quantity with the service's own limits). */
export type Explain = (
  field: string,
  args: Record<string, unknown>,
  extra: ToolExtra,
) => Promise<string | undefined> | string | undefined;

export interface ToolInput<T extends z.ZodRawShape> {
  /** Registered with the SDK: it parses any object, and tools/list shows the strict schema's JSON Schema. */
  advertised: z.ZodObject;
  strict: z.ZodObject<T, z.core.$strict>;
}

export function toolInput<T extends z.ZodRawShape>(shape: T): ToolInput<T> {
  const strict = z.strictObject(shape);
  const { $schema: _draft, ...jsonSchema } = z.toJSONSchema(strict, { io: 'input', target: 'draft-7' });
  // `$schema: undefined` keeps the SDK's converter from naming draft-07 on every tool (about 50 characters each of
  // tools/list's 6,000): these schemas mean the same under MCP's default, JSON Schema 2020-12.
  return { advertised: z.looseObject({}).meta({ ...jsonSchema, $schema: undefined }), strict };
}

export interface CheckedToolOptions {
  /** Said after the refusal, e.g. "Nothing was placed." */
  nothingDone?: string;
  explain?: Explain;
}

/** The SDK callback of a tool: its handler runs only with arguments the strict schema accepted. */
export function checkedTool<T extends z.ZodRawShape>(
  context: ServerContext,
  name: string,
  input: ToolInput<T>,
  handler: (args: z.output<z.ZodObject<T, z.core.$strict>>, extra: ToolExtra) => Promise<CallToolResult>,
  options: CheckedToolOptions = {},
): (raw: Record<string, unknown>, extra: ToolExtra) => Promise<CallToolResult> {
  return async (raw, extra) => {
    const parsed = input.strict.safeParse(raw);
    if (parsed.success) return handler(parsed.data, extra);
    const sentences = await describeIssues(name, input.strict.shape, raw, parsed.error.issues, options.explain, extra);
    const text = [...sentences, options.nothingDone].filter((part) => part !== undefined).join(' ');
    return fail(context, text);
  };
}

async function describeIssues(
  tool: string,
  shape: z.ZodRawShape,
  args: Record<string, unknown>,
  issues: readonly z.core.$ZodIssue[],
  explain: Explain | undefined,
  extra: ToolExtra,
): Promise<string[]> {
  const sentences: string[] = [];
  const done = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      sentences.push(unknownArguments(tool, shape, args, issue.keys));
      continue;
    }
    const field = String(issue.path[0] ?? '');
    if (done.has(field)) continue; // one sentence per argument, whatever number of checks it failed
    done.add(field);
    const schema = shape[field];
    if (schema === undefined) {
      sentences.push(`${tool}: ${issue.message}.`);
      continue;
    }
    const better = await explain?.(field, args, extra);
    sentences.push(better === undefined ? `${fieldSentence(field, schema, args[field])}.` : `${better}.`);
  }
  return sentences;
}

function unknownArguments(
  tool: string,
  shape: z.ZodRawShape,
  args: Record<string, unknown>,
  keys: readonly string[],
): string {
  const given = keys
    .slice(0, 5)
    .map((key) => `${clip(key, 40)}: ${show(args[key])}`)
    .join(', ');
  const more = keys.length > 5 ? ` and ${keys.length - 5} more` : '';
  const known = Object.keys(shape);
  const takes = known.length === 0 ? 'it takes no arguments' : `its arguments are ${known.join(', ')}`;
  const plural = keys.length === 1 ? 'argument' : 'arguments';
  return `${tool} has no ${plural} ${given}${more}: ${takes}. Call it again without ${keys.length === 1 ? 'it' : 'them'}.`;
}

function fieldSentence(field: string, schema: z.core.$ZodType, value: unknown): string {
  const expected = expectation(schema);
  if (value === undefined) return `${field} is required: give ${expected}`;
  return `${field} must be ${expected} (got ${show(value)})`;
}

/** What a field accepts, in words, read from its schema (so the sentence cannot drift from the check). */
function expectation(schema: z.core.$ZodType): string {
  const inner = schema instanceof z.ZodOptional ? schema.unwrap() : schema;
  if (inner instanceof z.ZodNumber) {
    const noun = inner.isInt ? 'a whole number' : 'a number';
    const min = finite(inner.minValue);
    const max = finite(inner.maxValue);
    if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
    if (min !== undefined) return `${noun} of at least ${min}`;
    if (max !== undefined) return `${noun} of at most ${max}`;
    return noun;
  }
  if (inner instanceof z.ZodString) {
    const min = inner.minLength ?? 0;
    const max = inner.maxLength;
    if (max === null) return min > 0 ? `a text of at least ${min} characters` : 'a text';
    return min > 0 ? `a text of ${min} to ${max} characters` : `a text of at most ${max} characters`;
  }
  if (inner instanceof z.ZodBoolean) return 'true or false';
  if (inner instanceof z.ZodEnum) return `one of ${inner.options.map((option) => JSON.stringify(option)).join(', ')}`;
  return 'a value of the type tools/list gives';
}

function finite(value: number | null): number | undefined {
  return value !== null && Number.isFinite(value) && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;
}

/** A value as a model wrote it, short. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(clip(value, 40));
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
