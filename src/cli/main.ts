/**
 * The `voc` command line. Each command lives in its own thin file that parses and validates its
 * flags (zod), calls the library and prints. Errors meant for people (UserError) are printed
 * without a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';
import { storageError } from '../store/errors.js';
import { ExitCode, UserError } from '../util/errors.js';
import { TOOL_VERSION } from '../util/version.js';
import { registerIngest } from './ingest.js';
import { registerStatus } from './status.js';
import { registerAnalyze } from './analyze.js';
import { registerClassify } from './classify.js';
import { registerTrain } from './train.js';
import { registerEval } from './eval.js';
import { registerThemes } from './themes.js';
import { registerAggregate } from './aggregate.js';
import { registerHeatmap } from './heatmap.js';
import { registerQuotes } from './quotes.js';
import { registerExport } from './export.js';
import { registerReport } from './report.js';
import { registerRun } from './run.js';
import { registerCodeframe } from './codeframe.js';
import { registerWorker } from './worker.js';

export function buildProgram(): Command {
  const program = new Command('voc')
    .description('Local-first voice-of-customer pipeline: ingest, analyse, aggregate, report.')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .addHelpCommand(true)
    .exitOverride();
  registerRun(program);
  registerWorker(program);
  registerCodeframe(program);
  registerIngest(program);
  registerAnalyze(program);
  registerAggregate(program);
  registerStatus(program);
  registerHeatmap(program);
  registerThemes(program);
  registerQuotes(program);
  registerExport(program);
  registerReport(program);
  registerClassify(program);
  registerTrain(program);
  registerEval(program);
  program.addHelpText('after', () => commandsOverview(program));
  return program;
}

/** Every command with every option, so `voc --help` alone shows the whole surface. */
function commandsOverview(program: Command): string {
  const lines = ['', 'Every command and its options (`voc <command> --help` for details):'];
  const walk = (cmd: Command, prefix: string) => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue;
      const name = `${prefix} ${sub.name()}`;
      const args = sub.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ');
      const options = sub.options.map((o) => o.flags).join(' ');
      lines.push(`  ${[name, args].filter(Boolean).join(' ')}${options ? `  ${options}` : ''}`);
      walk(sub, name);
    }
  };
  walk(program, 'voc');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Commander already printed help or the usage error.
    return err.exitCode;
  }
  if (err instanceof UserError) {
    process.stderr.write(`voc: ${err.message}\n`);
    return err.exitCode;
  }
  const stored = storageError(err, 'the database');
  if (stored) {
    process.stderr.write(`voc: ${stored.message}\n`);
    return stored.exitCode;
  }
  if (err instanceof ZodError) {
    process.stderr.write(`voc: invalid options:\n${err.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`).join('\n')}\n`);
    return ExitCode.Invalid;
  }
  process.stderr.write(`voc: internal error (please report): ${(err as Error)?.stack ?? String(err)}\n`);
  return ExitCode.Internal;
}
