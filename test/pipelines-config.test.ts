/**
 * The shipped pipeline configs validate, every section included, and invalid configs are explained
 * by key, value and what is allowed.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
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
    expect(() => parseAnalysisConfig(config.analysis)).not.toThrow();
    expect(() => parseAggregateConfig(config.aggregate)).not.toThrow();
    expect(() => parseExports(config.exports)).not.toThrow();
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

  it('rejects duplicate source names', () => {
    const yaml = 'name: x\nsources:\n  - { name: a, kind: survey, paths: a.csv }\n  - { name: a, kind: ticket, paths: b.csv }\n';
    expect(parse(yaml)).toThrow(/sources\.1\.name: .*duplicate source name "a"/);
  });
});
