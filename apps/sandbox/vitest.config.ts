import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Limits that catch a hang, not a slow machine: no test here asserts how fast anything runs.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The CLI test spawns the built bin, so build first: a stale dist/ would test old code.
    globalSetup: ['./vitest.global-setup.ts', '@cappi-reseller/test-processes/global-setup'],
  },
});
