// Puts a copy of the contract in contract/ so the published package carries it (the sandbox serves and
// validates against it). In the workspace the sandbox reads openapi/ directly; see src/contract.ts.
import { copyFileSync, mkdirSync } from 'node:fs';

const source = new URL('../../../openapi/reseller.openapi.yaml', import.meta.url);
const targetDir = new URL('../contract/', import.meta.url);
mkdirSync(targetDir, { recursive: true });
copyFileSync(source, new URL('reseller.openapi.yaml', targetDir));
