import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the slow end-to-end trials in test/e2e/ (CI runs them after `npm test`). */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // The shared vector cache (test/helpers/global-setup.ts), for files that use shared-encoder.ts.
    globalSetup: ['test/helpers/global-setup.ts'],
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
