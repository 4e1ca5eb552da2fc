/**
 * Classification metrics shared by `voc train`, `voc eval` and the eval scripts.
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassMetrics[];
  /** confusion[i][j] = count of gold labels[i] predicted as labels[j]. */
  confusion: number[][];
  labels: string[];
}

export function classificationReport(gold: readonly string[], predicted: readonly string[], labels?: readonly string[]): ClassificationReport {
  const all = labels ? [...labels] : [...new Set([...gold, ...predicted])].sort();
  for (const l of [...gold, ...predicted]) if (!all.includes(l)) all.push(l);
  const pos = new Map(all.map((l, i) => [l, i]));
  const confusion = all.map(() => all.map(() => 0));
  let correct = 0;
  gold.forEach((g, i) => {
    const p = predicted[i]!;
    confusion[pos.get(g)!]![pos.get(p)!]!++;
    if (g === p) correct++;
  });
  const perClass = all.map((label, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[i]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  // Macro-F1 over classes present in the gold labels (a never-seen class should not count as 0).
  const present = perClass.filter((c) => c.support > 0);
  const macroF1 = present.length ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0;
  return { n: gold.length, accuracy: gold.length ? correct / gold.length : 0, macroF1, perClass, confusion, labels: all };
}

/** Area under the ROC curve of `scores` separating positives (true) from negatives; ties count half. */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number {
  const items = scores.map((s, i) => ({ s, p: positive[i]! })).sort((a, b) => a.s - b.s);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < items.length && items[j]!.s === items[i]!.s) j++;
    const avgRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (items[k]!.p) {
      rankSum += avgRank;
      nPos++;
    }
    i = j;
  }
  const nNeg = items.length - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Micro/macro F1 for multi-label predictions (sets of labels). */
export function multiLabelReport(gold: ReadonlyArray<readonly string[]>, predicted: ReadonlyArray<readonly string[]>, labels: readonly string[]): {
  microF1: number;
  macroF1: number;
  exactMatch: number;
  perClass: ClassMetrics[];
} {
  let tpAll = 0;
  let fpAll = 0;
  let fnAll = 0;
  let exact = 0;
  const perClass = labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    gold.forEach((g, i) => {
      const inG = g.includes(label);
      const inP = predicted[i]!.includes(label);
      if (inG && inP) tp++;
      else if (inP) fp++;
      else if (inG) fn++;
    });
    tpAll += tp;
    fpAll += fp;
    fnAll += fn;
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: tp + fn };
  });
  gold.forEach((g, i) => {
    const p = predicted[i]!;
    if (g.length === p.length && g.every((l) => p.includes(l))) exact++;
  });
  const microF1 = 2 * tpAll + fpAll + fnAll ? (2 * tpAll) / (2 * tpAll + fpAll + fnAll) : 0;
  const present = perClass.filter((c) => c.support > 0);
  const macroF1 = present.length ? present.reduce((a, c) => a + c.f1, 0) / present.length : 0;
  return { microF1, macroF1, exactMatch: gold.length ? exact / gold.length : 0, perClass };
}

export function formatReport(r: ClassificationReport): string {
  const width = Math.max(8, ...r.labels.map((l) => l.length));
  const pct = (x: number): string => x.toFixed(3);
  const lines = [
    `examples: ${r.n}   accuracy: ${pct(r.accuracy)}   macro-F1: ${pct(r.macroF1)}`,
    '',
    `${'label'.padEnd(width)}  precision  recall  f1     support`,
    ...r.perClass.map((c) => `${c.label.padEnd(width)}  ${pct(c.precision).padStart(9)}  ${pct(c.recall).padStart(6)}  ${pct(c.f1)}  ${String(c.support).padStart(7)}`),
  ];
  if (r.labels.length <= 12) {
    lines.push('', 'confusion (rows = gold, columns = predicted):');
    const cw = Math.max(6, ...r.labels.map((l) => Math.min(l.length, 12)));
    lines.push(`${''.padEnd(width)}  ${r.labels.map((l) => l.slice(0, 12).padStart(cw)).join(' ')}`);
    r.confusion.forEach((row, i) => lines.push(`${r.labels[i]!.padEnd(width)}  ${row.map((v) => String(v).padStart(cw)).join(' ')}`));
  }
  return lines.join('\n');
}
