/**
 * Runs one ingest in its own process and prints a JSON line with records/s and peak RSS, so the
 * benchmark measures ingest alone (not the parent's memory).
 * Usage: tsx scripts/lib/ingest-child.ts CONFIG.yaml
 */
import { loadPipelineConfig } from '../../src/config/load.js';
import { openDatabase } from '../../src/store/db.js';
import { finishRun, startRun } from '../../src/store/runs.js';
import { ingestPipeline } from '../../src/ingest/engine.js';

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: ingest-child CONFIG');
const { config } = loadPipelineConfig(configPath);
const db = openDatabase(config.database);
const runId = startRun(db, { command: 'bench-ingest', toolVersion: 'bench' });
const started = performance.now();
const report = await ingestPipeline(db, config, runId);
const seconds = (performance.now() - started) / 1000;
finishRun(db, runId, 'ok', report.totals);
const segments = (db.prepare('SELECT COUNT(*) AS n FROM segments').get() as { n: number }).n;
db.close();
process.stdout.write(
  `${JSON.stringify({ ...report.totals, segments, seconds, recordsPerSecond: report.totals.read / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
