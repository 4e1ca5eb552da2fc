/**
 * Builds the labelled journey corpus the repository keeps (no texts): for every sentence the two
 * labellers' agreed value, or the adjudicator's where they differed.
 *
 *   npx tsx scripts/corpus/build.ts --dir DIR --batches 1,2,3,4,5,6 [--out models/corpus/journey-labels.jsonl]
 *
 * Reads DIR/batch-K.jsonl, DIR/labels-{A,B}-batch-K.jsonl and DIR/adjudicated-*.jsonl. An item whose
 * labellers differ on a field and that no adjudication covers is left out (and counted).
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readJsonl, type Label } from './agree.js';

function arg(name: string, dflt?: string): string {
  const i = process.argv.indexOf(name);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  if (dflt === undefined) throw new Error(`missing ${name}`);
  return dflt;
}

const FIELDS = ['stage', 'touchpoint', 'sentiment'] as const;

function main(): void {
  const dir = arg('--dir');
  const out = resolve(arg('--out', 'models/corpus/journey-labels.jsonl'));
  const adjudicated = new Map<string, Label>();
  for (const f of readdirSync(dir).filter((f) => /^adjudicated-.*\.jsonl$/.test(f))) {
    for (const l of readJsonl<Label>(join(dir, f))) adjudicated.set(l.id, l);
  }
  const rows: string[] = [];
  let pending = 0;
  let settled = 0;
  for (const k of arg('--batches').split(',')) {
    const a = join(dir, `labels-A-batch-${k}.jsonl`);
    const b = join(dir, `labels-B-batch-${k}.jsonl`);
    if (!existsSync(a) || !existsSync(b)) throw new Error(`batch ${k}: labels missing`);
    const la = new Map(readJsonl<Label>(a).map((l) => [l.id, l]));
    const lb = new Map(readJsonl<Label>(b).map((l) => [l.id, l]));
    for (const item of readJsonl<Record<string, string>>(join(dir, `batch-${k}.jsonl`))) {
      const x = la.get(item.id!)!;
      const y = lb.get(item.id!)!;
      const adj = adjudicated.get(item.id!);
      const same = (f: (typeof FIELDS)[number]) => x[f] === y[f];
      const themesSame = JSON.stringify([...x.themes].sort()) === JSON.stringify([...y.themes].sort());
      const allSame = FIELDS.every(same) && themesSame;
      if (!allSame && !adj) {
        pending++;
        continue;
      }
      if (!allSame) settled++;
      const final = allSame ? x : adj!;
      const m = /^(.*):([^:]*):(\d+)-(\d+)$/.exec(item.id!)!;
      rows.push(
        JSON.stringify({
          source: item.source,
          doc: m[2],
          start: Number(m[3]),
          end: Number(m[4]),
          hash: item.hash,
          stage: final.stage,
          touchpoint: final.touchpoint,
          sentiment: final.sentiment,
          themes: final.themes,
          agreed: Object.fromEntries([...FIELDS.map((f) => [f, same(f)]), ['themes', themesSame]]),
        }),
      );
    }
  }
  writeFileSync(out, rows.join('\n') + '\n');
  console.log(`${rows.length} items (${settled} settled by adjudication) -> ${out}; ${pending} left out, awaiting adjudication`);
}

main();
