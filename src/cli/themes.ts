import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerThemes(program: Command): void {
  program
    .command('themes')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc themes is not implemented yet');
    });
}
