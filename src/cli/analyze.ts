import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerAnalyze(program: Command): void {
  program
    .command('analyze')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc analyze is not implemented yet');
    });
}
