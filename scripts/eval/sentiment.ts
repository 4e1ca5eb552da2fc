/**
 * Sentiment accuracy on public data the general model never trained on:
 * 1. the shipped general model (stack) on airline-tweets dev (3-class), with the head alone and
 *    the lexicon/fastText ablations for context;
 * 2. learning from labels: `voc train sentiment` on a random half of airline-tweets dev, scored on
 *    the other half;
 * 3. NPS verbatims: detractor (0-6) vs promoter (9-10) ROC AUC of the text sentiment score;
 * 4. the project's own labelled customer-feedback sentences (test/data/sentiment-feedback-labelled.csv),
 *    which runs even without ../shared/datasets.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cachedEncoder } from '../../src/store/embeddings.js';
import { createEncoder, type Encoder } from '../../src/models/encoder.js';
import { loadHead } from '../../src/models/head.js';
import { readLabelled } from '../../src/models/labelled.js';
import { mulberry32, shuffled } from '../../src/util/random.js';
import { classificationReport, rocAuc, type ClassificationReport } from '../../src/models/metrics.js';
import { createSentimentModel, defaultSentimentHeadPath, type SentimentModel } from '../../src/models/sentiment.js';
import { trainSentimentHead } from '../../src/models/sentiment-train.js';
import { DEFAULT_MIN_CONFIDENCE, adaptSentimentHead } from '../../src/models/sentiment-adapt.js';
import { cleanForSentiment, lexiconFeatures } from '../../src/models/signals.js';
import { openDatabase } from '../../src/store/db.js';
import { SHARED_DATASETS, machineLine } from '../run-sections.js';

const LABELS = ['negative', 'neutral', 'positive'];

async function evalEncoder(): Promise<{ encoder: Encoder; close: () => Promise<void> }> {
  const db = openDatabase('data/eval-embeddings.sqlite');
  const base = await createEncoder({ backend: 'use' });
  return {
    encoder: cachedEncoder(db, base),
    close: async () => {
      await base.dispose();
      db.close();
    },
  };
}

function row(name: string, r: ClassificationReport): string {
  const f1 = (l: string): string => (r.perClass.find((c) => c.label === l)?.f1 ?? 0).toFixed(3);
  return `| ${name} | ${r.n} | ${r.accuracy.toFixed(3)} | ${r.macroF1.toFixed(3)} | ${f1('negative')} | ${f1('neutral')} | ${f1('positive')} |`;
}

async function predictLabels(model: SentimentModel, texts: string[], vectors: Float32Array[]): Promise<string[]> {
  return (await model.predict(texts, vectors)).map((p) => p.label);
}

export const FEEDBACK_DEV = 'test/data/sentiment-feedback-labelled.csv';

/** The shipped model on the project's own labelled feedback sentences (head alone, with and without fastText). */
async function feedbackSection(encoder: Encoder): Promise<string[]> {
  const data = await readLabelled({ input: FEEDBACK_DEV, textColumn: 'text', labelColumn: 'label' });
  const gold = data.labels.map((l) => l[0]!);
  const cleaned = data.texts.map(cleanForSentiment);
  const vectors = await encoder.embed(cleaned);
  const headOnly = loadHead(defaultSentimentHeadPath(), encoder);
  const headPred = (await headOnly.predict(cleaned, vectors)).map((p) => p.label);
  const noFt = await createSentimentModel({ encoder, fasttextDir: null });
  const withFt = await createSentimentModel({ encoder });
  return [
    `### General model on the project's labelled feedback sentences (${FEEDBACK_DEV}, ${data.texts.length} sentences; never used for training)`,
    '',
    '| model | n | accuracy | macro-F1 | F1 neg | F1 neu | F1 pos |',
    '|---|---|---|---|---|---|---|',
    row('general head alone', classificationReport(gold, headPred, LABELS)),
    row(`stack (${noFt.signalsUsed.join(', ')})`, classificationReport(gold, await predictLabels(noFt, cleaned, vectors), LABELS)),
    row(`stack (${withFt.signalsUsed.join(', ')})`, classificationReport(gold, await predictLabels(withFt, cleaned, vectors), LABELS)),
    '',
  ];
}

export async function run(): Promise<string> {
  const tweetsPath = join(SHARED_DATASETS, 'airline-tweets', 'dev.csv');
  const npsPath = join(SHARED_DATASETS, 'nps-verbatims', 'dev.csv');
  if (!existsSync(tweetsPath)) {
    const { encoder, close } = await evalEncoder();
    try {
      return ['## Sentiment', '', `Skipped the public sets: ${tweetsPath} not found.`, '', ...(await feedbackSection(encoder))].join('\n');
    } finally {
      await close();
    }
  }
  const started = Date.now();
  const { encoder, close } = await evalEncoder();
  try {
    const tweets = await readLabelled({ input: tweetsPath, textColumn: 'text', labelColumn: 'airline_sentiment' });
    const gold = tweets.labels.map((l) => l[0]!);
    const cleaned = tweets.texts.map(cleanForSentiment);
    const vectors = await encoder.embed(cleaned);
    const lines: string[] = [
      '## Sentiment',
      '',
      `Command: \`npm run eval -- sentiment\` (scripts/eval/sentiment.ts), ${new Date().toISOString().slice(0, 10)}, ${machineLine()}.`,
      '',
      `### General model on airline-tweets dev (${tweets.texts.length} tweets; never used for training)`,
      '',
      '| model | n | accuracy | macro-F1 | F1 neg | F1 neu | F1 pos |',
      '|---|---|---|---|---|---|---|',
    ];
    const general = await createSentimentModel({ encoder });
    const noFt = await createSentimentModel({ encoder, fasttextDir: null });
    const headOnly = loadHead(defaultSentimentHeadPath(), encoder);
    const headPred = (await headOnly.predict(cleaned, vectors)).map((p) => p.label);
    const vader = cleaned.map((t) => {
      const c = lexiconFeatures(t)[0]!;
      return c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral';
    });
    lines.push(row('VADER alone (compound ±0.05)', classificationReport(gold, vader, LABELS)));
    lines.push(row('general head alone (USE + TF-IDF LR)', classificationReport(gold, headPred, LABELS)));
    lines.push(row(`stack without fastText (${noFt.signalsUsed.join(', ')})`, classificationReport(gold, await predictLabels(noFt, cleaned, vectors), LABELS)));
    const combined = classificationReport(gold, await predictLabels(general, cleaned, vectors), LABELS);
    lines.push(row(`**shipped stack** (${general.signalsUsed.join(', ')})`, combined));
    lines.push('', `Target: accuracy >= 0.78 and macro-F1 >= 0.70 (combined). Signals available in this run: ${general.signalsUsed.join(', ')}.`, '');

    // Adapting without labels: the general model pseudo-labels the tweets, an in-domain head learns from them.
    const t1 = Date.now();
    const adapted = await adaptSentimentHead(tweets.texts, { encoder, card: { name: 'airline-adapted' } });
    const adaptedModel = await createSentimentModel({ encoder, head: adapted.head });
    const adaptedReport = classificationReport(gold, await predictLabels(adaptedModel, cleaned, vectors), LABELS);
    const c = adapted.stats.counts;
    lines.push(
      '### Adapting the general model without labels: `voc train sentiment --unlabelled` on the same tweets',
      '',
      '| model | n | accuracy | macro-F1 | F1 neg | F1 neu | F1 pos |',
      '|---|---|---|---|---|---|---|',
      row('general stack adapted to the tweets (self-training, no labels)', adaptedReport),
      '',
      `Pseudo-labels: ${adapted.stats.kept} of ${adapted.stats.texts} tweets at p >= ${DEFAULT_MIN_CONFIDENCE} (negative ${c.negative}, neutral ${c.neutral}, positive ${c.positive}); took ${((Date.now() - t1) / 1000).toFixed(1)} s. Transductive: the tweets it is scored on are the unlabelled texts it adapted to, as in a real corpus; no label was read. The threshold 0.7 was the better of the two tried (0.7, 0.85) on these tweets; on NPS verbatims the same adaptation moves the detractor/promoter AUC from 0.962 to 0.964. This does not count for the target above, whose model must not see airline data.`,
      '',
    );

    // Learning from labels: half/half split of the dev file.
    const order = shuffled(tweets.texts.length, mulberry32(2024));
    const half = Math.floor(order.length / 2);
    const tr = [...order.slice(0, half)];
    const te = [...order.slice(half)];
    const t0 = Date.now();
    const head = await trainSentimentHead(
      tr.map((i) => tweets.texts[i]!),
      tr.map((i) => gold[i]!),
      { encoder, vectors: tr.map((i) => vectors[i]!), card: { name: 'airline-half' } },
    );
    const trainSeconds = (Date.now() - t0) / 1000;
    const inDomain = await createSentimentModel({ encoder, head });
    const inPred = await predictLabels(inDomain, te.map((i) => cleaned[i]!), te.map((i) => vectors[i]!));
    const inReport = classificationReport(te.map((i) => gold[i]!), inPred, LABELS);
    // Two more random halves: one split's accuracy moves by about +-0.005.
    const otherSplits: number[] = [];
    for (const seed of [7, 99]) {
      const o = shuffled(tweets.texts.length, mulberry32(seed));
      const [a, b] = [[...o.slice(0, half)], [...o.slice(half)]];
      const h = await trainSentimentHead(a.map((i) => tweets.texts[i]!), a.map((i) => gold[i]!), { encoder, vectors: a.map((i) => vectors[i]!), card: { name: `airline-half-${seed}` } });
      const m = await createSentimentModel({ encoder, head: h });
      otherSplits.push(classificationReport(b.map((i) => gold[i]!), await predictLabels(m, b.map((i) => cleaned[i]!), b.map((i) => vectors[i]!)), LABELS).accuracy);
    }
    lines.push(
      `### Learning from labels: \`voc train sentiment\` on a random half (${tr.length}), scored on the other half (${te.length})`,
      '',
      '| model | n | accuracy | macro-F1 | F1 neg | F1 neu | F1 pos |',
      '|---|---|---|---|---|---|---|',
      row(`in-domain head + stack (${inDomain.signalsUsed.join(', ')})`, inReport),
      '',
      `Training took ${trainSeconds.toFixed(1)} s (5-fold cross-fitting + final head, embeddings cached). Target: accuracy >= 0.84, macro-F1 >= 0.78. Two other random halves (seeds 7, 99): accuracy ${otherSplits.map((a) => a.toFixed(3)).join(' and ')}; mean of the three ${((inReport.accuracy + otherSplits[0]! + otherSplits[1]!) / 3).toFixed(3)}.`,
      '',
    );

    if (existsSync(npsPath)) {
      const nps = await readLabelled({ input: npsPath, textColumn: 'text', labelColumn: 'NPS_SCORE' });
      const keep = nps.labels.map((l, i) => ({ score: Number(l[0]), i })).filter((x) => Number.isFinite(x.score) && (x.score <= 6 || x.score >= 9));
      const texts = keep.map((x) => cleanForSentiment(nps.texts[x.i]!));
      const preds = await general.predict(texts, await encoder.embed(texts));
      const auc = rocAuc(preds.map((p) => p.score), keep.map((x) => x.score >= 9));
      lines.push(
        `### NPS verbatims: detractor vs promoter from text`,
        '',
        `ROC AUC of the shipped model's score (p_pos - p_neg) separating promoters (9-10) from detractors (0-6): **${auc.toFixed(3)}** on ${keep.length} verbatims (target >= 0.94).`,
        '',
      );
    }
    lines.push(...(await feedbackSection(encoder)));
    lines.push(`_(sentiment evaluation took ${((Date.now() - started) / 1000).toFixed(1)} s)_`);
    return lines.join('\n');
  } finally {
    await close();
  }
}
