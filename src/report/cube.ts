/**
 * The report's filter cube: counts per cell and per group of documents, so that the page can
 * recompute every heatmap, the journey map, the cards and the quotes for any choice of source,
 * kind, month range and aggregated attribute without a server.
 *
 * Why counts from the prepared facts rather than a SQL GROUP BY: the cells need the theme rollup
 * (a leaf theme counts for its parent too), "unassigned"/"unknown" keys and the attribute
 * normalisation of aggregate/facts.ts. Going through the same fact stream (`streamFacts`, `viewOf`)
 * and `dimensionValues` as `voc heatmap --where` makes the page's filtered numbers equal to the
 * CLI's by construction (test/report-filters.test.ts checks it in chromium). The facts are streamed
 * once, ordered by document, so distinct documents are counted by the last one seen and memory is
 * groups x cells, not segments.
 *
 * A group is one combination of the document-level dimensions (source, kind, month, aggregated
 * attributes). Each document is in exactly one group, so distinct documents add up across groups;
 * the cube grows with distinct values times cells, not with segments. The counts are of the
 * facts at report time (as `voc heatmap` reads them), the unfiltered page shows the stored
 * aggregate.
 *
 * The stream also feeds the filtered views' quote candidates (cube-quotes.ts: one per list and
 * group, bounded like the cube). No document -> group map is kept for all documents (it grew to
 * about 20 MB at 250k documents): the current document's group is all the stream needs, and only
 * the stored quotes' documents (`wanted`) are remembered, to stamp those quotes.
 */
import type { AggregateConfig, Dimension } from '../config/aggregate.js';
import { dimensionValues, monthOf, needsAttributes, scopeOf, UNKNOWN, viewOf, type FactView } from '../aggregate/facts.js';
import { npsBucket } from '../aggregate/metrics.js';
import { buildThemeIndex, type ThemeIndex } from '../aggregate/themes.js';
import { emotionSet } from '../config/emotions.js';
import { attributeKey, emotionsInScope, loadThemes, streamFacts } from '../store/aggregate.js';
import { streamNpsDocuments } from '../store/report-nps.js';
import type { Db } from '../store/db.js';
import { STAGE_EMOTION, type ReportCube } from './model.js';
import { QuotePool } from './cube-quotes.js';

/** A cube matrix: its id in the page, and which fact dimension gives the display row and column. */
export interface CubeMatrix {
  id: string;
  rowDim: Dimension;
  colDim: Dimension;
}

/** The shown heatmaps plus the journey (stage x all) and the per-theme totals (theme x all). */
export function cubeMatrices(params: Pick<AggregateConfig, 'attributes'>, shown: readonly string[]): CubeMatrix[] {
  const out: CubeMatrix[] = [
    { id: 'stage_theme', rowDim: 'theme', colDim: 'stage' },
    { id: 'stage_touchpoint', rowDim: 'touchpoint', colDim: 'stage' },
    ...params.attributes.map((a): CubeMatrix => ({ id: `attr:${a}_stage`, rowDim: `attr:${a}`, colDim: 'stage' })),
  ].filter((m) => shown.includes(m.id));
  out.push({ id: 'stage_all', rowDim: 'stage', colDim: 'all' }, { id: 'theme_all', rowDim: 'theme', colDim: 'all' });
  return out;
}

interface Acc {
  n: number;
  k: number;
  docs: number;
  negDocs: number;
  lastDoc: number;
  lastNegDoc: number;
  ss: number;
  sq: number;
  /** promoters, passives, detractors among the cell's documents */
  nps: [number, number, number];
  emo: number[];
}

const npsSlot = (score: number): 0 | 1 | 2 => {
  const b = npsBucket(score);
  return b === 'promoter' ? 0 : b === 'passive' ? 1 : 2;
};

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Trailing zeros (NPS and emotion counts most cells lack) are left out; the page reads them as 0. */
function trimZeros(row: number[]): number[] {
  let end = row.length;
  while (end > 7 && row[end - 1] === 0) end--;
  return row.slice(0, end);
}

export interface BuiltCube {
  cube: ReportCube;
  /** documentId -> group of the `wanted` documents only (the stored quotes'), to give each its filter keys. */
  docGroup: ReadonlyMap<number, number>;
  /** The filtered views' quote candidates: `pool.build` fills cube.quotes and cube.quoteRefs. */
  pool: QuotePool;
}

/**
 * `wanted`: the documents whose group the caller needs (the stored quotes'); only they are kept,
 * so memory is bounded by the quotes, not the documents (the facts come ordered by document, so
 * the group of the current one is all the stream itself needs).
 */
export function buildCube(db: Db, params: Pick<AggregateConfig, 'attributes'>, shown: readonly string[], wanted: ReadonlySet<number> = new Set()): BuiltCube {
  const index: ThemeIndex = buildThemeIndex(loadThemes(db));
  const scope = scopeOf({}, index);
  const dims: Dimension[] = ['source', 'kind', 'month', ...params.attributes.map((a): Dimension => `attr:${a}`)];
  const emotions = emotionSet(emotionsInScope(db, scope));
  const valueSets = dims.map(() => new Set<string>());
  const groupIds = new Map<string, number>();
  const groupKeys: string[][] = [];
  const docGroup = new Map<number, number>();
  const pool = new QuotePool();
  let lastDoc = -1;
  let lastGroup = -1;
  const groupOfKey = (key: string[]): number => {
    const id = key.join('\u0000');
    let g = groupIds.get(id);
    if (g === undefined) {
      groupIds.set(id, (g = groupKeys.length));
      groupKeys.push(key);
      key.forEach((k, i) => valueSets[i]!.add(k));
    }
    return g;
  };
  const groupOf = (v: FactView): number => {
    if (v.fact.documentId === lastDoc) return lastGroup;
    const g = groupOfKey(dims.map((d) => dimensionValues(v, d, index)[0] ?? UNKNOWN));
    if (wanted.has(v.fact.documentId)) docGroup.set(v.fact.documentId, g);
    lastDoc = v.fact.documentId;
    lastGroup = g;
    return g;
  };
  const totals: { seg: number; neg: number; docs: number; lastDoc: number }[] = [];
  const matrices = cubeMatrices(params, shown);
  const accs = matrices.map(() => new Map<string, Map<number, Acc>>());
  const attributes = needsAttributes([...dims, ...matrices.flatMap((m) => [m.rowDim, m.colDim])]);
  for (const fact of streamFacts(db, scope, { attributes })) {
    const v = viewOf(fact, index);
    const doc = fact.documentId;
    const g = groupOf(v);
    const t = (totals[g] ??= { seg: 0, neg: 0, docs: 0, lastDoc: -1 });
    const negative = fact.sentiment === 'negative';
    t.seg++;
    if (negative) t.neg++;
    if (t.lastDoc !== doc) {
      t.docs++;
      t.lastDoc = doc;
    }
    const emo = emotions.map((e) => (fact.emotions.includes(e) ? 1 : 0));
    const npsScore = fact.scoreScale === 'nps' ? fact.score : null;
    const cand = pool.candidate(fact);
    for (const stage of dimensionValues(v, 'stage', index)) {
      for (const e of fact.emotions) pool.offer(STAGE_EMOTION, `${stage}|${e}`, g, cand, fact.emotionScores[e] ?? 0);
    }
    matrices.forEach((m, mi) => {
      for (const r of dimensionValues(v, m.rowDim, index)) {
        for (const c of dimensionValues(v, m.colDim, index)) {
          const key = `${r}|${c}`;
          if (m.id !== 'theme_all') pool.offer(m.id, key, g, cand);
          let byGroup = accs[mi]!.get(key);
          if (!byGroup) accs[mi]!.set(key, (byGroup = new Map()));
          let a = byGroup.get(g);
          if (!a) {
            a = { n: 0, k: 0, docs: 0, negDocs: 0, lastDoc: -1, lastNegDoc: -1, ss: 0, sq: 0, nps: [0, 0, 0], emo: emotions.map(() => 0) };
            byGroup.set(g, a);
          }
          a.n++;
          if (a.lastDoc !== doc) {
            a.docs++;
            a.lastDoc = doc;
            if (npsScore !== null) a.nps[npsSlot(npsScore)]++;
          }
          if (negative) {
            a.k++;
            if (a.lastNegDoc !== doc) {
              a.negDocs++;
              a.lastNegDoc = doc;
            }
          }
          a.ss += fact.sentimentScore;
          a.sq += fact.sentimentScore * fact.sentimentScore;
          emo.forEach((x, i) => (a.emo[i]! += x));
        }
      }
    });
  }
  // NPS respondents without an analysed comment still count in their group's NPS.
  const npsTotals = new Map<number, [number, number, number]>();
  for (const d of streamNpsDocuments(db)) {
    const key = dims.map((dim) => {
      if (dim === 'source') return d.sourceName;
      if (dim === 'kind') return d.kind;
      if (dim === 'month') return monthOf(d.createdAt) ?? UNKNOWN;
      return attributeKey(d.attributes[dim.slice(5)]);
    });
    const g = groupOfKey(key);
    const c = npsTotals.get(g) ?? [0, 0, 0];
    c[npsSlot(d.score)]++;
    npsTotals.set(g, c);
  }
  const values = valueSets.map((s) => [...s].sort());
  const cells: ReportCube['cells'] = {};
  matrices.forEach((m, mi) => {
    const out = (cells[m.id] = Object.create(null) as Record<string, number[][]>);
    for (const [key, byGroup] of accs[mi]!) {
      out[key] = [...byGroup.entries()].map(([g, a]) => trimZeros([g, a.n, a.k, a.docs, a.negDocs, r6(a.ss), r6(a.sq), ...a.nps, ...a.emo]));
    }
  });
  const cube: ReportCube = {
    dims,
    values,
    groups: groupKeys.map((key) => key.map((k, i) => values[i]!.indexOf(k))),
    totals: groupKeys.map((_, g) => {
      const t = totals[g];
      return [t?.seg ?? 0, t?.neg ?? 0, t?.docs ?? 0, ...(npsTotals.get(g) ?? [0, 0, 0])];
    }),
    emotions,
    cells,
    quoteRefs: {},
    quotes: [],
  };
  return { cube, docGroup, pool };
}
