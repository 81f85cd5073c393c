import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** Builds dist/ (and the contract copy) once before the tests, so the spawned CLI runs the code under test. */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const cwd = new URL('.', import.meta.url);
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/copy-contract.mjs'], { cwd, stdio: 'inherit' });
}
