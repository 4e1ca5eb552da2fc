import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { aggregatePipeline } from '../src/aggregate/pipeline.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { buildReportData } from '../src/report/data.js';
import { jsonForScript, renderReportHtml } from '../src/report/html.js';
import { addRun } from './aggregate-db.js';
import { HOSTILE, sampleDb } from './report-sample.js';
import type { TestDb } from './aggregate-db.js';

let t: TestDb | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

describe('report HTML', () => {
  it('escapes JSON so it cannot close its script tag', () => {
    const s = jsonForScript({ a: '</script><!-- & \u2028\u2029 >' });
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual({ a: '</script><!-- & \u2028\u2029 >' });
  });

  it('embeds hostile text only as escaped JSON, with a CSP that allows just our script', () => {
    t = sampleDb(60);
    const config = PipelineConfig.parse({ name: '<b>Kestrel</b>', sources: [{ name: 's', kind: 'survey', paths: 'a.csv' }] });
    aggregatePipeline(t.db, config, addRun(t.db));
    const data = buildReportData(t.db, '<b>Kestrel</b>');
    expect(JSON.stringify(data.quotes)).toContain(JSON.stringify(HOSTILE).slice(1, -1));
    const html = renderReportHtml(data);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>Kestrel');
    expect(html).toContain('&#60;b&#62;Kestrel');
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html).not.toMatch(/<link|@import|url\(|src=["']?http/i);
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    const hash = createHash('sha256').update(script, 'utf8').digest('base64');
    expect(html).toContain(`script-src 'sha256-${hash}'`);
    expect(html).toContain("default-src 'none'");
    // The page is one file: top pain points and both heatmaps are in the data.
    expect(data.matrices.map((m) => m.id)).toEqual(['stage_theme', 'stage_touchpoint']);
    // The cards rank by negative mentions per 100 documents (docs/audit.md: the pain index lets long narratives outweigh one-line complaints).
    expect(data.top[0]!.per100).toBeGreaterThanOrEqual(data.top[1]!.per100);
  });
});
