import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every process a test starts is in a process group killed after its file, or by the teardown if a worker dies.
    setupFiles: ['@cappi-reseller/test-processes/vitest-setup'],
    globalSetup: ['@cappi-reseller/test-processes/global-setup'],
  },
});
