import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc export is not implemented yet');
    });
}
