import { defineConfig } from 'vitest/config';

// The real-n8n e2e: one file, run alone, with room for installing n8n on a first run (about 5 minutes).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.mts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    reporters: ['verbose'],
  },
});
