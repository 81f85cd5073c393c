// The README's TypeScript examples are code: each ```ts block is compiled as a module of its own, strict and with
// exactOptionalPropertyTypes, against core's source. An example that stops compiling fails here.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1] ?? '');
const dir = mkdtempSync(join(tmpdir(), 'core-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function compile(files: string[]): string[] {
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2023,
    lib: ['lib.es2023.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(packageDir, 'node_modules/@types'), join(packageDir, '../../node_modules/@types')],
    baseUrl: packageDir,
    paths: {
      '@cappi-reseller/core': ['src/index.ts'],
      '@cappi-reseller/core/domain': ['src/domain/index.ts'],
    },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (diagnostic) =>
        `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
    );
}

describe('README examples', () => {
  it('has TypeScript examples to check', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  it('compile, strict and with exactOptionalPropertyTypes', { timeout: 120_000 }, () => {
    // .mts: each block is an ES module (top-level await), as in a program of "type": "module".
    const files = blocks.map((code, index) => {
      const file = join(dir, `example-${index + 1}.mts`);
      writeFileSync(file, code);
      return file;
    });
    expect(compile(files)).toEqual([]);
  });

  it('would notice an example that does not compile, or that only compiles without exactOptionalPropertyTypes', {
    timeout: 120_000,
  }, () => {
    const file = join(dir, 'broken.mts');
    writeFileSync(
      file,
      [
        "import { createResellerClient } from '@cappi-reseller/core';",
        "createResellerClient({ apiKey: 'k', logLevel: 'loud' });",
        'interface Strict { name?: string }',
        'const strict: Strict = { name: undefined };',
        'console.log(strict);',
      ].join('\n'),
    );
    const errors = compile([file]).join('\n');
    expect(errors).toContain('"loud"');
    expect(errors).toContain('exactOptionalPropertyTypes');
  });
});
