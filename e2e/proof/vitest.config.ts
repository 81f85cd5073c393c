import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One file at a time: the chaos and double-spend runs measure timeouts on a 2-core machine.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Every process a test starts is in a process group killed after its file, or by the teardown if a worker dies.
    setupFiles: ['@cappi-reseller/test-processes/vitest-setup'],
    globalSetup: ['@cappi-reseller/test-processes/global-setup'],
  },
});
