/**
 * The shapes of the report's embedded data: what src/report/data.ts builds on the server and the
 * browser code (src/report/client/) reads. Pure types with no imports, so the client's DOM
 * tsconfig can check against the very same interfaces without pulling in node or SQLite types.
 * Short property names keep the embedded JSON small.
 */

/** The aggregate settings the page shows and uses (a subset of AggregateConfig). */
export interface ReportParams {
  minVolume: number;
  anomalyZ: number;
  trailingMonths: number;
  priorStrength: number;
  attributes: string[];
}

/** Per source and kind: documents, analysed comments and date span. */
export interface ReportSource {
  source_name: string;
  kind: string;
  documents: number;
  segments: number;
  first: string | null;
  last: string | null;
}

export interface ReportKey {
  key: string;
  label: string;
  depth: number;
}

/** One heatmap cell; shares in [0,1], series = negative mentions per month. */
export interface ReportCell {
  r: string;
  c: string;
  mentions: number;
  docs: number;
  negative: number;
  negShare: number;
  wLow: number;
  wHigh: number;
  sentiment: number;
  pain: number;
  nps: number | null;
  npsImpact: number | null;
  meanScore: number | null;
  scoreScale: string | null;
  prevPain: number | null;
  z: number | null;
  anomaly: boolean;
  latest: number | null;
  baseline: number | null;
  series: number[];
  /** Negative mentions per 100 documents (documents with one, over all in scope) and its 95% interval. */
  per100: number;
  p100Low: number;
  p100High: number;
  sLow: number;
  sHigh: number;
  /** Emotions shown by at least one of the cell's segments, highest share first. */
  emo: { id: string; share: number; low: number; high: number; n: number }[];
}

export interface ReportMatrix {
  id: string;
  title: string;
  /** Display rows/cols: stages run left to right across the top. */
  rowDim: string;
  colDim: string;
  rows: ReportKey[];
  cols: ReportKey[];
  cells: ReportCell[];
}

export interface ReportQuote {
  kind: 'typical' | 'negative';
  text: string;
  documentId: number;
  externalId: string | null;
  source: string;
  locator: string;
  createdAt: string | null;
  charStart: number;
  charEnd: number;
  sentiment: number;
  /** The cube group of the quote's document (-1: none), so a filtered page keeps only its own quotes. */
  g: number;
}

/** An emotion's share of a stage's segments. */
export interface JourneyEmotion {
  share: number;
  low: number;
  high: number;
  segments: number;
  z: number | null;
  latest: number | null;
  baseline: number | null;
}

/** One stage of the journey map (stage_all and stage_theme cells of the aggregate). */
export interface JourneyStage {
  key: string;
  label: string;
  /** No stage could be told: shown apart, greyed, never ranked. */
  unassigned: boolean;
  mentions: number;
  docs: number;
  negative: number;
  negShare: number;
  sentiment: number;
  sLow: number;
  sHigh: number;
  negPer100: number;
  p100Low: number;
  p100High: number;
  emotions: Record<string, JourneyEmotion>;
  /** Up to three emotions with the highest share (shown by at least one segment). */
  dominant: string[];
  /** Up to three leaf themes of the stage with the most negative mentions per 100 documents. */
  pains: { theme: string; label: string; parentLabel: string | null; negPer100: number; p100Low: number; p100High: number; negative: number; mentions: number }[];
}

export interface Journey {
  stages: JourneyStage[];
  emotions: { id: string; label: string; negative: boolean }[];
  /** Mean negPer100 over the assigned stages: the centre of the diverging colour scale. */
  meanPer100: number;
  /** stage -> its typical and negative quotes. */
  quotes: Record<string, ReportQuote[]>;
  /** stage + "|" + emotion -> quotes of segments showing the emotion. */
  emotionQuotes: Record<string, ReportQuote[]>;
}

export interface ReportData {
  title: string;
  generatedAt: string;
  aggregateId: number;
  configHash: string | null;
  overall: {
    segments: number;
    documents: number;
    negativeRate: number;
    nps: number | null;
    npsResponses: number;
    latestMonth: string | null;
    months: string[];
  };
  params: ReportParams;
  /** Scores other than NPS, named by their scale ("mean rating 7.9 (1-10)"), one per scale. */
  scores: { scale: string; text: string; documents: number; unit: string }[];
  /** Scale -> how a cell's mean score is labelled ("Mean rating (1-10)"). */
  scaleLabels: Record<string, string>;
  sources: ReportSource[];
  models: { key: string; createdAt: string; summary: string }[];
  themes: (ReportKey & { parent: string | null; mentions: number; negShare: number; pain: number })[];
  matrices: ReportMatrix[];
  /** matrix id + "|" + row + "|" + col (display orientation) -> quotes. */
  quotes: Record<string, ReportQuote[]>;
  /** Specific pain points: leaf theme x stage cells with the most negative mentions per 100 documents (then pain index). */
  top: Highlight[];
  /** Cells whose latest month is an anomaly (see docs/aggregation.md). */
  alerts: Highlight[];
  journey: Journey;
  /** Counts the filters recompute every number above from. */
  cube: ReportCube;
}

export interface Highlight extends ReportCell {
  matrix: string;
  rowLabel: string;
  parentLabel: string | null;
  colLabel: string;
  month: string | null;
}

/**
 * Counts behind the filters (src/report/cube.ts builds it, client/recompute.ts reads it). A group
 * is one combination of the document-level filter dimensions (source, kind, month, each
 * aggregated attribute); every document falls in exactly one group, so distinct-document counts
 * add up across groups exactly. Its size is bounded by the distinct values of those dimensions
 * times the cells, never by the number of segments.
 */
/** The cube's quote list of stage x emotion candidates (keys "stage|emotion"); the others are matrix ids. */
export const STAGE_EMOTION = 'stage_emotion';

export interface ReportCube {
  /** Filter dimensions: 'source', 'kind', 'month', then 'attr:<name>' per aggregated attribute that fits the group budget. */
  dims: string[];
  /** Aggregated attributes left out of the filters: with them the groups would exceed the budget (report/cube-groups.ts). */
  omitted: { name: string; groups: number }[];
  /** Per dimension, its distinct values (sorted). */
  values: string[][];
  /** Per group, the index of its value on each dimension. */
  groups: number[][];
  /**
   * Per group: [segments, negative segments, documents with a segment, NPS promoters, passives,
   * detractors]. The NPS counts cover every respondent of the group, with or without a comment.
   */
  totals: number[][];
  /** Emotion ids, in the order of the emotion counts in each cell row. */
  emotions: string[];
  /**
   * matrix id -> "row|col" (display orientation) -> rows of [group, mentions, negative, documents,
   * negative documents, sentiment sum, sentiment sum of squares, NPS promoters, passives,
   * detractors, ...segments per emotion]; trailing zeros after the sentiment sums are left out.
   */
  cells: Record<string, Record<string, number[][]>>;
  /**
   * Quote candidates for filtered views (cube-quotes.ts): per list (a matrix id above, or
   * 'stage_emotion' keyed "stage|emotion") and key, flat pairs [group, index into `quotes`, ...],
   * best first: each group with a member has its best segment, so a non-empty filtered cell always
   * has a quote. Each quote is embedded once.
   */
  quoteRefs: Record<string, Record<string, number[]>>;
  quotes: CubeQuote[];
}

/**
 * A candidate quote, compact (the candidates are most of the cube's bytes): [negative 1 / typical 0,
 * text, document id, external id, locator, date (YYYY-MM-DD), char start, char end, sentiment,
 * group]; the source is the group's (client/quote-filter.ts expands it to a ReportQuote).
 */
export type CubeQuote = [0 | 1, string, number, string | null, string, string | null, number, number, number, number];
