/** `npm run eval [-- section-filter]`: accuracy report on ../shared/datasets, written to docs/eval.md. */
import { runSections } from './run-sections.js';

await runSections('scripts/eval', 'Accuracy report', 'npm run eval', 'eval.md');
