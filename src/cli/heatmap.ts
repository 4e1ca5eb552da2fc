import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

export function registerHeatmap(program: Command): void {
  program
    .command('heatmap')
    .description('(not implemented yet)')
    .action(() => {
      throw new UserError('voc heatmap is not implemented yet');
    });
}
