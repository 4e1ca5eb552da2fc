import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc ingest is not implemented yet');
    });
}
