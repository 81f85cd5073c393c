// Bundles the bin into dist/cli.js (plus lazily loaded chunks, e.g. the HTTP transport), and the demo.
// AI clients spawn the server often: one file to read instead of hundreds of modules to resolve.
// The sandbox stays a regular dependency, imported only with --sandbox (it reads its contract from its
// own package folder, and its HTTP server would only slow the default start).
import { readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
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

/**
 * The MCP Apps views (src/apps/views/*.html): each view's script is bundled for the browser and put inline into its
 * HTML, which the server then serves as a ui:// resource. A host's frame loads nothing remote, so nothing may be.
 */
async function viewHtml(name) {
  const views = new URL('../src/apps/views/', import.meta.url);
  const script = await build({
    entryPoints: [fileURLToPath(new URL(`${name}.ts`, views))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  // "</script" inside the code would end the inline script early.
  const code = script.outputFiles[0].text.replaceAll('</script', '<\\/script');
  const template = await readFile(new URL(`${name}.html`, views), 'utf8');
  if (!template.includes('/*VIEW_SCRIPT*/')) throw new Error(`${name}.html has no /*VIEW_SCRIPT*/ placeholder`);
  return template.replace('/*VIEW_SCRIPT*/', () => code);
}

const views = {
  name: 'cappi-views',
  setup(build) {
    build.onResolve({ filter: /^cappi:views$/ }, () => ({ path: 'views', namespace: 'cappi-views' }));
    build.onLoad({ filter: /.*/, namespace: 'cappi-views' }, async () => ({
      contents: `export const orderView = ${JSON.stringify(await viewHtml('order'))};`,
      loader: 'js',
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
  plugins: [withoutAjv, views],
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
});

await build({ ...common, entryPoints: { demo: 'src/demo.ts' }, outdir: 'dist' });
