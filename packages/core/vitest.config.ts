import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Limits that catch a hang, not a slow machine: no test here asserts how fast anything runs (benchmarks do).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
