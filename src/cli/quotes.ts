import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerQuotes(program: Command): void {
  program
    .command('quotes')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc quotes is not implemented yet');
    });
}
