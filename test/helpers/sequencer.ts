/**
 * The order test files start in (vitest.config.ts `sequence.sequencer`). Vitest runs the slowest
 * files first once it has recorded their durations (node_modules/.vite/vitest), but a fresh clone,
 * as on CI, has none, and then it keeps the glob order: there a slow file
 * (analyze-pipeline.test.ts) started after a third of the run and the suite ended with one worker
 * busy and the other idle. Without recorded durations, the files below start first, in this order
 * (the heaviest measured, CPU seconds per file, `VOC_TEST_CPU_LOG`, 2026-12-03), then the rest,
 * larger files first. A file missing from the list only starts later; the list decides no result.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const HEAVY_FIRST = [
  'test/library.test.ts',
  'test/analyze-pipeline.test.ts',
  'test/models-head.test.ts',
  'test/run-e2e.test.ts',
  'test/report-browser.test.ts',
  'test/ingest-json-stream.test.ts',
  'test/models-encoder.test.ts',
  'test/models-cli.test.ts',
  'test/analyze-emotion.test.ts',
  'test/ingest-storage-errors.test.ts',
  'test/analyze-zeroshot.test.ts',
  'test/models-sentiment.test.ts',
];

export default class HeavyFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = files.every((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${relativeId(f)}`));
    if (known) return super.sort(files);
    const rank = (f: TestSpecification): number => {
      const i = HEAVY_FIRST.indexOf(relativeId(f));
      return i < 0 ? HEAVY_FIRST.length : i;
    };
    const size = (f: TestSpecification): number => this.ctx.cache.getFileStats(`${f.project.name}:${relativeId(f)}`)?.size ?? 0;
    return [...files].sort((a, b) => rank(a) - rank(b) || size(b) - size(a));
  }
}

function relativeId(f: TestSpecification): string {
  const root = f.project.config.root.replace(/\/$/, '');
  return f.moduleId.startsWith(`${root}/`) ? f.moduleId.slice(root.length + 1) : f.moduleId;
}
