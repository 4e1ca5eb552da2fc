/**
 * Experiment: fusing the journey head with zero-shot scores, and adapting label priors to each
 * held-out source by EM (Saerens et al. 2002), leave-one-source-out.
 *   npx tsx scripts/experiments/journey-fusion.ts [--fields stage,touchpoint]
 */
import { resolve } from 'node:path';
import { ZeroShotClassifier } from '../../src/analyze/zeroshot.js';
import { stems } from '../../src/analyze/lexical.js';
import { parseAnalysisConfig } from '../../src/config/analysis.js';
import { loadCodeframe } from '../../src/config/codeframe.js';
import { cachedEncoder } from '../../src/store/embeddings.js';
import { createEncoder } from '../../src/models/encoder.js';
import { trainHead } from '../../src/models/head.js';
import { classificationReport } from '../../src/models/metrics.js';
import { openDatabase } from '../../src/store/db.js';
import { loadJourneyCorpus } from '../corpus/load.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}
const fields = arg('--fields', 'stage,touchpoint').split(',') as Array<'stage' | 'touchpoint'>;
const opts = JSON.parse(arg('--head-opts', '{"charNgrams":false,"l2":0.0001,"tfidfWeight":0.5}')) as Record<string, unknown>;
const items = loadJourneyCorpus(resolve('../shared/datasets'))!.items;
const db = openDatabase('data/eval-embeddings.sqlite');
const base = await createEncoder({ backend: 'use' });
const enc = cachedEncoder(db, base);
const texts = [...new Set(items.map((i) => i.text))];
const vs = await enc.embed(texts);
const V = new Map(texts.map((t, i) => [t, vs[i]!]));
const zsSettings = parseAnalysisConfig({}).zeroShot;
const sources = [...new Set(items.map((i) => i.source))];

/** EM prior adaptation: p'(y|x) ∝ p(y|x) * π'(y)/π(y), π' re-estimated as the mean posterior. */
function adaptPriors(probs: number[][], train: number[], iters = 20, damp = 1): number[][] {
  let pi = [...train];
  let post = probs;
  for (let it = 0; it < iters; it++) {
    post = probs.map((p) => {
      const q = p.map((v, k) => v * Math.pow(pi[k]! / Math.max(1e-9, train[k]!), damp));
      const s = q.reduce((a, b) => a + b, 0) || 1;
      return q.map((v) => v / s);
    });
    pi = train.map((_, k) => post.reduce((a, p) => a + p[k]!, 0) / post.length);
  }
  return post;
}

for (const field of fields) {
  const cf = loadCodeframe(resolve('pipelines/codeframes', field === 'stage' ? 'journey-stages.yaml' : 'touchpoints.yaml'));
  const zs = await ZeroShotClassifier.build(cf.themes, enc, zsSettings);
  const rows: Array<{ src: string; gold: string; head: number[]; zs: number[] }> = [];
  let labels: string[] = [];
  const trainPriors = new Map<string, number[]>();
  for (const src of sources) {
    const train = items.filter((i) => i.source !== src);
    const test = items.filter((i) => i.source === src);
    const head = await trainHead(train.map((i) => i.text), train.map((i) => i[field]), { ...opts, encoder: base, vectors: train.map((i) => V.get(i.text)!), seed: 7 });
    labels = head.labels;
    trainPriors.set(src, labels.map((l) => train.filter((i) => i[field] === l).length / train.length));
    const p = await head.probabilities(test.map((i) => i.text), test.map((i) => V.get(i.text)!));
    test.forEach((t, k) => {
      const sc = zs.score(V.get(t.text)!, stems(t.text));
      const byId = new Map(sc.map((s) => [s.id, s.relative]));
      rows.push({ src, gold: t[field], head: [...p[k]!], zs: labels.map((l) => byId.get(l) ?? 0) });
    });
  }
  const evalProbs = (name: string, f: (src: string, r: typeof rows) => number[][]) => {
    const gold: string[] = [];
    const pred: string[] = [];
    for (const src of sources) {
      const rs = rows.filter((r) => r.src === src);
      const ps = f(src, rs);
      rs.forEach((r, k) => {
        gold.push(r.gold);
        const p = ps[k]!;
        pred.push(labels[p.indexOf(Math.max(...p))]!);
      });
    }
    const rep = classificationReport(gold, pred);
    console.log(`${field} ${name}: acc ${rep.accuracy.toFixed(3)} macroF1 ${rep.macroF1.toFixed(3)}`);
  };
  const none = labels.indexOf('none');
  const fuse = (r: (typeof rows)[number], w: number) => {
    // zero-shot has no 'none': its mass is spread over the head's non-none share
    const nonNone = 1 - (none >= 0 ? r.head[none]! : 0);
    const q = r.head.map((h, k) => (k === none ? h : Math.pow(h, 1 - w) * Math.pow(r.zs[k]! * nonNone + 1e-6, w)));
    const s = q.reduce((a, b) => a + b, 0);
    return q.map((v) => v / s);
  };
  evalProbs('head', (_s, rs) => rs.map((r) => r.head));
  evalProbs('zero-shot', (_s, rs) => rs.map((r) => r.zs));
  for (const w of [0.1, 0.2, 0.3, 0.5]) evalProbs(`fuse w=${w}`, (_s, rs) => rs.map((r) => fuse(r, w)));
  for (const d of [0.5, 1]) evalProbs(`head+EM damp=${d}`, (s, rs) => adaptPriors(rs.map((r) => r.head), trainPriors.get(s)!, 20, d));
  for (const w of [0.2, 0.3]) evalProbs(`fuse w=${w}+EM`, (s, rs) => adaptPriors(rs.map((r) => fuse(r, w)), trainPriors.get(s)!, 20, 1));
}
await base.dispose();
db.close();
