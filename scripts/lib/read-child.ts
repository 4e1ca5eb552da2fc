/**
 * Reads one file with one format's reader, opened as the engine opens it (size limit, encoding,
 * BOM), without preparing or storing anything, and prints a JSON line with counts, seconds and
 * peak RSS: what the reader alone costs. The benchmark uses it for files too large to ingest
 * in a few minutes (a Zendesk export over V8's ~512 MB string limit).
 * Usage: tsx scripts/lib/read-child.ts FORMAT FILE
 */
import { basename, dirname } from 'node:path';
import { Format, SourceConfig } from '../../src/config/pipeline.js';
import { formatModule } from '../../src/ingest/formats.js';
import { openSourceFile } from '../../src/ingest/source-file.js';
import { FileRejected } from '../../src/ingest/types.js';

const [formatArg, path] = process.argv.slice(2);
if (!formatArg || !path) throw new Error('usage: read-child FORMAT FILE');
const format = Format.exclude(['auto']).parse(formatArg);
const module = formatModule(format);
if (!module) throw new Error(`no reader for ${format}`);
const source = SourceConfig.parse({ name: 'bench', kind: module.kind, format, paths: [basename(path)] });
const started = performance.now();
// 2 GB: the default ingest.maxFileBytes.
const opened = await openSourceFile({ absPath: path, relPath: basename(path) }, 'auto', 2_000_000_000);
if (!opened.ok) throw new Error(`refused: ${opened.reason}`);
let records = 0;
let quarantined = 0;
let rejected: string | null = null;
try {
  for await (const ev of module.read({ source, file: opened.file, rootDir: dirname(path), limits: { maxFieldChars: 20_000 } })) {
    if (ev.type === 'record') records++;
    else quarantined++;
  }
} catch (err) {
  if (!(err instanceof FileRejected)) throw err;
  rejected = err.message;
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ records, quarantined, rejected, seconds, recordsPerSecond: records / seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
