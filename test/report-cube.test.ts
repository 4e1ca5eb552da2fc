/**
 * The report's filter cube, without a browser: for several filters, the page data recomputed from
 * the cube (client/view.ts, pure) equals `voc heatmap --where` (queryMatrix) cell by cell, every
 * number; and theme impact on NPS follows the Thematic/Kapiche definition on hand-counted cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregatePipeline, queryMatrix } from '../src/aggregate/pipeline.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { buildReportData } from '../src/report/data.js';
import type { ReportData, ReportQuote } from '../src/report/model.js';
import { buildCube } from '../src/report/cube.js';
import { themeNpsImpact } from '../src/report/nps-impact.js';
import { filteredView, themeImpacts } from '../src/report/client/view.js';
import { activeGroups, type Filter } from '../src/report/client/recompute.js';
import { addRun, type TestDb } from './aggregate-db.js';
import { sampleDb } from './report-sample.js';

const FILTERS: Filter[] = [
  { where: { source: 'zendesk-tickets' }, since: '', until: '' },
  { where: { kind: 'survey' }, since: '2026-07', until: '2026-09' },
  { where: { 'attr:plan': 'Family' }, since: '', until: '' },
  { where: { source: 'nps-survey', 'attr:plan': 'Basic' }, since: '2026-08', until: '' },
];

const whereOf = (f: Filter) => ({
  where: Object.fromEntries(Object.entries(f.where).map(([k, v]) => [k.replace(/^attr:/, ''), v])),
  since: f.since || undefined,
  until: f.until || undefined,
});

describe('report filter cube', () => {
  let t: TestDb;
  let data: ReportData;

  beforeAll(() => {
    t = sampleDb();
    const config = PipelineConfig.parse({ name: 'K', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }], aggregate: { attributes: ['plan'] } });
    aggregatePipeline(t.db, config, addRun(t.db));
    data = buildReportData(t.db, 'K');
  });
  afterAll(() => t.close());

  it('is bounded by distinct values, not documents', () => {
    const c = data.cube;
    expect(c.dims).toEqual(['source', 'kind', 'month', 'attr:plan']);
    const product = c.values.reduce((n, v) => n * v.length, 1);
    expect(c.groups.length).toBeLessThanOrEqual(product);
    expect(c.groups.length).toBeLessThan(data.overall.documents);
    // Every document in exactly one group: the groups' documents add up to all documents.
    expect(c.totals.reduce((n, x) => n + x[2]!, 0)).toBe(data.overall.documents);
  });

  it.each(FILTERS)('equals voc heatmap --where for %j', (f) => {
    const v = filteredView(data, f);
    const stages = queryMatrix(t.db, { rows: 'stage', cols: 'all' }, whereOf(f), data.params as never);
    expect(v.overall.documents).toBe(stages.scope.overall.documents);
    expect(v.overall.nps).toBe(stages.scope.overall.nps);
    expect(v.journey.stages.map((s) => s.key).sort()).toEqual(stages.cells.map((c) => c.rowKey).sort());
    for (const c of stages.cells) {
      const s = v.journey.stages.find((x) => x.key === c.rowKey)!;
      expect([c.rowKey, s.mentions, s.docs, s.negPer100, s.p100Low, s.p100High, s.sentiment, s.sLow, s.sHigh]).toEqual(
        [c.rowKey, c.mentions, c.documents, c.negPer100, c.negPer100Low, c.negPer100High, c.meanSentiment, c.sentimentLow, c.sentimentHigh],
      );
      for (const [e, x] of Object.entries(c.emotions)) {
        const y = s.emotions[e]!;
        expect([c.rowKey, e, y.share, y.low, y.high, y.segments, y.z]).toEqual([c.rowKey, e, x.share, x.low, x.high, x.segments, x.zScore]);
      }
    }
    const themes = queryMatrix(t.db, { rows: 'theme', cols: 'stage' }, whereOf(f), data.params as never);
    const shown = v.matrices.find((m) => m.id === 'stage_theme')!;
    expect(shown.cells.length).toBe(themes.cells.length);
    for (const c of themes.cells) {
      const x = shown.cells.find((y) => y.r === c.rowKey && y.c === c.colKey)!;
      expect([c.rowKey, c.colKey, x.mentions, x.negShare, x.wLow, x.wHigh, x.per100, x.pain, x.nps, x.npsImpact, x.z, x.anomaly, x.series]).toEqual(
        [c.rowKey, c.colKey, c.mentions, c.negativeShare, c.wilsonLow, c.wilsonHigh, c.negPer100, c.painIndex, c.nps, c.npsImpact, c.zScore, c.anomaly, c.series.map((s) => s.negative)],
      );
    }
    // Quotes kept under a filter come from documents in it.
    for (const list of Object.values(v.quotes)) for (const q of list) if (f.where.source) expect(q.source).toBe(f.where.source);
  });

  it('shows quotes for every non-empty filtered cell, card, stage and emotion, each from the filter', () => {
    const c = data.cube;
    const single: Filter[] = c.dims.flatMap((dim, i) =>
      c.values[i]!.map((value): Filter => (dim === 'month' ? { where: {}, since: value, until: value } : { where: { [dim]: value }, since: '', until: '' })),
    );
    let checked = 0;
    for (const f of [...FILTERS, ...single]) {
      const v = filteredView(data, f);
      const on = activeGroups(c, f);
      const quotesOf = (list: ReportQuote[] | undefined, what: string) => {
        expect(list?.length ?? 0, `${JSON.stringify(f)} ${what}`).toBeGreaterThan(0);
        for (const q of list!) expect(on[q.g], `${JSON.stringify(f)} ${what}: quote from outside the filter`).toBe(true);
        checked++;
      };
      for (const m of v.matrices) for (const x of m.cells) quotesOf(v.quotes[`${m.id}|${x.r}|${x.c}`], `${m.id} ${x.r} x ${x.c}`);
      for (const h of v.top) quotesOf(v.quotes[`${h.matrix}|${h.r}|${h.c}`], `card ${h.r} x ${h.c}`);
      for (const s of v.journey.stages) {
        quotesOf(v.journey.quotes[s.key], `stage ${s.key}`);
        for (const [e, x] of Object.entries(s.emotions)) if (x.segments > 0) quotesOf(v.journey.emotionQuotes[`${s.key}|${e}`], `stage ${s.key} ${e}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    // Each candidate is embedded once, and only where no stored quote of the cell serves its group.
    const refs = Object.values(c.quoteRefs).flatMap((byKey) => Object.values(byKey));
    expect(c.quotes.length).toBeLessThanOrEqual(refs.reduce((n, r) => n + r.length / 2, 0));
    expect(new Set(c.quotes.map((q) => `${q[2]}:${q[6]}`)).size).toBe(c.quotes.length);
  });

  it('keeps the document -> group map to the documents asked for (bounded by the quotes, not the documents)', () => {
    const shown = data.matrices.map((m) => m.id);
    const all = buildCube(t.db, data.params, shown);
    expect(all.docGroup.size).toBe(0);
    const wanted = new Set(Object.values(data.quotes).flat().map((q) => q.documentId));
    const some = buildCube(t.db, data.params, shown, wanted);
    expect([...some.docGroup.keys()].sort()).toEqual([...wanted].sort());
    // The same groups as the embedded quotes were stamped with.
    for (const q of Object.values(data.quotes).flat()) expect(some.docGroup.get(q.documentId)).toBe(q.g);
    expect(some.cube.cells).toEqual(all.cube.cells);
  });

  it('gives the same cube and quote candidates from the fact blocks as from the stream', () => {
    // Without attributes the pass reads the blocks (aggregatePipeline left them current).
    const config = PipelineConfig.parse({ name: 'K', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }] });
    aggregatePipeline(t.db, config, addRun(t.db));
    const plain = buildReportData(t.db, 'K');
    const shown = plain.matrices.map((m) => m.id);
    const wanted = new Set(Object.values(plain.quotes).flat().map((q) => q.documentId));
    const blocks = buildCube(t.db, plain.params, shown, wanted);
    const stream = buildCube(t.db, plain.params, shown, wanted, { stream: true });
    expect([blocks.source, stream.source]).toEqual(['blocks', 'stream']);
    expect(blocks.cube).toEqual(stream.cube);
    expect([...blocks.docGroup]).toEqual([...stream.docGroup]);
    const built = blocks.pool.build(t.db, new Set());
    expect(built).toEqual(stream.pool.build(t.db, new Set()));
    expect(built.quotes.length).toBeGreaterThan(10);
    expect(Object.keys(blocks.cube.cells.stage_theme ?? {}).length).toBeGreaterThan(10);
    // With an attribute configured (groups split by plan, an attr:plan x stage matrix) the cube
    // reads the blocks too, with the stream's answer.
    expect(data.params.attributes).toEqual(['plan']);
    const attrShown = data.matrices.map((m) => m.id);
    expect(attrShown).toContain('attr:plan_stage');
    const attrBlocks = buildCube(t.db, data.params, attrShown, wanted);
    const attrStream = buildCube(t.db, data.params, attrShown, wanted, { stream: true });
    expect([attrBlocks.source, attrStream.source]).toEqual(['blocks', 'stream']);
    expect(attrBlocks.cube).toEqual(attrStream.cube);
    expect(attrBlocks.cube.groups.length).toBeGreaterThan(blocks.cube.groups.length);
    expect(Object.keys(attrBlocks.cube.cells['attr:plan_stage'] ?? {}).length).toBeGreaterThan(2);
    expect([...attrBlocks.docGroup]).toEqual([...attrStream.docGroup]);
    expect(attrBlocks.pool.build(t.db, new Set())).toEqual(attrStream.pool.build(t.db, new Set()));
  });

  it('computes theme impact on NPS as overall NPS minus NPS without the theme’s respondents', () => {
    // 10 respondents: 5 promoters, 3 passives, 2 detractors (NPS 30). The theme's 2 are both detractors:
    // without them 5/8 promoters, 0 detractors (NPS 62.5), so the theme costs 32.5 points.
    const all = { promoters: 5, passives: 3, detractors: 2, total: 10 };
    expect(themeNpsImpact(all, { promoters: 0, passives: 0, detractors: 2, total: 2 })).toBeCloseTo(-32.5, 10);
    // A theme only promoters mention lifts it: without its 3 promoters, 2/7 promoters, 2/7 detractors (NPS 0).
    expect(themeNpsImpact(all, { promoters: 3, passives: 0, detractors: 0, total: 3 })).toBeCloseTo(30, 10);
    expect(themeNpsImpact(all, all)).toBeNull(); // nobody left to compare with
    const rows = themeImpacts(data, { where: {}, since: '', until: '' });
    expect(rows.length).toBeGreaterThan(3);
    // The app-crash theme's respondents are detractors: it costs NPS points.
    const crash = rows.find((r) => r.theme === 'app-crash')!;
    expect(crash.impact).toBeLessThan(0);
    expect(crash.detractorImpact).toBeGreaterThan(0);
    expect(rows.map((r) => r.impact)).toEqual([...rows.map((r) => r.impact)].sort((a, b) => a - b));
    // Tickets have no 0-10 score: no theme impact on NPS for them.
    expect(themeImpacts(data, { where: { source: 'zendesk-tickets' }, since: '', until: '' })).toEqual([]);
  });
});
