/**
 * The pipeline's `exports:` list (heatmaps, quotes, report), run by `voc run` after aggregating.
 * Relative paths are under `outputDir`. Unless the list has its own `report` entry, the HTML report
 * is written to `<outputDir>/<aggregate.report>` (default report.html; `report: false` turns it off).
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { latestAggregate } from '../store/aggregate.js';
import { confineOutput } from '../util/paths.js';
import type { ExportSpec } from '../config/aggregate.js';
import type { PipelineConfig } from '../config/pipeline.js';
import type { Db } from '../store/db.js';
import { heatmapExportText, quotesExportText } from './exports.js';
import { writeFileAtomic } from './files.js';
import { writeReport } from './html.js';

export interface ExportResult {
  type: ExportSpec['type'];
  path: string;
  /** Data rows (CSV/JSON) or heatmap cells (report). */
  rows: number;
  bytes: number;
}

type ExportsConfig = Pick<PipelineConfig, 'name' | 'outputDir' | 'aggregate' | 'exports'> & Partial<Pick<PipelineConfig, 'root' | 'allowOutputOutside'>>;

/** Where an export goes: under outputDir, confined to the working directory or the pipeline root. */
export function outPath(config: ExportsConfig, out: string): string {
  const path = isAbsolute(out) ? out : resolve(config.outputDir, out);
  return confineOutput(path, { roots: config.root ? [config.root] : [], allowOutside: config.allowOutputOutside ?? false, what: `export "${out}"` });
}

/** The configured exports plus the default report, in order. */
export function exportSpecs(config: ExportsConfig): ExportSpec[] {
  const specs = [...config.exports];
  const report = config.aggregate.report;
  if (report !== false && !specs.some((s) => s.type === 'report')) specs.push({ type: 'report', out: report });
  return specs;
}

/**
 * Exports that are missing or older than the latest aggregate: after a kill during the exports,
 * or when someone deleted one, they are written again even when no data changed.
 */
export function staleExports(db: Db, config: ExportsConfig): ExportSpec[] {
  const latest = latestAggregate(db);
  if (!latest) return [];
  const made = Date.parse(latest.created_at);
  return exportSpecs(config).filter((spec) => {
    const path = outPath(config, spec.out);
    return !existsSync(path) || statSync(path).mtimeMs < made;
  });
}

export function runExports(db: Db, config: ExportsConfig, only?: readonly ExportSpec[]): ExportResult[] {
  const params = config.aggregate;
  return (only ?? exportSpecs(config)).map((spec): ExportResult => {
    const path = outPath(config, spec.out);
    if (spec.type === 'report') {
      const r = writeReport(db, path, { title: spec.title ?? config.name, params });
      return { type: 'report', path, rows: r.cells, bytes: r.bytes };
    }
    const { text, rows } = spec.type === 'heatmap' ? heatmapExportText(db, spec, params) : quotesExportText(db, spec, spec.format);
    return { type: spec.type, path, rows, bytes: writeFileAtomic(path, text) };
  });
}

/** Runs the configured exports and returns the paths written (what `voc run` prints). */
export function exportsFromConfig(db: Db, config: ExportsConfig, only?: readonly ExportSpec[]): string[] {
  return runExports(db, config, only).map((r) => r.path);
}
