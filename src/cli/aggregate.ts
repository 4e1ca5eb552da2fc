import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerAggregate(program: Command): void {
  program
    .command('aggregate')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc aggregate is not implemented yet');
    });
}
