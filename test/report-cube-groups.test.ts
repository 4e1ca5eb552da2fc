/**
 * The report cube's group budget (src/report/cube-groups.ts): attributes whose combinations with
 * the other filters would make more groups than the budget are left out of the cube's filters, in
 * configured order and greedily; the cube without them equals the cube of a config without them
 * (but for the attr x stage matrices, which stay), and says which were left out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline } from '../src/aggregate/pipeline.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { cubeAttributes } from '../src/report/cube-groups.js';
import { attributeOf } from '../src/store/aggregate.js';
import { buildCube } from '../src/report/cube.js';
import { buildReportData } from '../src/report/data.js';
import { addRun, TestDb } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

/** 24 documents of one source, kind and month: a unique id, a plan (2 values), a region (2 values), and an NPS score. */
function corpus(): TestDb {
  const db = new TestDb();
  for (let d = 0; d < 24; d++) {
    db.addDoc({
      kind: 'survey', source: 'nps', createdAt: '2026-05-02', score: d % 11, scale: 'nps',
      attributes: { customer: `c${d}`, plan: d % 2 ? 'pro' : 'basic', region: d % 4 < 2 ? 'eu' : 'us', ...(d === 3 ? { constructor: 'x' } : {}) },
      segments: [{ text: `The delivery number ${d} was late again.`, sentiment: d % 3 ? 'negative' : 'positive', stage: 'delivery', themes: ['late'] }],
    });
  }
  return db.addTheme('late', null, 'Late');
}

describe('the report cube group budget', () => {
  it('keeps the attributes that fit, greedily in configured order, and reports the others', () => {
    t = corpus();
    expect(cubeAttributes(t.db, [])).toEqual({ kept: [], omitted: [] });
    expect(cubeAttributes(t.db, ['customer', 'plan', 'region'])).toEqual({ kept: ['customer', 'plan', 'region'], omitted: [] });
    // budget 4: customer alone makes 24 groups (counted up to 5, the budget + 1); plan x region makes 4
    expect(cubeAttributes(t.db, ['customer', 'plan', 'region'], 4)).toEqual({ kept: ['plan', 'region'], omitted: [{ name: 'customer', groups: 5 }] });
    expect(cubeAttributes(t.db, ['plan', 'customer', 'region'], 4)).toEqual({ kept: ['plan', 'region'], omitted: [{ name: 'customer', groups: 5 }] });
    // budget 3: plan fits (2), region with it does not (4); alone region would fit, but plan came first
    expect(cubeAttributes(t.db, ['plan', 'region'], 3)).toEqual({ kept: ['plan'], omitted: [{ name: 'region', groups: 4 }] });
    expect(cubeAttributes(t.db, ['customer'], 1)).toEqual({ kept: [], omitted: [{ name: 'customer', groups: 2 }] });
    // only a document's own keys are attributes
    expect(attributeOf({}, 'constructor')).toBe('unknown');
    expect(attributeOf({ constructor: 'x' }, 'constructor')).toBe('x');
    expect(cubeAttributes(t.db, ['constructor'], 1)).toEqual({ kept: [], omitted: [{ name: 'constructor', groups: 2 }] });
  });

  it('builds the cube without the attributes left out, and the page data says which', () => {
    t = corpus();
    const config = PipelineConfig.parse({ name: 'K', sources: [{ name: 'nps', kind: 'survey', paths: 'a.csv' }], aggregate: { attributes: ['customer', 'plan'] } });
    aggregatePipeline(t.db, config, addRun(t.db));
    const data = buildReportData(t.db, 'K');
    // 24 groups fit the default budget
    expect(data.cube.dims).toEqual(['source', 'kind', 'month', 'attr:customer', 'attr:plan']);
    expect(data.cube.omitted).toEqual([]);
    expect(data.cube.groups).toHaveLength(24);
    const shown = data.matrices.map((m) => m.id);
    expect(shown).toEqual(expect.arrayContaining(['attr:customer_stage', 'attr:plan_stage']));
    const small = buildCube(t.db, data.params, shown, new Set(), { maxGroups: 4 });
    expect(small.cube.dims).toEqual(['source', 'kind', 'month', 'attr:plan']);
    expect(small.cube.omitted).toEqual([{ name: 'customer', groups: 5 }]);
    expect(small.cube.groups).toHaveLength(2);
    // the same cube as a config with plan only, but for the attr:customer x stage matrix
    const planOnly = buildCube(t.db, { ...data.params, attributes: ['plan'] }, shown, new Set());
    const { omitted: o1, cells: c1, ...rest1 } = small.cube;
    const { omitted: o2, cells: c2, ...rest2 } = planOnly.cube;
    expect(o1).not.toEqual(o2);
    expect(rest1).toEqual(rest2);
    const { 'attr:customer_stage': customerStage, ...others } = c1;
    expect(others).toEqual(c2);
    // the left-out attribute's own matrix stays on the page
    expect(Object.keys(customerStage ?? {})).toHaveLength(24);
    // the budget is aggregate.reportFilterGroups
    const configured = buildCube(t.db, { ...data.params, reportFilterGroups: 4 }, shown, new Set());
    expect(configured.cube.dims).toEqual(small.cube.dims);
    expect(configured.cube.omitted).toEqual(small.cube.omitted);
    // NPS totals per group still count every respondent
    expect(small.cube.totals.reduce((n, t) => n + t[3]! + t[4]! + t[5]!, 0)).toBe(24);
  });
});
