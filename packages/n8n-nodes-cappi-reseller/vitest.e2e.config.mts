import { defineConfig } from 'vitest/config';

// The real-n8n e2e: one file, run alone. n8n is installed before it by its own step (`pnpm n8n:install`, a turbo
// dependency of test:e2e), so no hook waits for an install. Every process it starts is in a process group killed
// at the end, even if the worker dies (the global setup's teardown).
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.mts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
    globalSetup: ['@cappi-reseller/test-processes/global-setup'],
  },
});
