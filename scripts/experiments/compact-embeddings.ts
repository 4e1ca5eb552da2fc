/**
 * Does int8 (or float16) vector storage change what the analyser answers? (issue 11)
 *
 *   npx tsx scripts/experiments/compact-embeddings.ts
 *
 * Runs the whole analyser (default config: shipped heads, zero-shot, VADER stack, emotions) on the
 * labelled journey corpus (texts read in place from ../shared/datasets) twice per storage setting,
 * with vectors from data/eval-embeddings.sqlite (float32 rows, round-tripped on read): float32
 * against int8 and float16. Prints, per field, how often the answer is the same, and accuracy
 * against the gold labels for stage, touchpoint and sentiment.
 */
import { resolve } from 'node:path';
import { Analyzer, type AnalyzeItem, type SegmentResult } from '../../src/analyze/analyzer.js';
import { loadAnalyzerParts } from '../../src/analyze/models.js';
import { parseAnalysisConfig } from '../../src/config/analysis.js';
import { openDatabase } from '../../src/store/db.js';
import { loadJourneyCorpus } from '../corpus/load.js';

const corpus = loadJourneyCorpus(resolve('../shared/datasets'));
if (!corpus) throw new Error('../shared/datasets is absent');
const items: AnalyzeItem[] = corpus.items.map((it, i) => ({
  doc: { key: String(i), kind: 'survey', sourceName: it.source, channel: null, attributes: {} },
  text: it.text,
  field: null,
}));

async function analyse(storage: 'float32' | 'int8' | 'float16'): Promise<SegmentResult[]> {
  const acfg = parseAnalysisConfig({ discovery: { enabled: false }, embeddings: { storage } });
  const db = openDatabase('data/eval-embeddings.sqlite');
  const parts = await loadAnalyzerParts(acfg, db);
  try {
    const analyzer = await Analyzer.create(acfg, parts);
    const out: SegmentResult[] = [];
    for (let i = 0; i < items.length; i += 256) out.push(...(await analyzer.analyze(items.slice(i, i + 256))).segments);
    process.stderr.write(`${storage}: ${items.length} items, cache ${JSON.stringify(parts.cacheStats())}\n`);
    return out;
  } finally {
    await parts.encoder.dispose();
    db.close();
  }
}

const stage = (s: SegmentResult) => (s.stage?.assigned ? s.stage.id : 'unassigned');
const touchpoint = (s: SegmentResult) => (s.touchpoint?.assigned ? s.touchpoint.id : 'unassigned');
const themes = (s: SegmentResult) => s.themes.map((t) => t.id).sort().join(',');
const emotions = (s: SegmentResult) => s.emotions.map((e) => e.id).sort().join(',');
const sentiment = (s: SegmentResult) => s.sentiment.label;

const base = await analyse('float32');
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const acc = (r: SegmentResult[], f: (s: SegmentResult) => string, gold: (i: number) => string) => r.filter((s, i) => f(s) === gold(i)).length / r.length;
console.log(`| vectors | field | same answer as float32 | accuracy (float32) | accuracy (this) | max |score diff| |`);
console.log(`|---|---|---:|---:|---:|---:|`);
for (const storage of ['int8', 'float16'] as const) {
  const other = await analyse(storage);
  const fields: Array<[string, (s: SegmentResult) => string, ((i: number) => string) | null]> = [
    ['stage', stage, (i) => corpus.items[i]!.stage],
    ['touchpoint', touchpoint, (i) => corpus.items[i]!.touchpoint],
    ['sentiment', sentiment, (i) => corpus.items[i]!.sentiment],
    ['themes', themes, null],
    ['emotions', emotions, null],
  ];
  for (const [name, f, gold] of fields) {
    const same = other.filter((s, i) => f(s) === f(base[i]!)).length / other.length;
    const maxDiff = name === 'sentiment' ? Math.max(...other.map((s, i) => Math.abs(s.sentiment.score - base[i]!.sentiment.score))) : NaN;
    console.log(`| ${storage} | ${name} | ${pct(same)} | ${gold ? pct(acc(base, f, gold)) : '-'} | ${gold ? pct(acc(other, f, gold)) : '-'} | ${Number.isNaN(maxDiff) ? '-' : maxDiff.toFixed(4)} |`);
  }
}
