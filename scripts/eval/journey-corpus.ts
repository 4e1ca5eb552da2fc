/**
 * `npm run eval -- journey-corpus`: stage, touchpoint and cross-industry themes on the labelled
 * multi-domain corpus, leave-one-source-out (train without a source, score on it), per source,
 * with accuracy, macro-F1, precision and coverage at the default abstention threshold and the
 * majority baseline. Evaluation only: the shipped heads are written by scripts/train-journey-heads.ts.
 */
import { journeyReport } from '../train-journey-heads.js';
import { SHARED_DATASETS } from '../run-sections.js';

export async function run(): Promise<string> {
  const lines = await journeyReport({ datasets: SHARED_DATASETS, fields: ['stage', 'touchpoint'], evalOnly: true, themes: true });
  // The report's own title becomes a section of the accuracy report.
  return lines.join('\n').replace(/^# /, '## ');
}
