/**
 * Supervised themes on BANKING77 (77 intents): a head trained with `trainHead` (the code behind
 * `voc train themes`) on four fifths, scored on the held-out fifth; then few-shot with 8 examples
 * per intent (nearest-centroid blend chosen on the internal split), scored on the same fifth, with
 * and without the few-shot whitening of the embedding block (its shrinkage was chosen on a validation
 * split: training rows outside the 8-per-intent sample, never the evaluation fifth).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cachedEncoder } from '../../src/models/cache.js';
import { createEncoder } from '../../src/models/encoder.js';
import { trainHead } from '../../src/models/head.js';
import { readLabelled } from '../../src/models/labelled.js';
import { mulberry32, shuffled } from '../../src/models/linear.js';
import { classificationReport } from '../../src/models/metrics.js';
import { openDatabase } from '../../src/store/db.js';
import { SHARED_DATASETS, machineLine } from '../run-sections.js';

export async function run(): Promise<string> {
  const path = join(SHARED_DATASETS, 'banking77', 'train.csv');
  if (!existsSync(path)) return `## Themes (supervised heads)\n\nSkipped: ${path} not found.`;
  const db = openDatabase('data/eval-embeddings.sqlite');
  const base = await createEncoder({ backend: 'use' });
  const encoder = cachedEncoder(db, base);
  try {
    const data = await readLabelled({ input: path, textColumn: 'text', labelColumn: 'category' });
    const labels = data.labels.map((l) => l[0]!);
    let t0 = Date.now();
    const vectors = await encoder.embed(data.texts);
    const embedSeconds = (Date.now() - t0) / 1000;
    const stats = encoder.stats();
    const order = [...shuffled(data.texts.length, mulberry32(7))];
    const test = order.filter((_, i) => i % 5 === 0);
    const train = order.filter((_, i) => i % 5 !== 0);
    const pick = <T>(xs: T[], idx: number[]): T[] => idx.map((i) => xs[i]!);
    const score = async (idx: number[], labelTexts?: Record<string, string[]>, whiten: boolean | 'auto' = 'auto'): Promise<{ acc: number; f1: number; seconds: number }> => {
      const started = Date.now();
      const head = await trainHead(pick(data.texts, idx), pick(labels, idx), { encoder, vectors: pick(vectors, idx), labelTexts, whiten });
      const seconds = (Date.now() - started) / 1000;
      const pred = await head.predict(pick(data.texts, test), pick(vectors, test));
      const r = classificationReport(pick(labels, test), pred.map((p) => p.label));
      return { acc: r.accuracy, f1: r.macroF1, seconds };
    };
    t0 = Date.now();
    const full = await score(train);
    const perLabel = new Map<string, number>();
    const few = train.filter((i) => {
      const n = perLabel.get(labels[i]!) ?? 0;
      perLabel.set(labels[i]!, n + 1);
      return n < 8;
    });
    const fewShot = await score(few);
    // The intent names ("card_arrival" -> "card arrival") as one extra example each, as a codeframe would give.
    const names = Object.fromEntries([...perLabel.keys()].map((l) => [l, [l.replace(/_/g, ' ')]]));
    const fewNamed = await score(few, names);
    const fewPlain = await score(few, undefined, false);
    const fewNamedPlain = await score(few, names, false);
    return [
      '## Themes (supervised heads, BANKING77)',
      '',
      `Command: \`npm run eval -- themes-supervised\` (scripts/eval/themes-supervised.ts), ${new Date().toISOString().slice(0, 10)}, ${machineLine()}.`,
      `Head = multinomial logistic regression on USE-lite embedding + stemmed word unigram/bigram TF-IDF, temperature-calibrated on an internal 20% split, then refitted on all training rows. With fewer than 20 examples per label the embedding is first whitened by the shrunk within-class covariance (automatic; not used for the 4/5 row).`,
      '',
      '| setting | train rows | test rows | accuracy | macro-F1 | train time (s) |',
      '|---|---|---|---|---|---|',
      `| held-out fifth (4/5 train) | ${train.length} | ${test.length} | ${full.acc.toFixed(3)} | ${full.f1.toFixed(3)} | ${full.seconds.toFixed(1)} |`,
      `| few-shot, 8 per intent, no whitening (before) | ${few.length} | ${test.length} | ${fewPlain.acc.toFixed(3)} | ${fewPlain.f1.toFixed(3)} | ${fewPlain.seconds.toFixed(1)} |`,
      `| few-shot, 8 per intent + intent name, no whitening (before) | ${few.length} + 77 | ${test.length} | ${fewNamedPlain.acc.toFixed(3)} | ${fewNamedPlain.f1.toFixed(3)} | ${fewNamedPlain.seconds.toFixed(1)} |`,
      `| few-shot, 8 per intent | ${few.length} | ${test.length} | ${fewShot.acc.toFixed(3)} | ${fewShot.f1.toFixed(3)} | ${fewShot.seconds.toFixed(1)} |`,
      `| few-shot, 8 per intent + intent name (\`labelTexts\`) | ${few.length} + 77 | ${test.length} | ${fewNamed.acc.toFixed(3)} | ${fewNamed.f1.toFixed(3)} | ${fewNamed.seconds.toFixed(1)} |`,
      '',
      `Targets: >= 0.91 (held-out fifth), >= 0.75 (8 per intent). Embedding ${data.texts.length} texts took ${embedSeconds.toFixed(1)} s (cache hits ${stats.hits}, misses ${stats.misses}; the cache is data/eval-embeddings.sqlite).`,
    ].join('\n');
  } finally {
    await base.dispose();
    db.close();
  }
}
