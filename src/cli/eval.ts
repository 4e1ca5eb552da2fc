import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc eval is not implemented yet');
    });
}
