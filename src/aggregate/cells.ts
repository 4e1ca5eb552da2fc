/**
 * The cells of a matrix (rows x columns of two dimensions) as counters filled one segment at a
 * time (CellCounts), and the cell record computed from them: volume, negativity, pain, scores, NPS
 * impact, monthly trend and emotion shares. A cell's counters are bounded by its months and
 * emotions, never by its segments, so aggregation memory does not grow with the database.
 */
import type { AggregateConfig, MatrixSpec } from '../config/aggregate.js';
import type { CellRecord, EmotionQuoteRecord, NpsCounts, QuoteRecord } from '../store/aggregate.js';
import type { SegmentAccess } from './sources.js';
import {
  binomialSe,
  mean,
  npsBucket,
  npsFromCounts,
  npsImpact,
  painIndex,
  round,
  roundOrNull,
  wilsonInterval,
  zScore,
  Z95,
} from './metrics.js';
import { bump, EmotionCounts, emotionSet, emotionStatsOf, MONTH_CODES } from './emotions.js';
import type { Candidates, QuoteCandidate } from './quotes.js';

export type Params = Pick<
  AggregateConfig,
  'minVolume' | 'anomalyZ' | 'trailingMonths' | 'quotesPerCell' | 'priorStrength' | 'stageOrder'
>;

export interface MatrixResult {
  spec: MatrixSpec;
  name: string;
  rowKeys: string[];
  colKeys: string[];
  cells: CellRecord[];
  quotes: QuoteRecord[];
  /** Quotes per emotion, for the journey matrices only (one column, `all`). */
  emotionQuotes: EmotionQuoteRecord[];
}

/** Totals over all facts in scope: the baselines every cell is compared with. */
export interface Overall {
  segments: number;
  documents: number;
  negative: number;
  negativeRate: number;
  nps: number | null;
  npsCounts: NpsCounts;
  months: string[];
  monthTotals: Record<string, number>;
  latestMonth: string | null;
  /** Emotions every cell reports a share for: the built-in seven, then others seen, by name. */
  emotions: string[];
}

/** Counters of the whole scope, filled one segment at a time (segments arrive grouped by document). */
export class OverallCounts {
  segments = 0;
  documents = 0;
  negative = 0;
  private lastDoc = -1;
  readonly monthTotals = Object.create(null) as Record<string, number>;
  readonly emotions = new Set<string>();

  add(seg: SegmentAccess): void {
    this.addRow(seg.documentId, seg.negative, seg.month, seg.emotions);
  }

  /** One segment given by its fields (the key-table fold of grouped.ts shares this code). */
  addRow(documentId: number, negative: boolean, month: string | null, emotions: readonly string[]): void {
    this.segments++;
    if (documentId !== this.lastDoc) {
      this.documents++;
      this.lastDoc = documentId;
    }
    if (negative) this.negative++;
    if (month) this.monthTotals[month] = (this.monthTotals[month] ?? 0) + 1;
    for (const e of emotions) this.emotions.add(e);
  }

  /** `npsCounts` are of every NPS respondent in scope, with or without a comment. */
  overall(npsCounts: NpsCounts): Overall {
    const months = Object.keys(this.monthTotals).sort();
    return {
      segments: this.segments,
      documents: this.documents,
      negative: this.negative,
      negativeRate: this.segments ? this.negative / this.segments : 0,
      nps: roundOrNull(npsFromCounts(npsCounts), 2),
      npsCounts,
      months,
      monthTotals: this.monthTotals,
      latestMonth: months.length ? months[months.length - 1]! : null,
      emotions: emotionSet(this.emotions),
    };
  }
}

/** One cell's counters. Distinct documents are counted with the last document seen (input is grouped by document). */
export class CellCounts {
  n = 0;
  negative = 0;
  private sum = 0;
  private sumSq = 0;
  documents = 0;
  negDocs = 0;
  private lastDoc = -1;
  private lastNegDoc = -1;
  /** Scored documents per scale: count and sum of scores. */
  private readonly scales = new Map<string, { count: number; sum: number }>();
  private readonly nps: NpsCounts = { promoters: 0, passives: 0, detractors: 0, total: 0 };
  /** Mentions and negative mentions per month code (MONTH_CODES). */
  private readonly monthMentions: number[] = [];
  private readonly monthNegative: number[] = [];
  readonly emotions = new EmotionCounts();
  /** Quote candidate lists by kind ('typical', 'negative', 'emotion:<id>'). */
  readonly lists = new Map<string, Candidates<QuoteCandidate>>();

  constructor(
    readonly row: string,
    readonly col: string,
  ) {}

  add(seg: SegmentAccess): void {
    this.addCodes(seg.documentId, seg.negative, seg.sentimentScore, seg.score, seg.scoreScale, seg.monthCode, seg.emotionCodes);
  }

  /** One segment, its month and emotions as codes (MONTH_CODES, EMOTION_CODES; month -1 for none). */
  addCodes(
    documentId: number,
    neg: boolean,
    sentimentScore: number,
    score: number | null,
    scoreScale: string | null,
    month: number,
    emotions: readonly number[],
  ): void {
    this.n++;
    this.sum += sentimentScore;
    this.sumSq += sentimentScore * sentimentScore;
    if (documentId !== this.lastDoc) {
      this.lastDoc = documentId;
      this.documents++;
      if (score !== null && scoreScale !== null) {
        const s = this.scales.get(scoreScale);
        if (s) {
          s.count++;
          s.sum += score;
        } else this.scales.set(scoreScale, { count: 1, sum: score });
        if (scoreScale === 'nps') {
          const b = npsBucket(score);
          this.nps.total++;
          if (b === 'promoter') this.nps.promoters++;
          else if (b === 'passive') this.nps.passives++;
          else this.nps.detractors++;
        }
      }
    }
    if (neg) {
      this.negative++;
      if (documentId !== this.lastNegDoc) {
        this.lastNegDoc = documentId;
        this.negDocs++;
      }
    }
    if (month >= 0) {
      bump(this.monthMentions, month);
      if (neg) bump(this.monthNegative, month);
    }
    this.emotions.addCodes(emotions, month);
  }

  /** 95% interval of the mean sentiment (normal approximation), clipped to [-1, 1]; all of it below 2 mentions. */
  private sentimentInterval(): { low: number; high: number } {
    if (this.n < 2) return { low: -1, high: 1 };
    const m = this.sum / this.n;
    const sd = Math.sqrt(Math.max(0, this.sumSq - this.sum * m) / (this.n - 1));
    const half = (Z95 * sd) / Math.sqrt(this.n);
    return { low: Math.max(-1, m - half), high: Math.min(1, m + half) };
  }

  /** The most common scale among the cell's scored documents (ties: alphabetical, so nps before stars5). */
  private scoreSummary(overall: Overall): Pick<CellRecord, 'meanScore' | 'scoreScale' | 'nps' | 'npsDocs' | 'npsImpact'> {
    const top = [...this.scales.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))[0];
    const c = this.nps;
    return {
      meanScore: top ? round(top[1].sum / top[1].count, 4) : null,
      scoreScale: top ? top[0] : null,
      nps: roundOrNull(npsFromCounts(c), 2),
      npsDocs: c.total,
      npsImpact: c.total ? roundOrNull(npsImpact(overall.npsCounts, c.detractors), 2) : null,
    };
  }

  /**
   * Monthly series of the cell and the latest month against the trailing months. The share is the
   * cell's negative mentions over ALL analysed segments that month, so a month with more feedback
   * overall does not look like a spike.
   */
  private trend(overall: Overall, params: Params): Pick<CellRecord, 'trendMonth' | 'trendLatest' | 'trendBaseline' | 'zScore' | 'anomaly' | 'series'> {
    const series = overall.months.map((month) => {
      const total = overall.monthTotals[month] ?? 0;
      const code = MONTH_CODES.get(month);
      const neg = code === undefined ? 0 : (this.monthNegative[code] ?? 0);
      const mentions = code === undefined ? 0 : (this.monthMentions[code] ?? 0);
      return { month, mentions, negative: neg, share: total ? round(neg / total, 6) : 0 };
    });
    const latest = series[series.length - 1];
    if (!latest) return { trendMonth: null, trendLatest: null, trendBaseline: null, zScore: null, anomaly: false, series };
    const trailing = series.slice(Math.max(0, series.length - 1 - params.trailingMonths), series.length - 1);
    const latestTotal = overall.monthTotals[latest.month] ?? 0;
    const baseline = mean(trailing.map((s) => s.share)) ?? 0;
    const z = zScore(latest.share, trailing.map((s) => s.share), binomialSe(baseline, latestTotal));
    return {
      trendMonth: latest.month,
      trendLatest: latest.share,
      trendBaseline: roundOrNull(z.baseline, 6),
      zScore: roundOrNull(z.z, 3),
      anomaly: z.z !== null && z.z >= params.anomalyZ && latest.negative >= params.minVolume,
      series,
    };
  }

  record(matrix: string, overall: Overall, params: Params): CellRecord {
    const { n, negative: neg, negDocs } = this;
    const w = wilsonInterval(neg, n);
    const per100 = wilsonInterval(negDocs, overall.documents);
    const si = this.sentimentInterval();
    return {
      matrix,
      rowKey: this.row,
      colKey: this.col,
      mentions: n,
      documents: this.documents,
      negative: neg,
      negativeShare: round(neg / n),
      wilsonLow: round(w.low),
      wilsonHigh: round(w.high),
      meanSentiment: round(this.sum / n),
      sentimentLow: round(si.low),
      sentimentHigh: round(si.high),
      negDocs,
      negPer100: overall.documents ? round((100 * negDocs) / overall.documents, 2) : 0,
      negPer100Low: round(100 * per100.low, 2),
      negPer100High: round(100 * per100.high, 2),
      emotions: emotionStatsOf(this.emotions, overall.emotions, {
        trailingMonths: params.trailingMonths,
        latestMonth: overall.latestMonth,
      }),
      painIndex: round(painIndex(neg, n, overall.negativeRate, params.priorStrength)),
      ...this.scoreSummary(overall),
      trendPrev: null,
      ...this.trend(overall, params),
    };
  }
}
