import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Slow end-to-end trials (kill -9 in every phase) run with `npm run test:e2e`.
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Model-backed tests load a TF.js graph once per file; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The run's shared vector cache for test files that use test/helpers/shared-encoder.ts.
    globalSetup: ['test/helpers/global-setup.ts'],
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
