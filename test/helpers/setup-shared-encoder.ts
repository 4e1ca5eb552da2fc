/**
 * A vitest set-up file (vitest.config.ts `setupFiles`): every test file gets the shared encoder
 * (helpers/shared-encoder.ts: one real encoder per spec and worker, vectors cached for the run).
 *
 * It is here, not in each model-backed file, because the suite runs with `isolate: false`: one
 * module graph per worker. A `vi.mock` of src/models/encoder.js in a test file reaches only the
 * modules that file imports first; when an earlier file in the same worker had already loaded,
 * say, src/analyze/models.js with the real encoder bound, the mock did not reach it, and the later
 * file loaded real encoders and embedded every codeframe text again. Measured: analyze-pipeline.test.ts
 * alone 13 s of CPU, after ingest-engine.test.ts in the same worker 94 s; which files met which
 * depended on the order, so the suite's time varied from run to run. Mocked here, the first load
 * in every worker is the shared one.
 *
 * Files that test the encoder itself (loading, threads, dispose) take the real module with
 * `vi.unmock('../src/models/encoder.js')` (models-encoder.test.ts, models-transformers.test.ts).
 * The encoders stay loaded for the worker's life (one load per worker, not per file); the worker
 * process ends after its last file.
 */
import { vi } from 'vitest';

vi.mock('../../src/models/encoder.js', async (importOriginal) => (await import('./shared-encoder.js')).sharedEncoderModule(await importOriginal()));
