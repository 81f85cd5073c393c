import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  // n8n loads the package as CommonJS, with n8n-workflow's CommonJS build: test against that one too (its
  // ESM build also makes vite complain about missing source maps).
  resolve: { alias: { 'n8n-workflow': require.resolve('n8n-workflow') } },
  test: {
    include: ['test/**/*.test.ts'],
    // Limits that catch a hang, not a slow machine.
    testTimeout: 60_000,
  },
});
