/**
 * Agreement between the two labellers of the journey corpus, and the items a third reading must
 * settle:
 *
 *   npx tsx scripts/corpus/agree.ts --dir DIR --batches 1,2 [--disagreements FILE]
 *
 * Reads DIR/batch-K.jsonl and DIR/labels-{A,B}-batch-K.jsonl. Prints per-field agreement and
 * Cohen's kappa; writes the items where stage, touchpoint or sentiment differ (with both labels)
 * for adjudication.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Label {
  id: string;
  stage: string;
  touchpoint: string;
  sentiment: string;
  themes: string[];
}

function arg(name: string, dflt?: string): string {
  const i = process.argv.indexOf(name);
  if (i >= 0 && process.argv[i + 1]) return process.argv[i + 1]!;
  if (dflt === undefined) throw new Error(`missing ${name}`);
  return dflt;
}

export function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function kappa(a: string[], b: string[]): { agreement: number; kappa: number } {
  const n = a.length;
  let same = 0;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (a[i] === b[i]) same++;
    ca.set(a[i]!, (ca.get(a[i]!) ?? 0) + 1);
    cb.set(b[i]!, (cb.get(b[i]!) ?? 0) + 1);
  }
  const po = same / n;
  let pe = 0;
  for (const [k, v] of ca) pe += (v / n) * ((cb.get(k) ?? 0) / n);
  return { agreement: po, kappa: pe === 1 ? 1 : (po - pe) / (1 - pe) };
}

function main(): void {
  const dir = arg('--dir');
  const batches = arg('--batches').split(',');
  const A: Label[] = [];
  const B: Label[] = [];
  const items: Array<Record<string, string>> = [];
  for (const k of batches) {
    const input = readJsonl<Record<string, string>>(join(dir, `batch-${k}.jsonl`));
    const a = new Map(readJsonl<Label>(join(dir, `labels-A-batch-${k}.jsonl`)).map((l) => [l.id, l]));
    const b = new Map(readJsonl<Label>(join(dir, `labels-B-batch-${k}.jsonl`)).map((l) => [l.id, l]));
    for (const it of input) {
      const la = a.get(it.id!);
      const lb = b.get(it.id!);
      if (!la || !lb) throw new Error(`batch ${k}: ${it.id} lacks a label (A: ${!!la}, B: ${!!lb})`);
      A.push(la);
      B.push(lb);
      items.push(it);
    }
  }
  for (const f of ['stage', 'touchpoint', 'sentiment'] as const) {
    const r = kappa(A.map((l) => l[f]), B.map((l) => l[f]));
    console.log(`${f}: agreement ${(r.agreement * 100).toFixed(1)}%, kappa ${r.kappa.toFixed(3)} (n=${A.length})`);
  }
  let jacc = 0;
  let firstSame = 0;
  for (let i = 0; i < A.length; i++) {
    const sa = new Set(A[i]!.themes);
    const sb = new Set(B[i]!.themes);
    const inter = [...sa].filter((t) => sb.has(t)).length;
    const union = new Set([...sa, ...sb]).size;
    jacc += union === 0 ? 1 : inter / union;
    if ((A[i]!.themes[0] ?? '') === (B[i]!.themes[0] ?? '')) firstSame++;
  }
  console.log(`themes: mean Jaccard ${(jacc / A.length).toFixed(3)}, first theme agreement ${((firstSame / A.length) * 100).toFixed(1)}%`);
  const out = arg('--disagreements', '');
  if (out) {
    const lines: string[] = [];
    for (let i = 0; i < A.length; i++) {
      const a = A[i]!;
      const b = B[i]!;
      const diff = (['stage', 'touchpoint', 'sentiment'] as const).filter((f) => a[f] !== b[f]);
      const themesDiffer = JSON.stringify([...a.themes].sort()) !== JSON.stringify([...b.themes].sort());
      if (diff.length === 0 && !themesDiffer) continue;
      lines.push(JSON.stringify({ ...items[i], differ: [...diff, ...(themesDiffer ? ['themes'] : [])], labeller1: { stage: a.stage, touchpoint: a.touchpoint, sentiment: a.sentiment, themes: a.themes }, labeller2: { stage: b.stage, touchpoint: b.touchpoint, sentiment: b.sentiment, themes: b.themes } }));
    }
    writeFileSync(out, lines.join('\n') + '\n');
    console.log(`${lines.length} items with any difference written to ${out}`);
  }
}

if (process.argv[1]?.endsWith('agree.ts')) main();
