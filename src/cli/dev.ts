/** Runs the `voc` CLI from the TypeScript sources: `npx tsx src/cli/dev.ts <command>`. */
import { main } from './main.js';

await main(process.argv);
