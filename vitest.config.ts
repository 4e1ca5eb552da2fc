import { defineConfig } from 'vitest/config';
import HeavyFirstSequencer from './test/helpers/sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real-process and slow end-to-end trials (kill -9, signals, sentiment training) run with `npm run test:e2e`.
    exclude: ['test/e2e/**', 'node_modules/**'],
    // Model-backed tests load a TF.js graph once per file; give them room on a 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // Forks, not threads: in-process CLI tests (helpers/cli-in-process.ts) need process.chdir.
    pool: 'forks',
    // Vitest's default on 2 cores is one worker (CPUs - 1): every file in turn. Two files side by
    // side took the suite from ~11 to ~4 minutes here; model tests run their encoder in-process
    // (helpers/shared-encoder.ts), so two workers do not oversubscribe the cores.
    maxWorkers: 2,
    // One module graph per worker, not one per file: each file otherwise imports src/ and its
    // dependencies (TF.js, natural, better-sqlite3, commander) again, 2-5 s a file here, and a
    // measured 221 s suite took 143 s without it. A vi.mock in a file then reaches only modules not yet
    // loaded in that worker, which is why the shared encoder is a set-up file (below). The rule that comes
    // with it: a test puts back what it changes in the process (cwd, exitCode, spies, env), as
    // helpers/cli-in-process.ts does.
    isolate: false,
    // The vector cache shared by the test files that use test/helpers/shared-encoder.ts.
    globalSetup: ['test/helpers/global-setup.ts'],
    // Every file gets the shared encoder (helpers/setup-shared-encoder.ts says why: isolate is false);
    // VOC_TEST_CPU_LOG=<file>: CPU time per test file (helpers/cpu-log.ts), nothing when unset.
    setupFiles: ['test/helpers/setup-shared-encoder.ts', 'test/helpers/cpu-log.ts'],
    // Slowest files first on a fresh clone too, before vitest has recorded durations (helpers/sequencer.ts).
    sequence: { sequencer: HeavyFirstSequencer },
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
