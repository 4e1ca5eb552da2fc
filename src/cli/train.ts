import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc train is not implemented yet');
    });
}
