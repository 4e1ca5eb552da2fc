/**
 * The ingest engine end to end on real files and real SQLite: counts reconcile, re-ingest adds
 * nothing, updates are detected, bad files are quarantined with reasons, PII never reaches the
 * database, an interrupted ingest resumes without duplicates, paths cannot escape the root.
 * A real kill -9 of a spawned ingest is in test/e2e/ingest-process.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig, RedactionConfig } from '../src/config/pipeline.js';
import { openDatabase, type Db } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { ingestPipeline, IngestStopped, type IngestReport } from '../src/ingest/engine.js';
import { redactRecordFields } from '../src/ingest/redact-record.js';
import { createRedactor, stableHash } from '../src/text/redact.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';
import { runVocInProcess } from './helpers/cli-in-process.js';
import { SURVEY_SOURCE, configYaml, surveyCsv } from './helpers/ingest-fixtures.js';

async function ingest(ws: Workspace, yaml: string, opts: Parameters<typeof ingestPipeline>[3] = {}): Promise<IngestReport> {
  const config = parseYamlWith(yaml, PipelineConfig, 'test config');
  const db = openDatabase(ws.dbPath);
  try {
    const runId = startRun(db, { command: 'ingest', toolVersion: 'test' });
    return await ingestPipeline(db, config, runId, opts);
  } finally {
    db.close();
  }
}

function reconciles(r: IngestReport): boolean {
  const t = r.totals;
  return t.read === t.new + t.updated + t.unchanged + t.duplicate + t.quarantined;
}

function withDb<T>(ws: Workspace, fn: (db: Db) => T): T {
  const db = openDatabase(ws.dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const count = (db: Db, sql: string, ...params: unknown[]) => (db.prepare(sql).get(...params) as { n: number }).n;

let ws: Workspace;
beforeEach(() => {
  ws = makeWorkspace();
});
afterEach(() => ws.cleanup());

describe('ingest engine', () => {
  it('stores every row, reconciles counts, and adds nothing on re-ingest', async () => {
    ws.write(
      'surveys/a.csv',
      surveyCsv([
        'R_1,2026-05-02 10:00:00,9,Basic,"Love the recipes. Delivery was quick!"',
        'R_2,2026-05-03 11:00:00,3,Family,"The box arrived late and warm. Support never called back."',
        'R_3,2026-05-04 12:00:00,7,Premium,',
      ]),
    );
    const yaml = configYaml(ws, SURVEY_SOURCE);
    const first = await ingest(ws, yaml);
    expect(first.totals).toMatchObject({ read: 3, new: 3, quarantined: 0 });
    expect(reconciles(first)).toBe(true);

    withDb(ws, (db) => {
      expect(count(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(3);
      const doc = db.prepare(`SELECT * FROM documents WHERE external_id = 'R_2'`).get() as Record<string, unknown>;
      expect(doc).toMatchObject({ kind: 'survey', score: 3, score_scale: 'nps', source_name: 'pulse', needs_analysis: 1 });
      expect(JSON.parse(doc.attributes as string)).toMatchObject({ plan: 'Family' });
      // Sentence segments whose offsets slice the stored document text exactly.
      const segs = db.prepare(`SELECT * FROM segments WHERE document_id = ? ORDER BY idx`).all(doc.id) as Array<Record<string, unknown>>;
      expect(segs.map((s) => s.text)).toEqual(['The box arrived late and warm.', 'Support never called back.']);
      for (const s of segs) expect((doc.text as string).slice(s.char_start as number, s.char_end as number)).toBe(s.text);
    });

    const again = await ingest(ws, yaml);
    expect(again.totals).toMatchObject({ read: 0, new: 0, skippedFile: 1 });
    const forced = await ingest(ws, yaml, { force: true });
    expect(forced.totals).toMatchObject({ read: 3, new: 0, unchanged: 3, updated: 0 });
    expect(reconciles(forced)).toBe(true);
    withDb(ws, (db) => expect(count(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(3));
  });

  it('updates a changed record, replaces its segments and marks it for re-analysis', async () => {
    const path = 'surveys/a.csv';
    ws.write(path, surveyCsv(['R_1,2026-05-02,9,Basic,"Great food."', 'R_2,2026-05-03,4,Basic,"Late box."']));
    const yaml = configYaml(ws, SURVEY_SOURCE);
    await ingest(ws, yaml);
    withDb(ws, (db) => db.prepare('UPDATE documents SET needs_analysis = 0').run());
    ws.write(path, surveyCsv(['R_1,2026-05-02,9,Basic,"Great food."', 'R_2,2026-05-03,2,Basic,"Late box. And it was damaged."']));
    const second = await ingest(ws, yaml);
    expect(second.totals).toMatchObject({ read: 2, new: 0, updated: 1, unchanged: 1 });
    withDb(ws, (db) => {
      const doc = db.prepare(`SELECT id, version, score, needs_analysis, text FROM documents WHERE external_id = 'R_2'`).get() as Record<string, unknown>;
      expect(doc).toMatchObject({ version: 2, score: 2, needs_analysis: 1, text: 'Late box. And it was damaged.' });
      expect(count(db, 'SELECT COUNT(*) AS n FROM segments WHERE document_id = ?', doc.id)).toBe(2);
      expect(count(db, `SELECT COUNT(*) AS n FROM documents WHERE needs_analysis = 1`)).toBe(1);
    });
  });

  it('marks a repeated id within a run as duplicate', async () => {
    ws.write('surveys/a.csv', surveyCsv(['R_1,2026-05-02,9,Basic,"Great food."', 'R_1,2026-05-02,9,Basic,"Great food."']));
    const r = await ingest(ws, configYaml(ws, SURVEY_SOURCE));
    expect(r.totals).toMatchObject({ read: 2, new: 1, duplicate: 1 });
    expect(reconciles(r)).toBe(true);
  });

  it('quarantines bad rows and bad files with reasons, and goes on', async () => {
    ws.write(
      'surveys/good-and-bad.csv',
      surveyCsv([
        'R_1,2026-05-02,9,Basic,"Fine."',
        'R_2,2026-05-02,9,"Basic"', // wrong column count
        `R_3,2026-05-02,2,Basic,"${'very long complaint '.repeat(2000)}"`, // oversized field
        'R_4,2026-05-02,8,Basic,"Good, thanks."',
      ]),
    );
    ws.copy('fixtures/bad/zero-bytes.csv', 'surveys/zero-bytes.csv');
    ws.copy('fixtures/bad/binary-export.xlsx', 'surveys/binary-export.csv');
    ws.write('surveys/missing-column.csv', 'ResponseId,SubmittedAt,Plan,Comment\nR_9,2026-05-02,Basic,"No score column here."\n');
    const r = await ingest(ws, configYaml(ws, SURVEY_SOURCE));
    expect(reconciles(r)).toBe(true);
    expect(r.totals).toMatchObject({ new: 2, quarantined: 5 });
    withDb(ws, (db) => {
      const rows = db.prepare('SELECT path, locator, field, reason FROM quarantine ORDER BY path, locator').all() as Array<Record<string, string>>;
      const reasonFor = (path: string) => rows.filter((q) => q.path === `surveys/${path}`).map((q) => `${q.locator}: ${q.reason}`);
      expect(reasonFor('good-and-bad.csv').join('\n')).toMatch(/line 3: wrong column count: expected 5 columns/);
      expect(reasonFor('good-and-bad.csv').join('\n')).toMatch(/line 4: field "Comment" is 40000 characters long, over the limit of 20000/);
      expect(reasonFor('zero-bytes.csv')[0]).toMatch(/file: empty file/);
      expect(reasonFor('binary-export.csv')[0]).toMatch(/file: binary file/);
      expect(reasonFor('missing-column.csv')[0]).toMatch(/NPS/);
      expect(reasonFor('missing-column.csv')[0]).toMatch(/ResponseId, SubmittedAt, Plan, Comment/);
    });
  });

  it('recovers from an unbalanced quote losing only that line', async () => {
    ws.write(
      'surveys/quote.csv',
      surveyCsv(['R_1,2026-05-02,9,Basic,"Fine."', 'R_2,2026-05-02,3,Basic,"Broken quote here', 'R_3,2026-05-02,8,Basic,"Good."', 'R_4,2026-05-02,8,Basic,"Also good."']),
    );
    const r = await ingest(ws, configYaml(ws, SURVEY_SOURCE));
    expect(reconciles(r)).toBe(true);
    expect(r.totals).toMatchObject({ new: 3, quarantined: 1 });
    withDb(ws, (db) => {
      expect((db.prepare('SELECT locator, reason FROM quarantine').get() as { locator: string; reason: string })).toMatchObject({
        locator: 'line 3',
        reason: expect.stringMatching(/unbalanced quote/),
      });
    });
  });

  it('redacts PII before anything is stored, including quarantine excerpts', async () => {
    ws.write(
      'surveys/pii.csv',
      surveyCsv([
        'R_1,2026-05-02,2,Basic,"Email me at jane.doe@example.com or call +44 20 7946 0958. Card 4111 1111 1111 1111 was charged twice."',
        'R_2,2026-05-02,2,"Basic","jane.doe@example.com wrong columns",extra',
      ]),
    );
    const r = await ingest(ws, configYaml(ws, SURVEY_SOURCE));
    expect(r.redactions).toMatchObject({ email: 1, phone: 1, card: 1 });
    expect(r.totals).toMatchObject({ new: 1, quarantined: 1 });
    const raw = new Database(ws.dbPath, { readonly: true });
    const dump = JSON.stringify([
      raw.prepare('SELECT * FROM documents').all(),
      raw.prepare('SELECT * FROM segments').all(),
      raw.prepare('SELECT * FROM quarantine').all(),
    ]);
    raw.close();
    expect(dump).not.toMatch(/jane\.doe|7946|4111/);
    expect(dump).toContain('[EMAIL]');
    expect(dump).toContain('[CARD]');
  });

  it('redacts ids, titles, attributes and meta with stable hashed ids, so dedup and re-ingest still work', async () => {
    ws.write(
      'tickets/t.csv',
      [
        'id,created,subject,phone,tags,description',
        'jane.doe@example.com,2026-05-02,Refund for jane.doe@example.com,+44 20 7946 0958,"vip,jane.doe@example.com",The box was late.',
        'john.roe@example.com,2026-05-03,Late box,07700 900123,late,The box was late again.',
        '4821,2026-05-04,Missing jar,,,A jar was missing.',
        '',
      ].join('\n'),
    );
    const yaml = configYaml(
      ws,
      `  - name: desk
    kind: ticket
    format: tickets-csv
    paths: "tickets/*.csv"
    mapping: { id: id, title: subject, date: created, text: description, attributes: { phone: phone } }
`,
    );
    const first = await ingest(ws, yaml);
    expect(first.totals).toMatchObject({ read: 3, new: 3, quarantined: 0 });
    // Counted: 2 e-mail ids, the e-mail in a title and in the tags; 2 phone attributes.
    expect(first.redactions).toEqual({ email: 4, phone: 2 });

    const janeId = `[EMAIL:${stableHash('jane.doe@example.com')}]`;
    const johnId = `[EMAIL:${stableHash('john.roe@example.com')}]`;
    expect(janeId).not.toBe(johnId);
    const docs = () =>
      withDb(ws, (db) => db.prepare('SELECT identity, external_id, title, attributes, meta FROM documents ORDER BY id').all() as Array<Record<string, string>>);
    const stored = docs();
    expect(stored.map((d) => d.external_id)).toEqual([janeId, johnId, '4821']);
    expect(stored[0]).toMatchObject({ identity: `ticket:desk:id:${janeId}`, title: 'Refund for [EMAIL]' });
    expect(JSON.parse(stored[0]!.attributes!)).toEqual({ phone: `[PHONE:${stableHash('+44 20 7946 0958')}]` });
    expect(JSON.parse(stored[1]!.attributes!)).toEqual({ phone: `[PHONE:${stableHash('07700 900123')}]` });
    expect(JSON.parse(stored[0]!.meta!)).toMatchObject({ tags: ['vip', janeId] });

    const raw = new Database(ws.dbPath, { readonly: true });
    const dump = JSON.stringify([raw.prepare('SELECT * FROM documents').all(), raw.prepare('SELECT * FROM segments').all()]);
    raw.close();
    expect(dump).not.toMatch(/jane\.doe|john\.roe|7946|900123/);

    // Same file again: the same hashed ids give the same identities and content hashes.
    const again = await ingest(ws, yaml, { force: true });
    expect(again.totals).toMatchObject({ read: 3, new: 0, updated: 0, unchanged: 3, duplicate: 0 });
    expect(docs()).toEqual(stored);
    withDb(ws, (db) => expect(count(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(3));
  });

  it('decodes UTF-16 with BOM and Windows-1252 files', async () => {
    const text = surveyCsv(['R_1,2026-05-02,9,Basic,"Très bon, übergroß, 10€ — merci"']);
    ws.write('surveys/utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace('R_1', 'R_16'), 'utf16le')]));
    ws.write('surveys/cp1252.csv', Buffer.from(text.replace('R_1', 'R_1252').replace('€', '\x80').replace('—', '\x97'), 'latin1'));
    const r = await ingest(ws, configYaml(ws, SURVEY_SOURCE));
    expect(r.totals).toMatchObject({ new: 2, quarantined: 0 });
    withDb(ws, (db) => {
      const texts = (db.prepare('SELECT text FROM documents ORDER BY external_id').all() as { text: string }[]).map((d) => d.text);
      expect(texts).toEqual(['Très bon, übergroß, 10€ — merci', 'Très bon, übergroß, 10€ — merci']);
    });
  });

  it('never reads outside the pipeline root', async () => {
    const outside = makeWorkspace('voc-outside-');
    try {
      outside.write('secret.csv', surveyCsv(['R_1,2026-05-02,9,Basic,"secret"']));
      symlinkSync(join(outside.dir, 'secret.csv'), join(ws.dir, 'linked.csv'));
      const sources = `  - name: escape
    kind: survey
    format: generic-csv
    paths: ["../${outside.dir.split('/').pop()}/secret.csv", "linked.csv", "${outside.dir}/secret.csv"]
    mapping: { id: ResponseId, text: Comment }
`;
      const r = await ingest(ws, configYaml(ws, sources));
      expect(r.totals.read).toBe(0);
      expect(r.refusedPaths.join('\n')).toMatch(/outside the pipeline root/);
      expect(r.refusedPaths.join('\n')).toMatch(/linked\.csv/);
    } finally {
      outside.cleanup();
    }
  });

  it('resumes an interrupted ingest without duplicates', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `R_${i},2026-05-02,${i % 11},Basic,"Comment number ${i}."`);
    ws.write('surveys/big.csv', surveyCsv(rows));
    const yaml = configYaml(ws, SURVEY_SOURCE, 'ingest: { batchSize: 10 }\n');
    await expect(ingest(ws, yaml, { stopAfterRecords: 25 })).rejects.toBeInstanceOf(IngestStopped);
    withDb(ws, (db) => {
      expect(count(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(25);
      expect((db.prepare(`SELECT status FROM sources`).get() as { status: string }).status).toBe('partial');
    });
    const resumed = await ingest(ws, yaml);
    expect(resumed.totals).toMatchObject({ read: 50, new: 25, unchanged: 25, duplicate: 0 });
    withDb(ws, (db) => expect(count(db, 'SELECT COUNT(*) AS n FROM documents')).toBe(50));
  });
});

describe('voc ingest and voc status commands', () => {
  it('prints reconciled counts, --strict fails on quarantine, status --json reports runs', async () => {
    ws.write('surveys/a.csv', surveyCsv(['R_1,2026-05-02,9,Basic,"Fine."', 'R_2,oops,9']));
    ws.writeConfig(configYaml(ws, SURVEY_SOURCE));
    const strict = await runVocInProcess(['ingest', '--config', ws.configPath, '--strict'], ws.dir);
    expect(strict.status).toBe(3);
    expect(strict.stdout).toMatch(/Counts reconcile: read 2 = 1 new \+ 0 updated \+ 0 unchanged \+ 0 duplicate \+ 1 quarantined/);
    expect(strict.stderr).toMatch(/--strict: 1 row/);
    expect(strict.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace

    const status = await runVocInProcess(['status', '--config', ws.configPath, '--json', '--quarantine'], ws.dir);
    expect(status.status).toBe(0);
    const json = JSON.parse(status.stdout) as { runs: Array<{ status: string }>; quarantine: Array<{ locator: string; reason: string }>; documents: Array<{ documents: number }> };
    expect(json.runs[0]!.status).toBe('ok');
    expect(json.quarantine[0]!.locator).toBe('line 3');
    expect(json.documents[0]!.documents).toBe(1);
  });

  it('explains an invalid config by key, value and what is allowed', async () => {
    ws.writeConfig(`name: bad\nsources:\n  - name: x\n    kind: email\n    paths: a.csv\n`);
    const r = await runVocInProcess(['ingest', '--config', ws.configPath], ws.dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/sources\.0\.kind: found "email"; expected one of "survey", "interview", "ticket"/);
  });
});

describe('text preparation of records', () => {
  it('stores greeting lines but does not analyse them', async () => {
    const { isSalutation } = await import('../src/ingest/prepare.js');
    for (const s of ['Hi team,', 'Hello,', 'Good morning,', 'To whom it may concern,', 'Hiya Sam!', 'Dear Kestrel Kitchen,']) expect(isSalutation(s), s).toBe(true);
    for (const s of ['Hi, my box never arrived.', 'Hello? Is anyone reading these?', 'Hey, the app crashed again and I lost my basket.', 'Thanks!', 'Morning deliveries would be great.']) {
      expect(isSalutation(s), s).toBe(false);
    }
    ws.write('surveys/a.csv', surveyCsv(['R_1,2026-05-02,3,Basic,"Hi team,\nThe box was late."']));
    await ingest(ws, configYaml(ws, SURVEY_SOURCE));
    withDb(ws, (db) => {
      const segs = db.prepare('SELECT text, analyse FROM segments ORDER BY idx').all();
      expect(segs).toEqual([
        { text: 'Hi team,', analyse: 0 },
        { text: 'The box was late.', analyse: 1 },
      ]);
    });
  });
});

describe('redaction of record fields', () => {
  it('redacts ids, nested meta values and keys, speakers and string attributes; keeps numbers and the input', () => {
    const redact = createRedactor(RedactionConfig.parse({}));
    const h = (type: string, v: string) => `[${type}:${stableHash(v)}]`;
    const input = {
      kind: 'interview' as const,
      externalId: 'ann@example.com/call-3',
      locator: 'file',
      createdAt: null,
      score: null,
      channel: null,
      title: 'Call with ann@example.com',
      attributes: { phone: '555-123-4567', visits: 5551234567, vip: true, plan: 'Family' },
      meta: { roles: { 'ann@example.com': { decision: 'participant' } }, ips: ['192.168.1.20', 7], note: null },
      parts: [{ text: 'Hi.', speaker: 'ann@example.com', analyse: true }, { text: 'Hello.', analyse: false }],
    };
    const copy = structuredClone(input);
    const { record, redactions } = redactRecordFields(input, redact);
    expect(input).toEqual(copy);
    expect(record.externalId).toBe(`${h('EMAIL', 'ann@example.com')}/call-3`);
    expect(record.title).toBe('Call with [EMAIL]');
    expect(record.attributes).toEqual({ phone: h('PHONE', '555-123-4567'), visits: 5551234567, vip: true, plan: 'Family' });
    expect(record.meta).toEqual({ roles: { [h('EMAIL', 'ann@example.com')]: { decision: 'participant' } }, ips: [h('IP', '192.168.1.20'), 7], note: null });
    expect(record.parts.map((p) => p.speaker)).toEqual([h('EMAIL', 'ann@example.com'), undefined]);
    expect(redactions).toEqual({ email: 4, phone: 1, ip: 1 });
    // A source system's number is kept; a phone-shaped id with a trunk 0 is not.
    expect(redactRecordFields({ ...input, externalId: '5551234567' }, redact).record.externalId).toBe('5551234567');
    expect(redactRecordFields({ ...input, externalId: '07700900123' }, redact).record.externalId).toBe(h('PHONE', '07700900123'));
  });
});
