/**
 * Progress for long stages: a bar on a terminal, plain log lines in cron or CI (no escape codes in
 * log files), nothing with --quiet.
 */
import cliProgress from 'cli-progress';
import type { PipelineEvent, Reporter } from '../pipeline/reporter.js';

export interface Progress {
  stage(name: string, total?: number): void;
  update(done: number, total?: number): void;
  log(line: string): void;
  done(): void;
}

export function createProgress(opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { stage() {}, update() {}, log() {}, done() {} };
  if (stream.isTTY && !process.env.CI) return barProgress(stream);
  return plainProgress(stream);
}

function stamp(): string {
  return new Date().toISOString().replace('T', ' ').slice(0, 19);
}

function plainProgress(stream: NodeJS.WriteStream): Progress {
  let current = '';
  let lastPrinted = 0;
  return {
    stage(name) {
      current = name;
      stream.write(`${stamp()} ${name}\n`);
    },
    update(done, total) {
      // At most one line every 10 s: enough to see a cron job is alive, few enough to read.
      if (Date.now() - lastPrinted < 10_000) return;
      lastPrinted = Date.now();
      stream.write(`${stamp()} ${current}: ${done}${total ? `/${total}` : ''}\n`);
    },
    log(line) {
      stream.write(`${stamp()} ${line}\n`);
    },
    done() {},
  };
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  let bar: cliProgress.SingleBar | null = null;
  const stop = () => {
    bar?.stop();
    bar = null;
  };
  return {
    stage(name, total) {
      stop();
      bar = new cliProgress.SingleBar(
        { stream, format: `${name.padEnd(10)} [{bar}] {value}/{total} {eta_formatted}`, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0);
    },
    update(done, total) {
      if (!bar) return;
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    log(line) {
      if (bar) stream.write('\n');
      stream.write(`${line}\n`);
    },
    done: stop,
  };
}

/**
 * A library Reporter (src/pipeline/reporter.ts) drawing on a Progress: stages and counts go to the
 * bar or log lines, detail lines are indented, warnings go to stderr, events to `onEvent`.
 */
export function progressReporter(progress: Progress, onEvent?: (event: PipelineEvent) => void): Reporter {
  return {
    stage: (name, total) => progress.stage(name, total),
    progress: (done, total) => progress.update(done, total),
    log: (line) => progress.log(`  ${line}`),
    warn: (message) => void process.stderr.write(`voc: ${message}\n`),
    ...(onEvent ? { event: onEvent } : {}),
  };
}
