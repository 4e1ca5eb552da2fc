/**
 * Experiment: does document context help the journey heads leave-one-source-out?
 *   npx tsx scripts/experiments/journey-context.ts [--fields stage,touchpoint] [--variants s,sd,sn,sdn]
 * Features: s = the sentence's embedding; d = mean embedding of its document's sentences (weight
 * --dw); n = mean of the previous and next sentence (weight --nw). Prints pooled LOSO accuracy.
 */
import { resolve } from 'node:path';
import { cachedEncoder } from '../../src/store/embeddings.js';
import { createEncoder } from '../../src/models/encoder.js';
import { trainHead } from '../../src/models/head.js';
import { classificationReport } from '../../src/models/metrics.js';
import { openDatabase } from '../../src/store/db.js';
import { splitSentences } from '../../src/text/sentences.js';
import { loadJourneyCorpus, type CorpusItem } from '../corpus/load.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const fields = arg('--fields', 'stage,touchpoint').split(',') as Array<'stage' | 'touchpoint'>;
const variants = arg('--variants', 's,sd,sn,sdn').split(',');
const dw = Number(arg('--dw', '0.5'));
const nw = Number(arg('--nw', '0.5'));
const tw = Number(arg('--tw', '0.5'));
const frac = Number(arg('--frac', '1'));
const opts = JSON.parse(arg('--head-opts', '{"charNgrams":false,"l2":0.0001,"tfidfWeight":0.5}')) as Record<string, unknown>;

const corpus = loadJourneyCorpus(resolve('../shared/datasets'))!;
const items = corpus.items;
const db = openDatabase('data/eval-embeddings.sqlite');
const base = await createEncoder({ backend: 'use' });
const enc = cachedEncoder(db, base);
const docs = new Map<string, { text: string; spans: Array<{ start: number; end: number }> }>();
for (const it of items) {
  const k = `${it.source}\u0000${it.doc}`;
  if (!docs.has(k)) docs.set(k, { text: it.docText, spans: splitSentences(it.docText) });
}
const allTexts = new Set<string>();
for (const d of docs.values()) for (const s of d.spans) allTexts.add(d.text.slice(s.start, s.end));
for (const it of items) {
  allTexts.add(it.text);
  if (it.title) allTexts.add(it.title);
}
const list = [...allTexts];
const t0 = Date.now();
const vecs = await enc.embed(list);
console.error(`embedded ${list.length} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
const V = new Map(list.map((t, i) => [t, vecs[i]!]));
const dim = vecs[0]!.length;

function mean(vs: Float32Array[]): Float32Array {
  const m = new Float32Array(dim);
  if (!vs.length) return m;
  for (const v of vs) for (let j = 0; j < dim; j++) m[j]! += v[j]! / vs.length;
  let n = 0;
  for (let j = 0; j < dim; j++) n += m[j]! * m[j]!;
  n = Math.sqrt(n) || 1;
  for (let j = 0; j < dim; j++) m[j]! /= n;
  return m;
}

function features(it: CorpusItem, variant: string): Float32Array {
  const d = docs.get(`${it.source}\u0000${it.doc}`)!;
  const sv = d.spans.map((s) => V.get(d.text.slice(s.start, s.end))!);
  const idx = d.spans.findIndex((s) => s.start === it.start && s.end === it.end);
  const parts: Float32Array[] = [V.get(it.text)!];
  if (variant.includes('d')) parts.push(mean(sv).map((x) => x * dw));
  if (variant.includes('t')) parts.push(it.title ? V.get(it.title)!.map((x) => x * tw) : new Float32Array(dim));
  if (variant.includes('n')) parts.push(mean([sv[idx - 1], sv[idx + 1]].filter((x): x is Float32Array => !!x)).map((x) => x * nw));
  const out = new Float32Array(parts.length * dim);
  parts.forEach((p, k) => out.set(p, k * dim));
  return out;
}

const sources = [...new Set(items.map((i) => i.source))];
for (const field of fields) {
  for (const variant of variants) {
    const F = new Map(items.map((it) => [it, features(it, variant)]));
    const gold: string[] = [];
    const pred: string[] = [];
    const perSrc: string[] = [];
    for (const src of sources) {
      const train = items.filter((i, k) => i.source !== src && ((k * 2654435761) % 1000) / 1000 < frac);
      const test = items.filter((i) => i.source === src);
      const head = await trainHead(train.map((i) => i.text), train.map((i) => i[field]), { ...opts, encoder: base, vectors: train.map((i) => F.get(i)!), seed: 7 });
      const p = await head.predict(test.map((i) => i.text), test.map((i) => F.get(i)!));
      let ok = 0;
      test.forEach((t, k) => {
        gold.push(t[field]);
        pred.push(p[k]!.label);
        if (p[k]!.label === t[field]) ok++;
      });
      perSrc.push(`${src}:${(ok / test.length).toFixed(2)}`);
    }
    const r = classificationReport(gold, pred);
    console.log(`${field} ${variant} dw=${dw} nw=${nw}: acc ${r.accuracy.toFixed(3)} macroF1 ${r.macroF1.toFixed(3)} | ${perSrc.join(' ')}`);
  }
}
await base.dispose();
db.close();
