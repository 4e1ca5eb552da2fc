/** Runs the `voc` CLI from the TypeScript sources (tests spawn this with `node --import tsx`). */
import { main } from '../../src/cli/main.js';

await main(process.argv);
