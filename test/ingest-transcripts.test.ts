/**
 * Interview transcript readers (vtt, srt, otter-txt, speaker-txt) on real files: the fixtures in
 * fixtures/interviews and fixtures/bad/interviews, plus small files written to a temp dir for
 * edge cases. Readers get a real SourceFile and a config validated by the real schema.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceConfig } from '../src/config/pipeline.js';
import { transcriptFormats } from '../src/ingest/transcripts/index.js';
import { FileRejected, type FormatModule, type QuarantineEvent, type RawRecord, type SourceFile } from '../src/ingest/types.js';
import { UserError } from '../src/util/errors.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const INTERVIEWERS = ['Dana Whitfield', 'Marcus Lee'];

/** A SourceFile for a UTF-8 file, the way the engine hands one to a reader. */
async function sourceFile(absPath: string, rootDir: string): Promise<SourceFile> {
  const buf = await readFile(absPath);
  const text = buf.toString('utf8');
  return {
    absPath,
    relPath: path.relative(rootDir, absPath).split(path.sep).join('/'),
    sha256: createHash('sha256').update(buf).digest('hex'),
    sizeBytes: buf.length,
    encoding: 'utf-8',
    head: text.slice(0, 64 * 1024),
    chunks: () => createReadStream(absPath, 'utf8') as AsyncIterable<string>,
    readAll: () => readFile(absPath, 'utf8'),
  };
}

function format(name: string): FormatModule {
  const f = transcriptFormats.find((m) => m.format === name);
  if (!f) throw new Error(`no format ${name}`);
  return f;
}

interface Outcome {
  records: RawRecord[];
  quarantined: QuarantineEvent[];
  rejected?: FileRejected;
}

interface ReadOptions {
  rootDir?: string;
  interview?: Record<string, unknown>;
  maxFieldChars?: number;
}

const fixtureInterview = {
  interviewers: INTERVIEWERS,
  attributesFile: 'fixtures/interviews/participants.csv',
  attributes: { study: 'kestrel-cx-2026' },
};

async function read(formatName: string, absPath: string, opts: ReadOptions = {}): Promise<Outcome> {
  const rootDir = opts.rootDir ?? ROOT;
  const source = SourceConfig.parse({
    name: 'interviews',
    kind: 'interview',
    format: formatName,
    paths: 'fixtures/interviews/**/*',
    interview: opts.interview ?? fixtureInterview,
  });
  const file = await sourceFile(absPath, rootDir);
  const out: Outcome = { records: [], quarantined: [] };
  try {
    const events = format(formatName).read({ source, file, rootDir, limits: { maxFieldChars: opts.maxFieldChars ?? 20_000 } });
    for await (const ev of events) {
      if (ev.type === 'record') out.records.push(ev.record);
      else if (ev.type === 'quarantine') out.quarantined.push(ev);
    }
  } catch (err) {
    if (!(err instanceof FileRejected)) throw err;
    out.rejected = err;
  }
  return out;
}

const fixture = (rel: string): string => path.join(ROOT, 'fixtures', rel);

async function one(formatName: string, rel: string, opts?: ReadOptions): Promise<RawRecord> {
  const { records, quarantined, rejected } = await read(formatName, fixture(rel), opts);
  expect(rejected).toBeUndefined();
  expect(quarantined).toEqual([]);
  expect(records).toHaveLength(1);
  return records[0] as RawRecord;
}

function speakers(r: RawRecord): string[] {
  return [...new Set(r.parts.map((p) => p.speaker))] as string[];
}

/** Consecutive parts never share a speaker: cues were merged into turns. */
function expectMergedTurns(r: RawRecord): void {
  r.parts.slice(1).forEach((p, i) => expect(p.speaker).not.toBe(r.parts[i]?.speaker));
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'voc-transcripts-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function tmpFile(name: string, text: string): Promise<string> {
  const p = path.join(tmp, name);
  await writeFile(p, text, 'utf8');
  return p;
}

describe('fixtures: every interview reads as one record with 25-60 merged turns', () => {
  const all: [string, string][] = [
    ['vtt', 'interviews/vtt/kk-int-01-jordan.vtt'],
    ['vtt', 'interviews/vtt/kk-int-02-alex.vtt'],
    ['srt', 'interviews/srt/kk-int-03-sam.srt'],
    ['srt', 'interviews/srt/2026-10-05-kk-int-04-rita.srt'],
    ['otter-txt', 'interviews/otter/kk-int-05-margaret.txt'],
    ['otter-txt', 'interviews/otter/kk-int-06-dev.txt'],
    ['speaker-txt', 'interviews/notes/kk-int-07-lena.txt'],
    ['speaker-txt', 'interviews/notes/kk-int-08-omar.txt'],
    ['vtt', 'interviews/vtt/kk-int-09-chloe-ben.vtt'],
  ];
  it.each(all)('%s %s', async (fmt, rel) => {
    const r = await one(fmt, rel);
    expect(r.kind).toBe('interview');
    expect(r.locator).toBe('file');
    expect(r.parts.length).toBeGreaterThanOrEqual(25);
    expect(r.parts.length).toBeLessThanOrEqual(60);
    expectMergedTurns(r);
    expect(speakers(r).length).toBeGreaterThanOrEqual(2);
    for (const p of r.parts) {
      expect(p.analyse).toBe(p.role === 'participant');
      expect(p.text).not.toMatch(/<[a-z/]|&amp;|&lt;/);
      expect(p.startMs).toEqual(expect.any(Number));
    }
    expect(r.parts.filter((p) => p.analyse).length).toBeGreaterThan(10);
    expect(r.createdAt).toMatch(/^2026-(0[5-9]|10)-\d\dT/);
    expect(r.attributes).toMatchObject({ study: 'kestrel-cx-2026', plan: expect.any(String), region: expect.any(String), persona: expect.any(String) });
  });

  it.each(all)('sniffing picks %s for %s', async (fmt, rel) => {
    const file = await sourceFile(fixture(rel), ROOT);
    const ranked = transcriptFormats
      .map((f) => ({ f: f.format, score: f.sniff(file.head, path.basename(rel)) }))
      .sort((a, b) => b.score - a.score);
    expect(ranked[0]?.f).toBe(fmt);
    expect(ranked[0]?.score).toBeGreaterThan(0.5);
    expect(ranked[1]?.score ?? 0).toBeLessThan(ranked[0]?.score ?? 0);
  });
});

describe('vtt', () => {
  it('merges voice-span cues into turns with ms timings, strips tags, decodes entities, reads the header title', async () => {
    const r = await one('vtt', 'interviews/vtt/kk-int-01-jordan.vtt');
    expect(r.externalId).toBe('kk-int-01-jordan');
    expect(r.title).toBe('Kestrel Kitchen interview: Jordan (busy parent)');
    expect(r.createdAt).toBe('2026-05-14T00:00:00.000Z');
    expect(r.attributes).toEqual({ study: 'kestrel-cx-2026', persona: 'busy parent', segment: 'new customer', plan: 'Family', region: 'North' });
    const [first, second] = r.parts;
    // Cues 1 (00:00:01.200) and 2 (ends 00:00:13.414) are both Dana's: one turn.
    expect(first).toMatchObject({ speaker: 'Dana Whitfield', role: 'interviewer', analyse: false, startMs: 1200, endMs: 13_414 });
    expect(first?.text).toBe(
      "Hi Jordan, thanks so much for making time. I know evenings are busy with kids. Before we start, is it okay if I record this? It's only for our research team.",
    );
    expect(second).toMatchObject({ speaker: 'Jordan Mills', role: 'participant', analyse: true, startMs: 14_386, endMs: 20_400 });
    expect(r.parts.some((p) => p.text.includes('Lots of pasta, mac & cheese, takeaway, lots of guilt.'))).toBe(true);
    expect(r.meta?.roles).toMatchObject({
      'Dana Whitfield': { role: 'interviewer', reason: 'listed in interview.interviewers' },
      'Jordan Mills': { role: 'participant' },
    });
    expect(r.meta?.cues).toBeGreaterThan(r.parts.length);
  });

  it('takes id and date from a NOTE block, MM:SS.mmm timings, "Name:" labels, <v.loud> spans and inline timestamps', async () => {
    const r = await one('vtt', 'interviews/vtt/kk-int-02-alex.vtt');
    expect(r.externalId).toBe('KK-INT-02');
    expect(r.createdAt).toBe('2026-09-22T00:00:00.000Z');
    expect(speakers(r).sort()).toEqual(['Alex Chen', 'Marcus Lee']);
    expect(r.parts[0]).toMatchObject({ speaker: 'Marcus Lee', startMs: 1200, endMs: 5241 });
    expect(r.parts[2]?.text).toBe('Ha, perfect timing given the topic. Can you tell me a bit about yourself and how you eat during a normal week?');
    expect(r.parts.some((p) => /v5 update in August/.test(p.text) && p.speaker === 'Alex Chen')).toBe(true);
  });

  it('handles several voices in one cue, unlabelled cues, entities, cue settings and markup', async () => {
    const p = await tmpFile(
      'edge.vtt',
      [
        'WEBVTT',
        '',
        'intro',
        '00:00:01.000 --> 00:00:03.000 line:0 align:start',
        '<v Host>So, <b>how</b> was the box?</v>',
        '',
        '00:00:03.500 --> 00:00:06.000',
        '<v.loud Priya Nair>Late &amp; warm.</v> <v Host>Oh no?</v>',
        '',
        '00:00:06.000 --> 00:00:08.000',
        'It was &lt;5&gt; degrees&nbsp;outside <00:00:07.000><c.blue>though</c>.',
        '',
        '00:00:08.000 --> 00:00:10.000',
        'Priya Nair: And the app crashed.',
      ].join('\n'),
    );
    const { records } = await read('vtt', p, { rootDir: tmp, interview: {} });
    const r = records[0] as RawRecord;
    expect(r.parts.map((x) => [x.speaker, x.text, x.startMs, x.endMs, x.role])).toEqual([
      ['Host', 'So, how was the box?', 1000, 3000, 'interviewer'],
      ['Priya Nair', 'Late & warm.', 3500, 6000, 'participant'],
      // The unlabelled cue continues the last speaker (Host).
      ['Host', 'Oh no? It was <5> degrees outside though.', 3500, 8000, 'interviewer'],
      ['Priya Nair', 'And the app crashed.', 8000, 10_000, 'participant'],
    ]);
    expect(r.externalId).toBe('edge');
    expect(r.createdAt).toBeNull();
    expect((r.meta?.roles as Record<string, { reason: string }>).Host?.reason).toMatch(/marks an interviewer/);
  });

  it('finds a "Moderator" by name and keeps two participants apart', async () => {
    const r = await one('vtt', 'interviews/vtt/kk-int-09-chloe-ben.vtt');
    expect(speakers(r)).toEqual(['Moderator', 'Chloe Martin', 'Ben Martin']);
    expect(r.meta?.roles).toMatchObject({
      Moderator: { role: 'interviewer', reason: 'the name "Moderator" marks an interviewer' },
      'Chloe Martin': { role: 'participant' },
      'Ben Martin': { role: 'participant' },
    });
    expect(r.attributes).toMatchObject({ segment: 'win-back', plan: 'Family' });
  });
});

describe('srt', () => {
  it('continues the speaker through unlabelled cues and parses comma timings', async () => {
    const r = await one('srt', 'interviews/srt/kk-int-03-sam.srt');
    expect(r.parts[0]).toMatchObject({ speaker: 'Dana Whitfield', text: 'Hi Sam! Can you hear me okay?', startMs: 1200, endMs: 4038 });
    const sam = r.parts[3];
    expect(sam?.speaker).toBe('Sam Okoro');
    expect(sam?.text).toMatch(/^Yeah, I'm in my third year.*Honestly before Kestrel.*never do\.$/);
    expect(r.createdAt).toBe('2026-06-10T00:00:00.000Z');
    expect(r.attributes).toMatchObject({ persona: 'student', plan: 'Basic', region: 'East' });
  });

  it('reads [Name] prefixes and "- " dialogue lines; the date comes from the file name', async () => {
    const r = await one('srt', 'interviews/srt/2026-10-05-kk-int-04-rita.srt');
    expect(r.externalId).toBe('2026-10-05-kk-int-04-rita');
    expect(r.createdAt).toBe('2026-10-05T00:00:00.000Z');
    expect(speakers(r)).toEqual(['Marcus Lee', 'Rita Alvarez']);
    const q = r.parts.findIndex((p) => p.text === 'So what changed?');
    expect(r.parts[q + 1]?.text).toMatch(/^In the summer the deliveries got bad\. Twice in July/);
    // Both dialogue lines share the cue's timing.
    expect(r.parts[q]?.startMs).toBe(r.parts[q + 1]?.startMs);
    expect(r.attributes).toMatchObject({ persona: 'churned customer', segment: 'churned' });
  });

  it('names nobody in unlabelled dialogue lines "Unknown" and strips {\\an8} and <font>', async () => {
    const p = await tmpFile(
      'dash.srt',
      ['1', '00:00:01,000 --> 00:00:02,500', '{\\an8}<font color="#fff">- Was it late?</font>', '- Yes, two days.', ''].join('\r\n'),
    );
    const { records } = await read('srt', p, { rootDir: tmp, interview: {} });
    expect(records[0]?.parts.map((x) => [x.speaker, x.text])).toEqual([['Unknown', 'Was it late? Yes, two days.']]);
  });
});

describe('otter-txt', () => {
  it('finds the interviewer by questions asked when config does not name him, and says why', async () => {
    const r = await one('otter-txt', 'interviews/otter/kk-int-05-margaret.txt');
    const roles = r.meta?.roles as Record<string, { role: string; reason: string; questionShare: number }>;
    expect(roles['Tomás Rivera']).toMatchObject({ role: 'interviewer' });
    expect(roles['Tomás Rivera']?.reason).toMatch(/^asks the most questions: \d+ of \d+ turns \(\d+%\) end with "\?"/);
    expect(roles['Margaret Okafor']).toMatchObject({ role: 'participant', questionShare: 0 });
    expect(r.parts.filter((p) => p.speaker === 'Tomás Rivera').every((p) => !p.analyse && p.role === 'interviewer')).toBe(true);
    expect(r.title).toBe('Kestrel Kitchen interview - Margaret');
    expect(r.createdAt).toBe('2026-07-08T10:02:00.000Z');
    // Margaret has no file row in the sidecar, only a participant row.
    expect(r.attributes).toMatchObject({ persona: 'retiree', segment: 'loyal', plan: 'Basic', region: 'East' });
    // Otter has start stamps only: a turn ends when the next starts.
    expect(r.parts[0]).toMatchObject({ startMs: 1000, endMs: 8000 });
    expect(r.parts.at(-1)?.endMs).toBeUndefined();
    // Otter split some long turns into paragraphs with a repeated speaker line: merged again.
    expect(r.meta?.cues).toBeGreaterThan(r.parts.length);
  });

  it('uses config names over the heuristic', async () => {
    const r = await one('otter-txt', 'interviews/otter/kk-int-06-dev.txt');
    expect(r.parts[0]).toMatchObject({ speaker: 'Marcus Lee', role: 'interviewer', analyse: false });
    expect(r.attributes).toMatchObject({ persona: 'small-business owner', plan: 'Premium' });
    // The sidecar date wins over the Otter header date (Aug 27, 2026 2:30PM).
    expect(r.createdAt).toBe('2026-08-27T00:00:00.000Z');
  });
});

describe('speaker-txt', () => {
  it('reads the header, [HH:MM:SS] stamps and multi-line turns', async () => {
    const r = await one('speaker-txt', 'interviews/notes/kk-int-07-lena.txt');
    expect(r.externalId).toBe('KK-INT-07');
    expect(r.title).toBe('Kestrel Kitchen interview - Lena (shift worker)');
    expect(r.createdAt).toBe('2026-08-14T00:00:00.000Z');
    expect(r.parts[3]).toMatchObject({ speaker: 'Lena Vogel', startMs: 23_000, endMs: 39_000 });
    expect(r.parts[3]?.text).toMatch(/mixed\. My husband works regular hours.*frozen pizza\.$/);
  });

  it('reads (MM:SS) stamps and a "# title"', async () => {
    const r = await one('speaker-txt', 'interviews/notes/kk-int-08-omar.txt');
    expect(r.title).toBe('Kestrel Kitchen interview 08 - Omar');
    expect(r.parts[1]).toMatchObject({ speaker: 'Omar Haddad', startMs: 6000, role: 'participant' });
  });

  it('reads stamps after the name and after the colon', async () => {
    const p = await tmpFile(
      'stamps.txt',
      ['Dana Whitfield (00:20): How was the box?', 'Lena Vogel: [00:00:25] Wet again.', 'Dana Whitfield [1:02:03]: Oh no?', 'Lena Vogel: Yes.'].join('\n'),
    );
    const { records } = await read('speaker-txt', p, { rootDir: tmp, interview: {} });
    expect(records[0]?.parts.map((x) => [x.speaker, x.startMs, x.endMs, x.text])).toEqual([
      ['Dana Whitfield', 20_000, 25_000, 'How was the box?'],
      ['Lena Vogel', 25_000, 3_723_000, 'Wet again.'],
      ['Dana Whitfield', 3_723_000, undefined, 'Oh no?'],
      ['Lena Vogel', undefined, undefined, 'Yes.'],
    ]);
  });

  it('does not take a one-off "Word:" inside a turn for a speaker, and reads Q/A transcripts', async () => {
    const p = await tmpFile(
      'qa.txt',
      [
        'Q: How was the first box?',
        'A: Late.',
        'Honestly: it was two days late and warm.',
        'Q: Did you call support?',
        'A: Yes, forty minutes on hold.',
        'Q: Would you recommend Kestrel?',
        'A: Maybe.',
      ].join('\n'),
    );
    const { records } = await read('speaker-txt', p, { rootDir: tmp, interview: {} });
    const r = records[0] as RawRecord;
    expect(r.parts).toHaveLength(6);
    expect(r.parts[1]).toMatchObject({ speaker: 'A', role: 'participant', text: 'Late. Honestly: it was two days late and warm.' });
    expect(r.parts[0]).toMatchObject({ speaker: 'Q', role: 'interviewer', analyse: false });
    expect(r.parts[0]?.startMs).toBeUndefined();
  });
});

describe('roles', () => {
  const chat = [
    'Kim: Hi, how did you hear about us?',
    'Lee: Instagram.',
    'Kim: And the first box?',
    'Lee: It was late, honestly.',
    'Kim: Did you call support?',
    'Lee: I did, is that normal?',
    'Kim: What happened then?',
    'Lee: Nothing.',
  ].join('\n');

  it('picks the question asker, or obeys config participants/interviewers (case-insensitive)', async () => {
    const p = await tmpFile('roles.txt', chat);
    const heuristic = (await read('speaker-txt', p, { rootDir: tmp, interview: {} })).records[0] as RawRecord;
    expect(heuristic.parts.map((x) => x.role).slice(0, 2)).toEqual(['interviewer', 'participant']);
    const configured = (await read('speaker-txt', p, { rootDir: tmp, interview: { interviewers: ['LEE'] } })).records[0] as RawRecord;
    expect(configured.parts.map((x) => x.role).slice(0, 2)).toEqual(['participant', 'interviewer']);
    expect(configured.meta?.roles).toMatchObject({ Lee: { reason: 'listed in interview.interviewers' } });
    const both = (await read('speaker-txt', p, { rootDir: tmp, interview: { participants: ['kim', 'lee'] } })).records[0] as RawRecord;
    expect(both.parts.every((x) => x.role === 'participant' && x.analyse)).toBe(true);
  });

  it('calls everyone a participant when nobody clearly asks questions', async () => {
    const p = await tmpFile('flat.txt', 'Kim: Fine.\nLee: Good.\nKim: Sure.\nLee: Yes.\n');
    const r = (await read('speaker-txt', p, { rootDir: tmp, interview: {} })).records[0] as RawRecord;
    expect(r.parts.every((x) => x.role === 'participant')).toBe(true);
    expect((r.meta?.roles as Record<string, { reason: string }>).Kim?.reason).toMatch(/no interviewer could be identified/);
  });
});

describe('sidecar attributes', () => {
  it('matches a file row without extension and reads created_at; refuses paths outside the root', async () => {
    const p = await tmpFile('kk-x.txt', 'Kim: Hi?\nLee: Hello.\nKim: Box?\nLee: Late.\n');
    await tmpFile('side.csv', 'File,Persona,Plan,created_at\nkk-x,student,Basic,2026-06-01 14:30\n');
    const r = (await read('speaker-txt', p, { rootDir: tmp, interview: { attributesFile: 'side.csv', attributes: { study: 's1' } } })).records[0];
    expect(r?.attributes).toEqual({ study: 's1', Persona: 'student', Plan: 'Basic' });
    expect(r?.createdAt).toBe('2026-06-01T14:30:00.000Z');
    await expect(read('speaker-txt', p, { rootDir: tmp, interview: { attributesFile: '../side.csv' } })).rejects.toThrow(UserError);
    await expect(read('speaker-txt', p, { rootDir: tmp, interview: { attributesFile: 'missing.csv' } })).rejects.toThrow(/not found/);
    await tmpFile('nokey.csv', 'persona,plan\nstudent,Basic\n');
    await expect(read('speaker-txt', p, { rootDir: tmp, interview: { attributesFile: 'nokey.csv' } })).rejects.toThrow(/"file" or "participant" column/);
  });
});

describe('bad transcripts', () => {
  const bad = (name: string): string => fixture(`bad/interviews/${name}`);

  it.each([
    ['vtt', 'empty.vtt', /^empty file/],
    ['srt', 'blank.srt', /^empty file/],
    ['speaker-txt', 'no-turns.txt', /^no speaker turns found/],
    ['otter-txt', 'no-turns.txt', /^no speaker turns found/],
    ['vtt', 'no-turns.vtt', /^no speaker turns found/],
    ['vtt', 'not-webvtt.vtt', /^not a WebVTT file/],
  ])('%s rejects %s', async (fmt, name, reason) => {
    const { records, rejected } = await read(fmt, bad(name));
    expect(records).toEqual([]);
    expect(rejected?.message).toMatch(reason);
  });

  it('shows the first lines of a file without turns', async () => {
    const { rejected } = await read('speaker-txt', bad('no-turns.txt'));
    expect(rejected?.excerpt).toMatch(/^Kestrel Kitchen interview notes, 3 June 2026\nParticipant was late/);
  });

  it('quarantines SRT cues with malformed timings by cue number and keeps the rest', async () => {
    const { records, quarantined } = await read('srt', bad('malformed-timings.srt'));
    expect(quarantined.map((q) => q.locator)).toEqual(['cue 2', 'cue 4', 'cue 5', 'cue 8']);
    expect(quarantined[1]?.reason).toMatch(/start time "00:01:75,000"/);
    expect(quarantined[2]?.reason).toMatch(/before start time/);
    expect(quarantined[0]?.excerpt).toContain('-> 00:00:09,000');
    expect(records[0]?.parts.map((p) => p.text)).toEqual([
      'Thanks for joining. How did you hear about Kestrel?',
      'The first box came two days late though.',
      'And would you recommend Kestrel?',
      'For the food yes, for the delivery no.',
    ]);
  });

  it('quarantines VTT cues with malformed or missing timings and does not merge across the gap', async () => {
    const { records, quarantined } = await read('vtt', bad('malformed-cues.vtt'));
    expect(quarantined.map((q) => [q.locator, q.reason.slice(0, 30)])).toEqual([
      ['cue 2', 'malformed cue timing on line 8'],
      ['cue 4', 'cue 4 (line 15) has no timing '],
    ]);
    expect(records[0]?.parts.map((p) => [p.speaker, p.startMs])).toEqual([
      ['Dana Whitfield', 1000],
      ['Priya Nair', 9000],
      ['Dana Whitfield', 13_000],
      ['Priya Nair', 16_500],
    ]);
  });

  it('quarantines an Otter turn with a bad stamp by line and reads H:MM:SS stamps', async () => {
    const { records, quarantined } = await read('otter-txt', bad('bad-stamp-otter.txt'));
    expect(quarantined).toEqual([
      expect.objectContaining({ locator: 'line 13', field: 'Priya Nair', excerpt: 'I waited on the phone for forty minutes.' }),
    ]);
    const parts = records[0]?.parts ?? [];
    expect(parts.map((p) => [p.speaker, p.startMs, p.endMs])).toEqual([
      ['Dana Whitfield', 0, 5000],
      ['Priya Nair', 5000, 12_000],
      ['Dana Whitfield', 12_000, undefined],
      ['Dana Whitfield', 3_723_000, 3_729_000],
      ['Priya Nair', 3_729_000, undefined],
    ]);
    expect(records[0]?.createdAt).toBe('2026-09-15T09:00:00.000Z');
  });

  it('quarantines turns longer than maxFieldChars by line with the speaker as field', async () => {
    const { records, quarantined } = await read('speaker-txt', fixture('interviews/notes/kk-int-07-lena.txt'), { maxFieldChars: 300 });
    expect(quarantined.length).toBeGreaterThan(0);
    for (const q of quarantined) {
      expect(q.locator).toMatch(/^line \d+$/);
      expect(['Lena Vogel', 'Dana Whitfield']).toContain(q.field);
      expect(q.reason).toMatch(/longer than the limit of 300/);
    }
    expect(records[0]?.parts.every((p) => p.text.length <= 300)).toBe(true);
    expect((records[0]?.parts.length ?? 0) + quarantined.length).toBe(37);
    const none = await read('speaker-txt', fixture('interviews/notes/kk-int-07-lena.txt'), { maxFieldChars: 5 });
    expect(none.rejected?.message).toMatch(/^no speaker turns left: all 37 turns were quarantined/);
  });

  it('sniffs nothing in a file without turns', async () => {
    const file = await sourceFile(bad('no-turns.txt'), ROOT);
    for (const f of transcriptFormats) expect(f.sniff(file.head, 'no-turns.txt')).toBeLessThan(0.3);
  });
});
