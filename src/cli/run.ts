import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc run is not implemented yet');
    });
}
