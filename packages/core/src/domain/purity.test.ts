import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The n8n package copies domain/ verbatim and lints it strictly: no I/O, no Node globals, no outside imports.
const folder = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(folder).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

describe('domain/ stays pure', () => {
  it.each(sources)(
    "%s imports only domain/ files, types of the generated schema and the contract's schemas",
    (name) => {
      const text = readFileSync(`${folder}/${name}`, 'utf8');
      const imports = [...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)];
      for (const [statement, , typeOnly, source] of imports) {
        if (source === '../generated/schema.js') {
          expect(typeOnly, statement).toBeDefined();
        } else if (source === '../generated/contract-schemas.js') {
          // Plain data generated from the contract (no code, no imports); the n8n package copies it too.
        } else {
          expect(source, statement).toMatch(/^\.\/[\w-]+\.js$/);
        }
      }
    },
  );

  it.each(sources)('%s uses no Node globals, timers, fetch or console', (name) => {
    const code = readFileSync(`${folder}/${name}`, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '');
    expect(code).not.toMatch(
      /\b(process|console|fetch|setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|globalThis|require|Buffer|__dirname)\b/,
    );
  });
});
