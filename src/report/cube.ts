/**
 * The report's filter cube: counts per cell and per group of documents, so that the page can
 * recompute every heatmap, the journey map, the cards and the quotes for any choice of source,
 * kind, month range and aggregated attribute without a server.
 *
 * Why counts from the prepared facts rather than a SQL GROUP BY: the cells need the theme rollup
 * (a leaf theme counts for its parent too), "unassigned"/"unknown" keys and the attribute
 * normalisation of aggregate/facts.ts. Going through the same pass source as `voc heatmap --where`
 * (aggregate/sources.ts: the fact blocks when current, else the fact stream; both give the same
 * segments with the same values) makes the page's filtered numbers equal to the CLI's by
 * construction (test/report-browser.test.ts checks it in chromium;
 * test/report-cube.test.ts that blocks and stream give the same cube). The segments come once,
 * ordered by document, so distinct documents are counted by the last one seen and memory is
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
import { monthOf, needsAttributes, scopeOf, UNKNOWN } from '../aggregate/facts.js';
import { blockSource, streamSource, type SegmentAccess } from '../aggregate/sources.js';
import { npsBucket } from '../aggregate/metrics.js';
import { buildThemeIndex, type ThemeIndex } from '../aggregate/themes.js';
import { emotionSet } from '../config/emotions.js';
import { attributeOf, loadThemes } from '../store/aggregate.js';
import { cubeAttributes } from './cube-groups.js';
import { EMOTION_CODES } from '../aggregate/emotions.js';
import { streamNpsDocuments } from '../store/report-nps.js';
import type { Db } from '../store/db.js';
import { STAGE_EMOTION, type ReportCube } from './model.js';
import { QuotePool, type Slot } from './cube-quotes.js';

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
  /** Segments per emotion, by EMOTION_CODES code. */
  emo: number[];
}

interface CubeCell {
  /** counts by group */
  accs: (Acc | undefined)[];
  /** the groups with counts, in the order they were first seen */
  groups: number[];
  /** The cell's quote list (none for theme_all). */
  slot: Slot | null;
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
  /** Which source the pass read (aggregate/sources.ts). */
  source: 'blocks' | 'stream';
}

/**
 * `wanted`: the documents whose group the caller needs (the stored quotes'); only they are kept,
 * so memory is bounded by the quotes, not the documents (the facts come ordered by document, so
 * the group of the current one is all the stream itself needs).
 */
export function buildCube(
  db: Db,
  params: Pick<AggregateConfig, 'attributes'> & Partial<Pick<AggregateConfig, 'reportFilterGroups'>>,
  shown: readonly string[],
  wanted: ReadonlySet<number> = new Set(),
  options: { stream?: boolean; maxGroups?: number } = {},
): BuiltCube {
  const index: ThemeIndex = buildThemeIndex(loadThemes(db));
  const scope = scopeOf({}, index);
  // The attributes whose groups fit the budget (cube-groups.ts); their attr x stage matrices are kept either way.
  const split = cubeAttributes(db, params.attributes, options.maxGroups ?? params.reportFilterGroups);
  const dims: Dimension[] = ['source', 'kind', 'month', ...split.kept.map((a): Dimension => `attr:${a}`)];
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
  // A trie over the document's dimension values, so finding a known group allocates nothing.
  type Trie = Map<string, Trie | number>;
  const trie: Trie = new Map();
  const lookup = (seg: SegmentAccess): number => {
    let node = trie;
    for (let i = 0; i < dims.length; i++) {
      const v = seg.values(dims[i]!)[0] ?? UNKNOWN;
      let next = node.get(v);
      if (next === undefined) {
        next = i === dims.length - 1 ? groupOfKey(dims.map((d) => seg.values(d)[0] ?? UNKNOWN)) : new Map();
        node.set(v, next);
      }
      if (typeof next === 'number') return next;
      node = next;
    }
    throw new Error('cube: no dimensions');
  };
  const groupOf = (seg: SegmentAccess): number => {
    if (seg.documentId === lastDoc) return lastGroup;
    const g = lookup(seg);
    if (wanted.has(seg.documentId)) docGroup.set(seg.documentId, g);
    lastDoc = seg.documentId;
    lastGroup = g;
    return g;
  };
  const totals: { seg: number; neg: number; docs: number; lastDoc: number }[] = [];
  const matrices = cubeMatrices(params, shown);
  // Per matrix: row -> column -> cell, and the cells in the order they were first seen (the page's key order).
  const grids = matrices.map(() => new Map<string, Map<string, CubeCell>>());
  const orders = matrices.map((): [string, CubeCell][] => []);
  const emotionSlots = new Map<string, Map<number, Slot>>();
  const seenEmotions = new Set<number>();
  const passDims = [...dims, 'stage' as const, ...matrices.flatMap((m) => [m.rowDim, m.colDim])];
  const source =
    (options.stream ? null : blockSource(db, scope, index, passDims)) ??
    streamSource(db, scope, index, { attributes: needsAttributes(passDims) });
  source.forEach((seg) => {
    const doc = seg.documentId;
    const g = groupOf(seg);
    const t = (totals[g] ??= { seg: 0, neg: 0, docs: 0, lastDoc: -1 });
    const negative = seg.negative;
    t.seg++;
    if (negative) t.neg++;
    if (t.lastDoc !== doc) {
      t.docs++;
      t.lastDoc = doc;
    }
    const codes = seg.emotionCodes;
    for (const code of codes) seenEmotions.add(code);
    const npsScore = seg.scoreScale === 'nps' ? seg.score : null;
    const ss = seg.sentimentScore;
    pool.begin(seg);
    if (codes.length) {
      for (const stage of seg.values('stage')) {
        let byEmotion = emotionSlots.get(stage);
        if (!byEmotion) emotionSlots.set(stage, (byEmotion = new Map()));
        for (let i = 0; i < codes.length; i++) {
          const e = seg.emotions[i]!;
          let slot = byEmotion.get(codes[i]!);
          if (!slot) byEmotion.set(codes[i]!, (slot = pool.slot(STAGE_EMOTION, `${stage}|${e}`)));
          pool.offer(slot, g, seg.emotionScore(e) ?? 0);
        }
      }
    }
    for (let mi = 0; mi < matrices.length; mi++) {
      const m = matrices[mi]!;
      const grid = grids[mi]!;
      for (const r of seg.values(m.rowDim)) {
        let row = grid.get(r);
        if (!row) grid.set(r, (row = new Map()));
        for (const c of seg.values(m.colDim)) {
          let cell = row.get(c);
          if (!cell) {
            const key = `${r}|${c}`;
            row.set(c, (cell = { accs: [], groups: [], slot: m.id === 'theme_all' ? null : pool.slot(m.id, key) }));
            orders[mi]!.push([key, cell]);
          }
          if (cell.slot) pool.offer(cell.slot, g);
          let a = cell.accs[g];
          if (!a) {
            a = cell.accs[g] = { n: 0, k: 0, docs: 0, negDocs: 0, lastDoc: -1, lastNegDoc: -1, ss: 0, sq: 0, nps: [0, 0, 0], emo: [] };
            cell.groups.push(g);
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
          a.ss += ss;
          a.sq += ss * ss;
          for (const code of codes) a.emo[code] = (a.emo[code] ?? 0) + 1;
        }
      }
    }
  });
  // Every emotion the segments show (as emotionsInScope lists them), in the page's order.
  const emotions = emotionSet([...seenEmotions].map((code) => EMOTION_CODES.values[code]!));
  const emotionCode = emotions.map((e) => EMOTION_CODES.of(e));
  // NPS respondents without an analysed comment still count in their group's NPS.
  const npsTotals = new Map<number, [number, number, number]>();
  for (const d of streamNpsDocuments(db, { attributes: split.kept.length > 0 })) {
    const key = dims.map((dim) => {
      if (dim === 'source') return d.sourceName;
      if (dim === 'kind') return d.kind;
      if (dim === 'month') return monthOf(d.createdAt) ?? UNKNOWN;
      return attributeOf(d.attributes, dim.slice(5));
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
    for (const [key, { accs, groups }] of orders[mi]!) {
      out[key] = groups.map((g) => accs[g]!).map((a, i) =>
        trimZeros([groups[i]!, a.n, a.k, a.docs, a.negDocs, r6(a.ss), r6(a.sq), ...a.nps, ...emotionCode.map((code) => a.emo[code] ?? 0)]),
      );
    }
  });
  const cube: ReportCube = {
    dims,
    omitted: split.omitted,
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
  return { cube, docGroup, pool, source: source.kind };
}
