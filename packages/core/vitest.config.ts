import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The public API's types (*.test-d.ts): narrowing on error codes, options that take undefined.
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Limits that catch a hang, not a slow machine: no test here asserts how fast anything runs (benchmarks do).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
