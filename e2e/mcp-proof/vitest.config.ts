import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One file at a time: each one loads a spawned server hard, on a 2-core machine.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    // Every process a test starts is in a process group killed after its file, or by the teardown if a worker dies.
    setupFiles: ['@cappi-reseller/test-processes/vitest-setup'],
    globalSetup: ['@cappi-reseller/test-processes/global-setup'],
  },
});
