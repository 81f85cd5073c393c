// Bundles the bin into dist/cli.js (plus lazily loaded chunks, e.g. the HTTP transport), and the demo.
// AI clients spawn the server often: one file to read instead of hundreds of modules to resolve.
// The sandbox stays a regular dependency, imported only with --sandbox (it reads its contract from its
// own package folder, and its HTTP server would only slow the default start).
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm(new URL('../dist', import.meta.url), { recursive: true, force: true });

// The SDK's Server falls back to an Ajv validator (a large, slow-to-load compiler) when none is given.
// The server passes the SDK's lighter @cfworker/json-schema validator instead, so Ajv is left out.
const withoutAjv = {
  name: 'without-ajv',
  setup(build) {
    build.onResolve({ filter: /validation\/ajv-provider\.js$/ }, () => ({ path: 'ajv-provider', namespace: 'stub' }));
    build.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({
      contents:
        "export class AjvJsonSchemaValidator { constructor() { throw new Error('Ajv is not bundled: pass jsonSchemaValidator'); } }",
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  external: ['@cappi-reseller/sandbox'],
  // Some of the SDK's dependencies are CommonJS and call require(): give the ESM bundle one.
  banner: {
    js: "import { createRequire as __cappiRequire } from 'node:module'; const require = __cappiRequire(import.meta.url);",
  },
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  splitting: true,
  plugins: [withoutAjv],
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
});

await build({ ...common, entryPoints: { demo: 'src/demo.ts' }, outdir: 'dist' });
