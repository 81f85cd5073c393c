#!/usr/bin/env node
// Node's compile cache (22.1+) must be on before the bundle is loaded, so the bin is this tiny file:
// the second start of the server skips compiling its JavaScript.
import module from 'node:module';

module.enableCompileCache?.();
await import('../dist/cli.js');
