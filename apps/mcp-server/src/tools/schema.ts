import { z } from 'zod';

/**
 * A tool's input or output schema. tools/list is read into the model's context in every conversation, so
 * two markers zod adds to each schema are left out: `$schema` (draft-07; without it MCP reads 2020-12, and
 * these schemas mean the same in both) and, for outputs, `additionalProperties: false`.
 */
export function toolSchema<T extends z.ZodRawShape>(shape: T) {
  return z.object(shape).meta({ $schema: undefined, additionalProperties: undefined });
}
