import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

/** Builds dist/ once before the tests: the processes they start import the built package. */
export default function setup(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
    cwd: new URL('.', import.meta.url),
    stdio: 'inherit',
  });
}
