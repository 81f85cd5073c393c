import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The CLI test spawns the built bin, so build first: a stale dist/ would test old code.
    globalSetup: ['./vitest.global-setup.ts'],
  },
});
