/**
 * Draws the journey corpus's sentences from ../shared/datasets for labelling:
 *
 *   npx tsx scripts/corpus/sample.ts --out DIR [--datasets ../shared/datasets] [--batches 3]
 *
 * Writes DIR/batch-K.jsonl (id, source, domain, title, prev, text): the texts stay outside the
 * repository. A sentence's id is `source:docId:start-end` (offsets into the raw field), and its
 * hash is checked when the labelled corpus is rebuilt (scripts/corpus/load.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { splitSentences } from '../../src/text/sentences.js';
import { mulberry32 } from '../../src/util/random.js';
import { availableSources, textHash } from './sources.js';

/** Sentences drawn per source (about 4,050 in all; generated Bitext text only sparingly). */
export const QUOTAS: Record<string, number> = {
  'airline-tweets': 450,
  'ba-reviews': 650,
  banking77: 350,
  cfpb: 600,
  'nps-telecom': 400,
  comcast: 300,
  twcs: 500,
  'semeval-restaurants': 200,
  'semeval-laptops': 200,
  'uci-amazon': 150,
  'uci-yelp': 150,
  bitext: 100,
};
/** At most this many sentences from one document, so that long reviews do not dominate. */
const PER_DOC = 3;

function arg(name: string, dflt?: string): string {
  const i = process.argv.indexOf(name);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  if (dflt === undefined) throw new Error(`missing ${name}`);
  return dflt;
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function main(): void {
  const datasets = resolve(arg('--datasets', '../shared/datasets'));
  const out = resolve(arg('--out'));
  const batches = Number(arg('--batches', '3'));
  const { sources, missing } = availableSources(datasets);
  if (missing.length) console.error(`skipping sources not found under ${datasets}: ${missing.join(', ')}`);
  const rand = mulberry32(20261201);
  const items: Array<Record<string, string>> = [];
  for (const src of sources) {
    const quota = QUOTAS[src.name] ?? 0;
    let taken = 0;
    for (const doc of shuffle(src.read(datasets), rand)) {
      if (taken >= quota) break;
      const spans = splitSentences(doc.text).filter((s) => /[a-z]{2}/i.test(doc.text.slice(s.start, s.end)));
      const picked = shuffle(spans.map((_, i) => i), rand).slice(0, Math.min(PER_DOC, quota - taken)).sort((a, b) => a - b);
      for (const i of picked) {
        const s = spans[i]!;
        const text = doc.text.slice(s.start, s.end);
        const prev = i > 0 ? doc.text.slice(spans[i - 1]!.start, spans[i - 1]!.end) : '';
        items.push({
          id: `${src.name}:${doc.docId}:${s.start}-${s.end}`,
          hash: textHash(text),
          source: src.name,
          domain: src.domain,
          title: doc.title ?? '',
          prev,
          text,
        });
        taken++;
      }
    }
    console.error(`${src.name}: ${taken}`);
  }
  mkdirSync(out, { recursive: true });
  const mixed = shuffle(items, rand);
  const size = Math.ceil(mixed.length / batches);
  for (let b = 0; b < batches; b++) {
    const part = mixed.slice(b * size, (b + 1) * size);
    writeFileSync(join(out, `batch-${b + 1}.jsonl`), part.map((x) => JSON.stringify(x)).join('\n') + '\n');
  }
  console.error(`${mixed.length} sentences in ${batches} batches under ${out}`);
}

main();
