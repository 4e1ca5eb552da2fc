import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc report is not implemented yet');
    });
}
