/** `npm run bench [-- section-filter]`: speed and memory report, written to docs/bench.md. */
import { runSections } from './run-sections.js';

await runSections('scripts/bench', 'Speed and memory report', 'npm run bench', 'bench.md');
