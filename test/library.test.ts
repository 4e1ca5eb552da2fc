/**
 * The package entry point: what `import ... from 'voc-pipeline'` gives a user who installed it.
 *
 * - The entry (src/index.ts) exports exactly the documented surface, and runs the whole pipeline
 *   on real fixtures (ingest, analysis with the real encoder, aggregate, exports), then a second
 *   run that finds nothing new and changes nothing (classification: library-classify.test.ts and
 *   analyze-pipeline.test.ts).
 * - package.json's `main`, `types` and `exports` name the files the build config emits for it.
 * - The declarations the build emits (tsc API, declarations only, no type check: a few seconds
 *   instead of the full build's tens) are usable: a consumer file importing 'voc-pipeline' from an
 *   installed copy type-checks, a wrong call is an error (the types are not `any`), and every
 *   package the declarations import is a dependency with types, not a devDependency.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import * as voc from '../src/index.js';
import type { PipelineEvent } from '../src/index.js';
import { makeWorkspace, PROJECT_ROOT, type Workspace } from './helpers/workspace.js';
import { vocInProcess } from './helpers/cli-in-process.js';
import { registerHeatmap } from '../src/cli/heatmap.js';

const PUBLIC_VALUES = [
  'AcceptThemeOptions',
  'AggregateConfig',
  'AnalysisConfig',
  'ClassifyFileOptions',
  'ClassifySettings',
  'DraftCodeframeOptions',
  'EvalOptions',
  'ExitCode',
  'ExportSpec',
  'PipelineConfig',
  'QueueConfig',
  'SourceConfig',
  'SuggestThemesOptions',
  'TRAIN_TASKS',
  'TrainOptions',
  'UserError',
  'acceptTheme',
  'analyze',
  'classify',
  'classifyFile',
  'classifyRows',
  'evaluate',
  'heatmap',
  'ingest',
  'loadPipelineConfig',
  'quotes',
  'runPipeline',
  'suggestThemes',
  'themes',
  'train',
  'writeCodeframeDraft',
];

interface PackageJson {
  name: string;
  main: string;
  types: string;
  exports: Record<string, { types: string; default: string } | string>;
  dependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as PackageJson;

function buildOptions(): ts.ParsedCommandLine {
  const file = join(PROJECT_ROOT, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(file, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (!parsed) throw new Error('cannot read tsconfig.build.json');
  return parsed;
}

describe('the entry point', () => {
  it('exports the documented surface, no more', () => {
    expect(Object.keys(voc).sort()).toEqual(PUBLIC_VALUES);
    for (const name of ['runPipeline', 'classify', 'train', 'ingest', 'analyze']) expect(typeof (voc as Record<string, unknown>)[name]).toBe('function');
  });

  it('is what package.json exports, as the build config emits it', () => {
    const { options } = buildOptions();
    expect(options.declaration).toBe(true);
    expect(options.noEmit).toBe(false);
    const emitted = relative(PROJECT_ROOT, join(options.outDir!, relative(options.rootDir!, join(PROJECT_ROOT, 'src/index.ts'))));
    const js = `./${emitted.replace(/\.ts$/, '.js')}`;
    const dts = `./${emitted.replace(/\.ts$/, '.d.ts')}`;
    expect(pkg.exports['.']).toEqual({ types: dts, default: js });
    expect(pkg.main).toBe(js);
    expect(pkg.types).toBe(dts);
    // bin/voc.js loads the CLI from the same build.
    expect(readFileSync(join(PROJECT_ROOT, 'bin/voc.js'), 'utf8')).toContain(`../${relative(PROJECT_ROOT, options.outDir!)}/cli/main.js`);
  });
});

describe('the emitted declarations', () => {
  let dir: string;
  let dist: string;
  beforeAll(() => {
    mkdirSync(join(PROJECT_ROOT, 'test/.tmp'), { recursive: true });
    // Under the project, so that the installed copy finds zod & co. in its node_modules.
    dir = mkdtempSync(join(PROJECT_ROOT, 'test/.tmp/library-'));
    const installed = join(dir, 'node_modules', pkg.name);
    dist = join(installed, 'dist');
    const { options } = buildOptions();
    const program = ts.createProgram([join(PROJECT_ROOT, 'src/index.ts')], { ...options, outDir: dist, emitDeclarationOnly: true, noCheck: true, sourceMap: false, declarationMap: false });
    const result = program.emit();
    const problems = result.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    if (problems.length) throw new Error(`declaration emit failed:\n${problems.join('\n')}`);
    cpSync(join(PROJECT_ROOT, 'package.json'), join(installed, 'package.json'));
    // The consumer is its own package, so 'voc-pipeline' is not resolved as the project's self-reference.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-check a consumer of the installed package; a wrong call is an error', () => {
    const consumer = join(dir, 'consumer.ts');
    writeFileSync(
      consumer,
      `import { runPipeline, classify, train, PipelineConfig, type RunResult, type Classified } from 'voc-pipeline';
const run: Promise<RunResult> = runPipeline({ config: 'pipeline.yaml', exports: false });
const labels: Promise<Classified[]> = classify(['The box arrived late.']);
const head = train({ task: 'themes', input: 'coded.csv', out: 'models/heads/themes.json' });
const cfg: PipelineConfig = PipelineConfig.parse({});
const threshold: number = cfg.analysis.themes.threshold;
// @ts-expect-error: config is a path or a loaded config
void runPipeline({ config: 42 });
// @ts-expect-error: not a training task
void train({ task: 'colour', out: 'x.json' });
void [run, labels, head, threshold];
`,
    );
    const program = ts.createProgram([consumer], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      types: ['node'],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? relative(dir, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(diagnostics).toEqual([]);
    // Resolved through the exports map to the emitted declarations, not to the sources.
    expect(program.getSourceFiles().map((f) => f.fileName)).toContain(join(dist, 'index.d.ts'));
  });

  it('import only dependencies that bring their types', () => {
    const external = new Set<string>();
    const seen = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const ref of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
        if (ref.fileName.startsWith('.')) walk(resolve(dirname(file), ref.fileName.replace(/\.js$/, '.d.ts')));
        else if (!ref.fileName.startsWith('node:')) external.add(ref.fileName.split('/').slice(0, ref.fileName.startsWith('@') ? 2 : 1).join('/'));
      }
    };
    walk(join(dist, 'index.d.ts'));
    expect(seen.size).toBeGreaterThan(10);
    for (const name of external) {
      const own = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { types?: string; typings?: string; exports?: unknown };
      const typed = Boolean(own.types ?? own.typings) || JSON.stringify(own.exports ?? {}).includes('"types"') || existsSync(join(PROJECT_ROOT, 'node_modules', name, 'index.d.ts'));
      const typesPackage = `@types/${name.replace(/^@([^/]+)\//, '$1__')}`;
      expect({ name, dependency: name in pkg.dependencies && (typed || typesPackage in pkg.dependencies) }).toEqual({ name, dependency: true });
    }
  });
});

describe('the pipeline through the entry point', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = makeWorkspace('voc-library-');
    ws.copy('fixtures/surveys/in-app-feedback.csv');
    ws.copy('fixtures/tickets/social-dms.csv');
    ws.writeConfig(`name: library
database: ${ws.dbPath}
root: ${ws.dir}
outputDir: ${join(ws.dir, 'out')}
sources:
  - name: in-app-feedback
    kind: survey
    format: generic-csv
    paths: fixtures/surveys/in-app-feedback.csv
    mapping: { id: feedback_id, text: comment, score: { field: rating, scale: stars5 }, date: submitted }
    touchpoint: app
  - name: social-dms
    kind: ticket
    format: tickets-csv
    paths: fixtures/tickets/social-dms.csv
    mapping: { id: conversation_id, text: message, date: created_at, channel: platform }
analysis:
  discovery: { enabled: false }
exports:
  - { type: heatmap, rows: stage, cols: theme, metric: pain, out: stage-theme.csv }
`);
  });
  afterAll(() => ws.cleanup());

  it('runs ingest, analysis, aggregate and exports, then finds nothing new', async () => {
    const events: PipelineEvent['type'][] = [];
    const stages: string[] = [];
    const first = await voc.runPipeline({ config: ws.configPath }, { event: (e) => events.push(e.type), stage: (s) => stages.push(s) });
    const t = first.ingest.totals;
    expect(t.read).toBeGreaterThan(30);
    expect(t.read).toBe(t.new + t.updated + t.unchanged + t.duplicate + t.quarantined + t.filtered + t.threaded);
    expect(first.analysis.segmentsAnalysed).toBeGreaterThan(30);
    expect(first.unchanged).toBe(false);
    expect(first.aggregate?.cells).toBeGreaterThan(0);
    expect(first.exports).toEqual([join(ws.dir, 'out', 'stage-theme.csv'), join(ws.dir, 'out', 'report.html')]);
    expect(readFileSync(first.exports[0]!, 'utf8').split('\n')[0]).toMatch(/^stage,label,/);
    expect(stages).toEqual(['ingest', 'analyze', 'aggregate', 'exports']);
    expect(events.filter((e) => e !== 'file')).toEqual(['ingested', 'analysed', 'aggregated', 'exported', 'exported']);

    // The read side: the same numbers voc heatmap prints, and ranked themes and quotes as data.
    const m = voc.heatmap({ config: ws.configPath }, { rows: 'stage', cols: 'theme', where: { kind: 'ticket' } });
    const cli = JSON.parse(await vocInProcess([registerHeatmap], ['heatmap', '--config', ws.configPath, '--where', 'kind=ticket', '--format', 'json'])) as { cells: { row: string; col: string; mentions: number }[] };
    expect(m.cells.length).toBeGreaterThan(0);
    expect(m.cells.map((c) => [c.rowKey, c.colKey, c.mentions])).toEqual(cli.cells.map((c) => [c.row, c.col, c.mentions]));
    const ranked = voc.themes({ config: ws.configPath }, { sort: 'mentions', limit: 3 });
    expect(ranked.length).toBeGreaterThan(0);
    expect(ranked.map((r) => r.mentions)).toEqual([...ranked.map((r) => r.mentions)].sort((a, b) => b - a));
    const found = voc.quotes({ config: ws.configPath }, { sentiment: 'negative', limit: 2 });
    expect(found.length).toBe(2);
    expect(found.every((q) => q.sentiment === 'negative')).toBe(true);

    const second = await voc.runPipeline({ config: voc.loadPipelineConfig(ws.configPath) });
    expect(second.runId).toBeGreaterThan(first.runId);
    expect(second.ingest.totals.new + second.ingest.totals.updated).toBe(0);
    expect(second.analysis.segmentsAnalysed).toBe(0);
    expect(second).toMatchObject({ unchanged: true, aggregate: null, exports: [] });
  });

  it('fails with one line naming the file and key for a bad config', async () => {
    const bad = ws.write('bad.yaml', readFileSync(ws.configPath, 'utf8').replace('discovery: { enabled: false }', 'discovery: { enabled: false }\n  themes: { topK: 0 }'));
    await expect(voc.runPipeline({ config: bad })).rejects.toThrow(new RegExp(`Invalid pipeline config ${bad}:\\n  analysis\\.themes\\.topK: found 0; expected`));
  });
});
