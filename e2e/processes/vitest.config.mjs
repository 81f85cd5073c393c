import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.mjs'],
    // The package's own global setup, as the other suites use it: its registry must reach the workers.
    globalSetup: ['./src/global-setup.mjs'],
  },
});
