/**
 * Generic ticket exports as conversations: a row filter (counted as filtered), author roles (only
 * customer turns analysed), and threads by conversation id or by reply-to chains, on a small
 * export and on the real Customer Support on Twitter sample when ../shared is present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { ingestPipeline } from '../src/ingest/engine.js';
import { openDatabase } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { makeWorkspace } from './helpers/workspace.js';

const ws = makeWorkspace('voc-conv-');
afterAll(() => ws.cleanup());

async function ingest(name: string, root: string, sources: string) {
  const config = parseYamlWith(`name: c\ndatabase: ${ws.dir}/${name}.sqlite\nroot: ${root}\nsources:\n${sources}`, PipelineConfig, 'test');
  const db = openDatabase(`${ws.dir}/${name}.sqlite`);
  try {
    const report = await ingestPipeline(db, config, startRun(db, { command: 'ingest', toolVersion: 't' }), {});
    const docs = db.prepare('SELECT id, external_id, text FROM documents ORDER BY id').all() as Array<{ id: number; external_id: string; text: string }>;
    const segs = db.prepare('SELECT document_id, role, analyse, text FROM segments ORDER BY document_id, idx').all() as Array<{ document_id: number; role: string; analyse: number; text: string }>;
    return { report, docs, segs };
  } finally {
    db.close();
  }
}

const CSV = `id,conv,who,parent,when,body
m1,c1,customer,,2026-01-01T10:00:00Z,My parcel never arrived.
m2,c1,agent,m1,2026-01-01T10:05:00Z,Sorry to hear that! Can you DM us the order number?
m3,c2,customer,,2026-01-02T09:00:00Z,The app crashes on login.
m4,c1,customer,m2,2026-01-01T10:07:00Z,Sent. Still nothing after a week.
m5,c2,robot,m3,2026-01-02T09:01:00Z,Thanks for your message.
`;

describe('conversations in generic ticket exports', () => {
  ws.write('in/t.csv', CSV);

  it('filter: only matching rows are records; the rest are counted as filtered', async () => {
    const r = await ingest('f', ws.dir, `  - { name: s, kind: ticket, format: tickets-csv, paths: in/t.csv, filter: { field: who, equals: customer }, mapping: { id: id, text: body } }\n`);
    expect(r.report.totals).toMatchObject({ read: 5, new: 3, filtered: 2 });
    expect(r.docs.map((d) => d.external_id)).toEqual(['m1', 'm3', 'm4']);
    const inList = await ingest('fi', ws.dir, `  - { name: s, kind: ticket, format: tickets-csv, paths: in/t.csv, filter: { field: who, in: [agent, robot] }, mapping: { id: id, text: body } }\n`);
    expect(inList.docs.map((d) => d.external_id)).toEqual(['m2', 'm5']);
    const pattern = await ingest('fm', ws.dir, `  - { name: s, kind: ticket, format: tickets-csv, paths: in/t.csv, filter: { field: body, matches: "(?i)^the|never" }, mapping: { id: id, text: body } }\n`).catch((e: Error) => e);
    expect(String(pattern)).toMatch(/matches: .*a valid regular expression/);
    const re = await ingest('fr', ws.dir, `  - { name: s, kind: ticket, format: tickets-csv, paths: in/t.csv, filter: { field: body, matches: "never|crash" }, mapping: { id: id, text: body } }\n`);
    expect(re.report.totals).toMatchObject({ read: 5, new: 2, filtered: 3 });
    expect(re.docs.map((d) => d.external_id)).toEqual(['m1', 'm3']);
  });

  it('threads by conversation id, turns in time order, only customer turns analysed; an unknown role is a warning', async () => {
    const r = await ingest(
      'c',
      ws.dir,
      `  - { name: s, kind: ticket, format: tickets-csv, paths: in/t.csv, mapping: { id: id, text: body, date: when, role: { field: who }, thread: { field: conv } } }\n`,
    );
    expect(r.report.totals).toMatchObject({ read: 5, new: 2, threaded: 3 });
    expect(r.docs.map((d) => d.external_id)).toEqual(['c1', 'c2']);
    const c1 = r.segs.filter((s) => s.document_id === r.docs[0]!.id);
    expect(c1.map((s) => [s.role, s.analyse])).toEqual([
      ['customer', 1],
      ['agent', 0],
      ['agent', 0],
      ['customer', 1],
      ['customer', 1],
    ]);
    expect(c1[0]!.text).toBe('My parcel never arrived.');
    expect(r.report.files[0]!.warnings?.['unknown-role']).toMatchObject({ count: 1, locator: 'line 6' });
  });

  it('threads by reply-to chains reach the first message', async () => {
    const r = await ingest(
      'r',
      ws.dir,
      `  - { name: s, kind: ticket, format: tickets-csv, paths: in/t.csv, mapping: { id: id, text: body, role: { field: who, bot: [robot] }, thread: { replyTo: parent } } }\n`,
    );
    expect(r.report.totals).toMatchObject({ read: 5, new: 2, threaded: 3 });
    expect(r.docs.map((d) => d.external_id)).toEqual(['m1', 'm3']);
    expect(r.segs.filter((s) => s.document_id === r.docs[1]!.id).map((s) => s.role)).toEqual(['customer', 'system']);
  });

  const twcs = resolve(import.meta.dirname, '../../shared/datasets/twcs-first5000');
  it.runIf(existsSync(twcs))('the real twcs sample: every row is a record, a filtered row or a thread turn', async () => {
    const rows = parse(readFileSync(`${twcs}/twcs.csv`), { columns: true }) as Array<Record<string, string>>;
    const r = await ingest(
      't',
      twcs,
      `  - name: twcs
    kind: ticket
    format: tickets-csv
    paths: twcs.csv
    mapping: { id: tweet_id, text: text, date: created_at, role: { field: inbound, customer: ["True"], agent: ["False"] }, thread: { replyTo: in_response_to_tweet_id } }
`,
    );
    const t = r.report.totals;
    expect(t.read).toBe(rows.length);
    expect(t.new + t.threaded + t.quarantined).toBe(rows.length);
    const customerSegments = r.segs.filter((s) => s.role === 'customer').length;
    const agentSegments = r.segs.filter((s) => s.role === 'agent').length;
    expect(customerSegments).toBeGreaterThan(0);
    expect(agentSegments).toBeGreaterThan(0);
    expect(r.segs.filter((s) => s.role === 'agent' && s.analyse === 1)).toHaveLength(0);
  }, 60_000);
});
