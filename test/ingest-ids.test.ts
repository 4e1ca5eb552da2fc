/**
 * Id collisions are visible: ids are normalised by one rule (NFC, trimmed; numbers and their
 * strings alike), a same-id record with the same content is a duplicate, and one with different
 * content is quarantined as a conflicting duplicate naming the line it conflicts with, unless
 * `ingest.duplicateIds: last-wins`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig } from '../src/config/pipeline.js';
import { ingestPipeline, normaliseExternalId } from '../src/ingest/engine.js';
import { openDatabase } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { makeWorkspace } from './helpers/workspace.js';

const ws = makeWorkspace('voc-ids-');
afterAll(() => ws.cleanup());

async function ingest(dbName: string, extra = '') {
  const config = parseYamlWith(
    `name: ids
database: ${ws.dir}/${dbName}
root: ${ws.dir}
${extra}
sources:
  - { name: s, kind: ticket, format: tickets-jsonl, paths: in/t.jsonl, mapping: { id: id, text: text } }
`,
    PipelineConfig,
    'test',
  );
  const db = openDatabase(`${ws.dir}/${dbName}`);
  try {
    const report = await ingestPipeline(db, config, startRun(db, { command: 'ingest', toolVersion: 't' }), {});
    const q = db.prepare('SELECT locator, reason FROM quarantine').all() as Array<{ locator: string; reason: string }>;
    const docs = db.prepare('SELECT external_id, text FROM documents ORDER BY id').all() as Array<{ external_id: string; text: string }>;
    return { totals: report.totals, warnings: report.files[0]?.warnings ?? {}, q, docs };
  } finally {
    db.close();
  }
}

describe('external ids', () => {
  it('are normalised by one rule', () => {
    expect(normaliseExternalId(' r1 ')).toBe('r1');
    expect(normaliseExternalId('e\u0301')).toBe('\u00e9');
    expect(normaliseExternalId('   ')).toBeNull();
  });

  it('a same-id record with different content is quarantined naming the first; the same content is a duplicate', async () => {
    ws.write(
      'in/t.jsonl',
      [
        { id: 'r1', text: 'The parcel was late.' },
        { id: ' r1 ', text: 'A different complaint about billing.' },
        { id: 1, text: 'Numeric id one.' },
        { id: '1', text: 'Numeric id one.' },
        { id: '1', text: 'Not the same text as id 1.' },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n') + '\n',
    );
    const r = await ingest('a.sqlite');
    expect(r.totals).toMatchObject({ read: 5, new: 2, duplicate: 1, quarantined: 2 });
    expect(r.q.map((x) => x.locator)).toEqual(['line 2', 'line 5']);
    expect(r.q[0]!.reason).toMatch(/^conflicting duplicate of in\/t\.jsonl line 1: the same id "r1" with different content/);
    expect(r.q[1]!.reason).toMatch(/^conflicting duplicate of in\/t\.jsonl line 3: the same id "1"/);
    expect(r.docs.map((d) => d.external_id)).toEqual(['r1', '1']);
  });

  it('ingest.duplicateIds: last-wins keeps the later record, with a warning naming the first', async () => {
    const r = await ingest('b.sqlite', 'ingest: { duplicateIds: last-wins }');
    expect(r.totals).toMatchObject({ read: 5, new: 2, duplicate: 1, updated: 2, quarantined: 0 });
    expect(r.warnings['id-conflict']).toMatchObject({ count: 2, locator: 'line 2' });
    expect(r.warnings['id-conflict']!.message).toMatch(/the same id "r1" as in\/t\.jsonl line 1 with different content; this later record replaced it/);
    expect(r.docs.find((d) => d.external_id === 'r1')!.text).toMatch(/billing/);
  });
});
