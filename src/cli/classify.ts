import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc classify is not implemented yet');
    });
}
