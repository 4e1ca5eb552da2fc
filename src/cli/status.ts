import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc status is not implemented yet');
    });
}
