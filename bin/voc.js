#!/usr/bin/env node
// Entry point for the `voc` command. The TypeScript sources are compiled to dist/ by `npm ci`
// (the `prepare` script); during development `npx tsx src/cli/main.ts` runs them directly.
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { main } = await import('../dist/cli/main.js');
await main(process.argv);
