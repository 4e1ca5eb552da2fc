/**
 * The shipped pipeline configs validate, every section included, and invalid configs are explained
 * by file, key path, value and what is allowed: one parse of the whole file, later sections too.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipelineConfig, parseYamlWith } from '../src/config/load.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { parseAnalysisConfig } from '../src/config/analysis.js';
import { parseAggregateConfig, parseExports } from '../src/config/aggregate.js';
import { PROJECT_ROOT } from './helpers/workspace.js';

const PIPELINES = readdirSync(join(PROJECT_ROOT, 'pipelines')).filter((f) => f.endsWith('.yaml'));

describe('shipped pipeline configs', () => {
  it.each(PIPELINES)('%s validates in every section', (file) => {
    const { config } = loadPipelineConfig(join(PROJECT_ROOT, 'pipelines', file));
    expect(config.sources.length).toBeGreaterThan(0);
    // The sections arrive typed, defaults filled: parsing them again changes nothing.
    expect(parseAnalysisConfig(config.analysis)).toEqual(config.analysis);
    expect(parseAggregateConfig(config.aggregate)).toEqual(config.aggregate);
    expect(parseExports(config.exports)).toEqual(config.exports);
  });

  it('fills every section of a minimal file with the stage defaults', () => {
    const config = PipelineConfig.parse({ name: 'x', sources: [{ name: 'a', kind: 'survey', paths: 'a.csv' }] });
    expect(config.analysis).toEqual(parseAnalysisConfig({}));
    expect(config.aggregate).toEqual(parseAggregateConfig({}));
    expect(config.analysis.themes.threshold).toBe(0.5);
    expect(config.aggregate.report).toBe('report.html');
    expect(config.exports).toEqual([]);
  });

  it('demo.yaml covers every fixture kind', () => {
    const { config } = loadPipelineConfig(join(PROJECT_ROOT, 'pipelines', 'demo.yaml'));
    expect(new Set(config.sources.map((s) => s.kind))).toEqual(new Set(['survey', 'interview', 'ticket']));
  });
});

describe('config errors', () => {
  const parse = (yaml: string) => () => parseYamlWith(yaml, PipelineConfig, 'test config');

  it('names unknown keys, bad enum values and missing keys', () => {
    expect(parse('name: x\nsources:\n  - { name: a, kind: survey, paths: a.csv, formt: auto }\n')).toThrow(/sources\.0: unknown key\(s\) "formt"/);
    expect(parse('name: x\nsources:\n  - { name: a, kind: survey, paths: a.csv, format: excel }\n')).toThrow(
      /sources\.0\.format: found "excel"; expected one of "auto", "generic-csv"/,
    );
    expect(parse('name: x\n')).toThrow(/sources: found nothing \(missing\)/);
    expect(parse('name: x\nsources: [\n')).toThrow(/Cannot parse test config as YAML/);
  });

  it('names the file and the full key path of a mistake in a later section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'voc-cfg-'));
    try {
      const file = join(dir, 'bad.yaml');
      const base = 'name: x\nsources:\n  - { name: a, kind: survey, paths: a.csv }\n';
      const cases: Array<[string, RegExp]> = [
        ['analysis:\n  themes: { threshold: 2 }\n', /^\s+analysis\.themes\.threshold: found 2; expected/m],
        ['aggregate:\n  matrices: [{ rows: stage, cols: stage }]\n', /^\s+aggregate\.matrices\.0: found .*rows and cols must differ/m],
        ['exports:\n  - { type: heatmap, metric: joy, out: x.csv }\n', /^\s+exports\.0\.metric: .*found "joy"/m],
        ['exports:\n  - { type: chart, out: x.png }\n', /^\s+exports\.0\.type: /m],
      ];
      for (const [section, message] of cases) {
        writeFileSync(file, base + section);
        let error: Error | null = null;
        try {
          loadPipelineConfig(file);
        } catch (err) {
          error = err as Error;
        }
        expect(error?.message).toMatch(message);
        expect(error?.message.split('\n')[0]).toBe(`Invalid pipeline config ${file}:`);
        // One line per problem: the heading and this one.
        expect(error?.message.split('\n')).toHaveLength(2);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects duplicate source names', () => {
    const yaml = 'name: x\nsources:\n  - { name: a, kind: survey, paths: a.csv }\n  - { name: a, kind: ticket, paths: b.csv }\n';
    expect(parse(yaml)).toThrow(/sources\.1\.name: .*duplicate source name "a"/);
  });
});
