/**
 * Trains the shipped journey heads (stage, touchpoint) on the labelled multi-domain corpus and
 * measures them leave-one-source-out (train without a source, score on it: what predicts an
 * unseen company):
 *
 *   npx tsx scripts/train-journey-heads.ts [--datasets ../shared/datasets] [--eval-only] [--fields stage,touchpoint]
 *
 * Texts are read in place from ../shared/datasets (models/corpus/journey-labels.jsonl keeps only
 * ids, offsets, hashes and labels). Writes models/heads/{stage,touchpoint}-general.json and
 * docs/eval-journey.md. The abstention threshold is chosen on the pooled leave-one-source-out
 * predictions as the lowest confidence that keeps precision >= 85%, and stored in the head's card.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cachedEncoder } from '../src/models/cache.js';
import { createEncoder, type Encoder } from '../src/models/encoder.js';
import { saveHead, trainHead, type Head } from '../src/models/head.js';
import { classificationReport } from '../src/models/metrics.js';
import { openDatabase } from '../src/store/db.js';
import { loadJourneyCorpus, type CorpusItem } from './corpus/load.js';
import { CORPUS_SOURCES } from './corpus/sources.js';

type Field = 'stage' | 'touchpoint';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

/** What the head sees: the sentence. */
export function headText(it: CorpusItem): string {
  return it.text;
}

export interface Scored {
  gold: string;
  pred: string;
  confidence: number;
  source: string;
}

/** Lowest threshold t with precision >= target over predictions with confidence >= t. */
export function thresholdFor(scored: Scored[], target: number): number {
  const sorted = [...scored].sort((a, b) => b.confidence - a.confidence);
  let ok = 0;
  let best = 1;
  sorted.forEach((s, i) => {
    if (s.pred === s.gold) ok++;
    if (ok / (i + 1) >= target) best = s.confidence;
  });
  return best;
}

async function trainOn(items: CorpusItem[], field: Field, encoder: Encoder, vectors: Map<string, Float32Array>, seed = 7): Promise<Head> {
  const texts = items.map(headText);
  return trainHead(
    texts,
    items.map((i) => i[field]),
    { encoder, vectors: texts.map((t) => vectors.get(t)!), seed, balanced: false, card: { name: `${field}-general` } },
  );
}

async function main(): Promise<void> {
  const datasets = resolve(arg('--datasets', '../shared/datasets'));
  const fields = arg('--fields', 'stage,touchpoint').split(',') as Field[];
  const evalOnly = process.argv.includes('--eval-only');
  const corpus = loadJourneyCorpus(datasets);
  if (!corpus) {
    console.error(`skipped: ${datasets} is absent (the corpus texts are read from there)`);
    return;
  }
  if (corpus.missing.length) console.error(`sources not found: ${corpus.missing.join(', ')}`);
  if (corpus.mismatched) console.error(`${corpus.mismatched} items whose text no longer matches its hash were left out`);
  const items = corpus.items;
  const db = openDatabase('data/eval-embeddings.sqlite');
  const base = await createEncoder({ backend: 'use' });
  const encoder = cachedEncoder(db, base);
  const lines: string[] = [];
  try {
    const texts = [...new Set(items.map(headText))];
    const vecs = await encoder.embed(texts);
    const vectors = new Map(texts.map((t, i) => [t, vecs[i]!]));
    const sources = CORPUS_SOURCES.map((s) => s.name).filter((n) => items.some((i) => i.source === n));
    lines.push(
      '# Journey stage and touchpoint: leave-one-source-out',
      '',
      `Command: \`npx tsx scripts/train-journey-heads.ts\`, run on ${new Date().toISOString().slice(0, 10)} (2-core x86_64, Node ${process.version}). ` +
        `Corpus: ${items.length} real sentences from ${sources.length} sources in ../shared/datasets, each coded by two independent labellers with ../shared/journey-codebook.md and settled by a third reading where they differed (models/corpus/). ` +
        'Each row: a head trained on every other source, scored on this one (text only). Abstained = confidence below the default threshold; it counts as wrong in accuracy.',
      '',
    );
    for (const field of fields) {
      const scored: Scored[] = [];
      const perSource: string[] = [];
      for (const src of sources) {
        const train = items.filter((i) => i.source !== src);
        const test = items.filter((i) => i.source === src);
        const head = await trainOn(train, field, encoder, vectors);
        const preds = await head.predict(test.map(headText), test.map((t) => vectors.get(headText(t))!));
        const s = test.map((t, k) => ({ gold: t[field], pred: preds[k]!.label, confidence: preds[k]!.probs[preds[k]!.label] ?? 0, source: src }));
        scored.push(...s);
        const counts = new Map<string, number>();
        for (const t of test) counts.set(t[field], (counts.get(t[field]) ?? 0) + 1);
        const majority = Math.max(...counts.values()) / test.length;
        const rep = classificationReport(s.map((x) => x.gold), s.map((x) => x.pred));
        perSource.push(`| ${src} | ${test.length} | ${rep.accuracy.toFixed(3)} | ${rep.macroF1.toFixed(3)} | ${majority.toFixed(3)} (${[...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0]}) |`);
        console.error(`${field} ${src}: ${rep.accuracy.toFixed(3)} (majority ${majority.toFixed(3)})`);
      }
      const threshold = thresholdFor(scored, 0.85);
      const all = classificationReport(scored.map((x) => x.gold), scored.map((x) => x.pred));
      const kept = scored.filter((x) => x.confidence >= threshold);
      const precision = kept.filter((x) => x.pred === x.gold).length / Math.max(1, kept.length);
      const abstainAcc = kept.filter((x) => x.pred === x.gold).length / scored.length;
      const counts = new Map<string, number>();
      for (const x of scored) counts.set(x.gold, (counts.get(x.gold) ?? 0) + 1);
      lines.push(
        `## ${field}`,
        '',
        `Pooled over the ${sources.length} held-out sources: **accuracy ${all.accuracy.toFixed(3)}, macro-F1 ${all.macroF1.toFixed(3)}** (always the most common label: ${(Math.max(...counts.values()) / scored.length).toFixed(3)}). ` +
          `Default abstention threshold ${threshold.toFixed(3)} (lowest confidence with precision >= 0.85): precision ${precision.toFixed(3)}, coverage ${(kept.length / scored.length).toFixed(3)}, accuracy with abstentions counted wrong ${abstainAcc.toFixed(3)}.`,
        '',
        '| held-out source | sentences | accuracy | macro-F1 | majority baseline |',
        '|---|---|---|---|---|',
        ...perSource,
        '',
        '| label | precision | recall | F1 | support |',
        '|---|---|---|---|---|',
        ...[...all.perClass]
          .sort((a, b) => b.support - a.support)
          .map((m) => `| ${m.label} | ${m.precision.toFixed(3)} | ${m.recall.toFixed(3)} | ${m.f1.toFixed(3)} | ${m.support} |`),
        '',
      );
      if (!evalOnly) {
        const head = await trainOn(items, field, encoder, vectors);
        head.file.card.notes = [
          ...(head.file.card.notes ?? []),
          `Trained on ${items.length} labelled real sentences from ${sources.join(', ')} (models/corpus/journey-labels.jsonl; licences in scripts/corpus/sources.ts).`,
          `Leave-one-source-out accuracy ${all.accuracy.toFixed(3)}, macro-F1 ${all.macroF1.toFixed(3)}; abstention threshold ${threshold.toFixed(3)} for precision >= 0.85.`,
        ];
        head.file.card.metrics = { ...head.file.card.metrics, abstainBelow: Number(threshold.toFixed(4)), losoAccuracy: all.accuracy, losoMacroF1: all.macroF1 };
        saveHead(head, `models/heads/${field}-general.json`);
        console.error(`wrote models/heads/${field}-general.json`);
      }
    }
    writeFileSync('docs/eval-journey.md', `${lines.join('\n')}\n`);
    console.error('wrote docs/eval-journey.md');
  } finally {
    await base.dispose();
    db.close();
  }
}

if (process.argv[1]?.endsWith('train-journey-heads.ts')) await main();
