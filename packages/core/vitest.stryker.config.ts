import { defineConfig } from 'vitest/config';

// Mutation testing runs the domain's own unit tests: they are what must notice a change to the domain
// (the client and sandbox suites are slower and test other layers).
export default defineConfig({
  test: {
    include: ['src/domain/**/*.test.ts'],
    testTimeout: 60_000,
    // Property tests run once per mutant: fewer cases each (the hand-written cases still pin the edges).
    env: { CAPPI_PROPERTY_RUNS: '25' },
  },
});
