import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Limits that catch a hang, not a slow machine: creating and dropping databases on a busy machine took over
    // vitest's 5 s default.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
