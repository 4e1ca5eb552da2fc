/**
 * The survey readers on the committed fixtures and the broken files, through real SourceFiles
 * (files read from disk and streamed in chunks), the real CSV layer and real parsers. Expected
 * values are cross-checked against csv-parse/JSON.parse reading the same fixture independently.
 */
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parse as parseCsvSync } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { SourceConfig } from '../src/config/pipeline.js';
import { surveyFormats } from '../src/ingest/surveys/index.js';
import { parseDate as parseSurveyDate } from '../src/ingest/dates.js';
import { parseScore } from '../src/ingest/surveys/scores.js';
import { looksFreeText } from '../src/ingest/surveys/generic-csv.js';
import { FileRejected, type FormatModule, type QuarantineEvent, type RawRecord, type ReaderEvent, type SourceFile } from '../src/ingest/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const HEAD_CHARS = 64 * 1024;

/** A SourceFile over a UTF-8 file: streamed in small chunks so records cross chunk boundaries. */
function sourceFile(absPath: string): SourceFile {
  const text = readFileSync(absPath, 'utf8');
  return {
    absPath,
    relPath: absPath.startsWith(ROOT) ? absPath.slice(ROOT.length + 1) : basename(absPath),
    sha256: 'test',
    sizeBytes: Buffer.byteLength(text),
    encoding: 'utf-8',
    head: text.slice(0, HEAD_CHARS),
    chunks: () => createReadStream(absPath, { encoding: 'utf8', highWaterMark: 4096 }),
    readAll: () => readFile(absPath, 'utf8'),
  };
}

/** A SourceFile over already-decoded text, as the engine hands over non-UTF-8 files. */
function decodedFile(name: string, text: string): SourceFile {
  const body = text.replace(/^\uFEFF/, '');
  return {
    absPath: name,
    relPath: name,
    sha256: 'test',
    sizeBytes: body.length,
    encoding: 'decoded',
    head: body.slice(0, HEAD_CHARS),
    async *chunks() {
      for (let i = 0; i < body.length; i += 100) yield body.slice(i, i + 100);
    },
    readAll: async () => body,
  };
}

function formatOf(name: string): FormatModule {
  const f = surveyFormats.find((m) => m.format === name);
  if (!f) throw new Error(`no reader ${name}`);
  return f;
}

async function read(format: string, file: SourceFile, source: Record<string, unknown> = {}, maxFieldChars = 20_000): Promise<ReaderEvent[]> {
  const config = SourceConfig.parse({ name: 'test', kind: 'survey', format, paths: file.relPath, ...source });
  const events: ReaderEvent[] = [];
  for await (const ev of formatOf(format).read({ source: config, file, rootDir: ROOT, limits: { maxFieldChars } })) events.push(ev);
  return events;
}

async function readFixture(format: string, rel: string, source: Record<string, unknown> = {}, maxFieldChars?: number): Promise<ReaderEvent[]> {
  return read(format, sourceFile(join(ROOT, rel)), source, maxFieldChars);
}

function records(events: ReaderEvent[]): RawRecord[] {
  return events.flatMap((e) => (e.type === 'record' ? [e.record] : []));
}

function quarantined(events: ReaderEvent[]): QuarantineEvent[] {
  return events.flatMap((e) => (e.type === 'quarantine' ? [e] : []));
}

async function rejection(p: Promise<unknown>): Promise<FileRejected> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FileRejected);
  return err as FileRejected;
}

function csvRows(rel: string): string[][] {
  return parseCsvSync(readFileSync(join(ROOT, rel), 'utf8'), { relax_column_count: true }) as string[][];
}

// ---------------------------------------------------------------------------------------------

describe('date and score parsing', () => {
  it('reads the date shapes survey tools write, zone-less as UTC unless a zone is given', () => {
    expect(parseSurveyDate('2026-05-03T14:22:10Z')).toBe('2026-05-03T14:22:10.000Z');
    expect(parseSurveyDate('2026-05-03T14:22:10+02:00')).toBe('2026-05-03T12:22:10.000Z');
    expect(parseSurveyDate('2026-05-03 14:22:10')).toBe('2026-05-03T14:22:10.000Z');
    expect(parseSurveyDate('2026-05-03')).toBe('2026-05-03T00:00:00.000Z');
    expect(parseSurveyDate('05/03/2026 14:22')).toBe('2026-05-03T14:22:00.000Z');
    expect(parseSurveyDate('05/03/2026 02:22:10 PM')).toBe('2026-05-03T14:22:10.000Z');
    expect(parseSurveyDate('05/03/2026 12:05:00 AM')).toBe('2026-05-03T00:05:00.000Z');
    expect(parseSurveyDate('14/08/2026 19:40')).toBe('2026-08-14T19:40:00.000Z');
    expect(parseSurveyDate('3 May 2026 14:22')).toBe('2026-05-03T14:22:00.000Z');
    expect(parseSurveyDate('Sep 7, 2026')).toBe('2026-09-07T00:00:00.000Z');
    // Qualtrics names the account time zone: London is UTC+1 in summer, UTC+0 in winter.
    expect(parseSurveyDate('2026-05-03 14:22:10', 'Europe/London')).toBe('2026-05-03T13:22:10.000Z');
    expect(parseSurveyDate('2026-11-03 14:22:10', 'Europe/London')).toBe('2026-11-03T14:22:10.000Z');
    expect(parseSurveyDate('2026-05-03 14:22:10', 'America/Denver')).toBe('2026-05-03T20:22:10.000Z');
    for (const bad of ['yesterday', '2026-02-30', '13/13/2026', '2026-05-03 25:00', '']) expect(parseSurveyDate(bad)).toBeNull();
  });

  it('reads numbers, numbers with labels and satisfaction labels; rejects out-of-range with a warning', () => {
    expect(parseScore('9', 'nps', 'Q1').score).toEqual({ value: 9, scale: 'nps' });
    expect(parseScore('10 - Extremely likely', 'nps', 'Q1').score?.value).toBe(10);
    expect(parseScore('Very satisfied', 'csat5', 'Q').score?.value).toBe(5);
    expect(parseScore('Neither satisfied nor dissatisfied', 'csat5', 'Q').score?.value).toBe(3);
    expect(parseScore('', 'nps', 'Q1')).toEqual({ score: null });
    expect(parseScore('11', 'nps', 'Q1').warning).toBe('score 11 in Q1 is outside the nps scale (0-10)');
    expect(parseScore('7.5', 'nps', 'Q1').score).toBeNull();
    expect(parseScore('n/a', 'stars5', 'rating').warning).toContain('"n/a" in rating is not a number');
    expect(parseScore('4.5', 'stars5', 'rating').score?.value).toBe(4.5);
  });

  it('tells free text from categories, numbers and dates', () => {
    expect(looksFreeText('comment', ['Box was late again and warm', 'Great recipes', 'ok'])).toBe(true);
    expect(looksFreeText('plan', ['Basic', 'Family', 'Basic', 'Premium', 'Family', 'Basic'])).toBe(false);
    expect(looksFreeText('rating', ['1', '5', '4', '2', '3'])).toBe(false);
    expect(looksFreeText('when', ['2026-05-01', '2026-05-02', '2026-05-03'])).toBe(false);
    expect(looksFreeText('notes', [])).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------

describe('qualtrics-csv', () => {
  const FIXTURE = 'fixtures/surveys/nps-relationship-qualtrics.csv';

  it('reads every response of the NPS survey with ids, scores, dates, labelled parts and embedded data', async () => {
    const events = await readFixture('qualtrics-csv', FIXTURE);
    const recs = records(events);
    const rows = csvRows(FIXTURE).slice(3);
    const real = rows.filter((r) => r[2] !== 'Survey Preview');
    expect(recs.length).toBe(real.length);
    expect(recs.length).toBeGreaterThanOrEqual(140);
    // Previews are not lost silently: each is a quarantine event on its own line.
    const previews = quarantined(events);
    expect(previews.map((q) => q.reason)).toEqual(['survey preview response', 'survey preview response']);
    expect(previews.map((q) => q.locator)).toEqual(rows.flatMap((r, i) => (r[2] === 'Survey Preview' ? [`line ${i + 4}`] : [])));

    recs.forEach((rec, i) => {
      const row = real[i] as string[];
      expect(rec.externalId).toBe(row[8]);
      expect(rec.score).toEqual({ value: Number(row[18]), scale: 'nps' });
      expect(rec.channel).toBe(row[15]);
      expect(rec.attributes).toEqual({ plan: row[23], region: row[24], tenure: row[25] });
      expect(rec.meta?.npsGroup).toBe(row[17]);
      expect(rec.parts.map((p) => p.text)).toEqual([row[19], row[20], row[22]].map((t) => (t ?? '').trim()).filter(Boolean));
    });
    const first = recs[0] as RawRecord;
    expect(first.locator).toBe('line 4');
    // "2026-05-01 16:20:09" in Europe/London (BST) is 15:20:09 UTC.
    expect(first.createdAt).toBe('2026-05-01T15:20:09.000Z');
    expect(first.parts[0]).toEqual({ field: 'Q2: What is the main reason for your score?', text: real[0]?.[19], role: 'respondent', analyse: true });
    expect(first.meta?.questions).toMatchObject({ Q2: 'What is the main reason for your score?' });
    expect(first.meta).toMatchObject({ finished: true, progress: 100 });
    expect(new Set(recs.map((r) => r.externalId)).size).toBe(recs.length);
    expect(recs.every((r) => r.createdAt !== null && r.createdAt >= '2026-05-01' && r.createdAt < '2026-11-01')).toBe(true);
    // Score-only responses are records with no parts: they still count for NPS.
    expect(recs.some((r) => r.parts.length === 0 && r.score !== null)).toBe(true);
    expect(recs.every((r) => r.meta?.warnings === undefined)).toBe(true);
  });

  it('keeps PII columns and non-text questions out of attributes and parts', async () => {
    const recs = records(await readFixture('qualtrics-csv', FIXTURE));
    const keys = new Set(recs.flatMap((r) => Object.keys(r.attributes)));
    expect([...keys].sort()).toEqual(['plan', 'region', 'tenure']);
    const fields = new Set(recs.flatMap((r) => r.parts.map((p) => p.field?.split(':')[0])));
    expect([...fields].sort()).toEqual(['Q2', 'Q3', 'Q5']);
  });

  it('lets a mapping name columns by question text and map PII explicitly', async () => {
    const recs = records(
      await readFixture('qualtrics-csv', FIXTURE, {
        mapping: { text: ['What is one thing we could improve?'], date: 'RecordedDate', attributes: { email: 'RecipientEmail' } },
      }),
    );
    expect(new Set(recs.flatMap((r) => r.parts.map((p) => p.field)))).toEqual(new Set(['Q3: What is one thing we could improve?']));
    expect(recs.some((r) => typeof r.attributes.email === 'string' && r.attributes.email.includes('@example.com'))).toBe(true);
    expect(recs[0]?.score?.scale).toBe('nps'); // NPS still found from the _NPS_GROUP column
  });

  it('rejects the file when a mapped column is missing, naming it and showing the header', async () => {
    const err = await rejection(readFixture('qualtrics-csv', 'fixtures/bad/surveys/qualtrics-missing-responseid.csv', { mapping: { id: 'ResponseId' } }));
    expect(err.message).toBe('missing required column "ResponseId" (mapping.id); the Qualtrics export header has: StartDate, EndDate, Status, Q1, Q2');
  });

  it('reads legacy exports without the ImportId row, and numeric Status codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'voc-surveys-'));
    const path = join(dir, 'legacy.csv');
    const rows = ['R_1,0,2026-06-01 10:00:00,2,"Late box, warm chicken"', 'R_2,1,2026-06-01 11:00:00,9,preview', 'R_3,2,2026-06-01 12:00:00,5,test'];
    writeFileSync(path, `ResponseID,Status,StartDate,Q1,Q2\nResponse ID,Response Type,Start Date,How likely?,Why?\n${rows.join('\n')}\n`);
    const events = await read('qualtrics-csv', sourceFile(path), { mapping: { text: ['Q2'], score: { field: 'Q1' } } });
    expect(quarantined(events).map((q) => [q.locator, q.reason])).toEqual([
      ['line 4', 'survey preview response'],
      ['line 5', 'survey test response (generated by Qualtrics)'],
    ]);
    const recs = records(events);
    expect(recs).toHaveLength(1);
    expect(recs[0]).toMatchObject({ externalId: 'R_1', locator: 'line 3', createdAt: '2026-06-01T10:00:00.000Z', score: { value: 2, scale: 'nps' } });
    expect(recs[0]?.parts[0]).toMatchObject({ field: 'Q2: Why?', text: 'Late box, warm chicken' });
  });
});

// ---------------------------------------------------------------------------------------------

describe('surveymonkey-csv', () => {
  const FIXTURE = 'fixtures/surveys/onboarding-csat-surveymonkey.csv';
  const Q_SAT = 'How satisfied were you with your first Kestrel Kitchen box?';
  const Q_BOX = 'Tell us about your first box: what stood out, good or bad?';
  const Q_SETUP = 'What, if anything, would have made setting up easier?';
  const MAPPING = {
    mapping: {
      id: 'Respondent ID',
      text: [Q_BOX, Q_SETUP, 'How did your first box arrive? (select all that apply) - Other (please specify)'],
      score: { field: Q_SAT, scale: 'csat5' },
      date: 'Start Date',
      attributes: { region: 'Custom Data 1', plan: 'Which plan did you sign up for?' },
    },
  };

  it('combines the two header rows and reads every response with its CSAT label as a score', async () => {
    const events = await readFixture('surveymonkey-csv', FIXTURE, MAPPING);
    const rows = csvRows(FIXTURE).slice(2);
    const recs = records(events);
    expect(quarantined(events)).toEqual([]);
    expect(recs.length).toBe(rows.length);
    expect(recs.length).toBeGreaterThanOrEqual(70);
    const labels = ['Very dissatisfied', 'Dissatisfied', 'Neither satisfied nor dissatisfied', 'Satisfied', 'Very satisfied'];
    recs.forEach((rec, i) => {
      const row = rows[i] as string[];
      expect(rec.externalId).toBe(row[0]);
      expect(rec.score).toEqual({ value: labels.indexOf(row[9] as string) + 1, scale: 'csat5' });
      expect(rec.attributes).toEqual({ region: row[8], plan: row[19] });
      expect(rec.parts.map((p) => p.text)).toEqual([row[16], row[18], row[15]].map((t) => (t ?? '').trim()).filter(Boolean));
    });
    const first = recs[0] as RawRecord;
    expect(first.createdAt).toBe(parseSurveyDate(rows[0]?.[2] as string));
    expect(first.createdAt).toBe('2026-05-02T11:01:31.000Z'); // "05/02/2026 11:01:31 AM"
    expect(first.parts[0]?.field).toBe(Q_BOX);
    const other = recs.flatMap((r) => r.parts).find((p) => p.field?.includes('Other'));
    expect(other?.field).toBe('How did your first box arrive? (select all that apply) - Other (please specify)');
  });

  it('finds ids, dates, the satisfaction score and the open-ended answers without a mapping', async () => {
    const recs = records(await readFixture('surveymonkey-csv', FIXTURE));
    const mapped = records(await readFixture('surveymonkey-csv', FIXTURE, MAPPING));
    expect(recs.map((r) => [r.externalId, r.score, r.createdAt])).toEqual(mapped.map((r) => [r.externalId, r.score, r.createdAt]));
    expect(new Set(recs.flatMap((r) => r.parts.map((p) => p.field)))).toEqual(new Set(mapped.flatMap((r) => r.parts.map((p) => p.field))));
    // PII columns are never attributes by default.
    expect(new Set(recs.flatMap((r) => Object.keys(r.attributes)))).toEqual(new Set(['Custom Data 1']));
  });

  it('rejects a mapping that names a question the export does not have', async () => {
    const err = await rejection(readFixture('surveymonkey-csv', FIXTURE, { mapping: { score: { field: 'How likely are you to recommend us?' } } }));
    expect(err.message).toContain('missing required column "How likely are you to recommend us?" (mapping.score.field)');
    expect(err.message).toContain('the SurveyMonkey export header has: Respondent ID, Collector ID, Start Date');
  });
});

// ---------------------------------------------------------------------------------------------

describe('typeform-json', () => {
  const FIXTURE = 'fixtures/surveys/post-purchase-pulse-typeform.json';

  it('reads every item: text answers as parts, the opinion scale as score, hidden fields as attributes', async () => {
    const events = await readFixture('typeform-json', FIXTURE, { mapping: { score: { field: 'checkout_rating', scale: 'csat5' } } });
    const items = (JSON.parse(readFileSync(join(ROOT, FIXTURE), 'utf8')) as { items: Record<string, unknown>[] }).items;
    const recs = records(events);
    expect(quarantined(events)).toEqual([]);
    expect(recs).toHaveLength(items.length);
    recs.forEach((rec, i) => {
      const item = items[i] as { response_id: string; submitted_at: string; hidden: Record<string, string>; answers: { field: { ref: string }; type: string; text?: string; number?: number }[] };
      expect(rec.locator).toBe(`record ${i + 1}`);
      expect(rec.externalId).toBe(item.response_id);
      expect(rec.createdAt).toBe(new Date(item.submitted_at).toISOString());
      expect(rec.score).toEqual({ value: item.answers.find((a) => a.field.ref === 'checkout_rating')?.number, scale: 'csat5' });
      expect(rec.attributes).toEqual(item.hidden);
      const texts = item.answers.filter((a) => a.type === 'text').map((a) => ({ field: a.field.ref, text: a.text }));
      expect(rec.parts.map((p) => ({ field: p.field, text: p.text }))).toEqual(texts);
    });
    // Email answers are contact details, not feedback: never parts.
    expect(recs.flatMap((r) => r.parts).some((p) => p.text.includes('@'))).toBe(false);
    expect(recs.some((r) => r.parts.length === 0 || r.parts.every((p) => p.field !== 'checkout_comment'))).toBe(true);
  });

  it('maps choice answers by ref and limits attributes to the mapped ones', async () => {
    const recs = records(await readFixture('typeform-json', FIXTURE, { mapping: { text: ['checkout_comment'], attributes: { device: 'device', plan: 'plan', promo: 'used_promo' } } }));
    expect(Object.keys(recs[0]?.attributes ?? {}).sort()).toEqual(['device', 'plan', 'promo']);
    expect(new Set(recs.map((r) => r.attributes.device))).toEqual(new Set(['Website', 'iOS app', 'Android app']));
    expect(recs.every((r) => typeof r.attributes.promo === 'boolean')).toBe(true);
    expect(recs.flatMap((r) => r.parts.map((p) => p.field)).every((f) => f === 'checkout_comment')).toBe(true);
  });

  it('rejects invalid JSON with the line and column of the error', async () => {
    const err = await rejection(readFixture('typeform-json', 'fixtures/bad/surveys/invalid-typeform.json'));
    expect(err.message).toMatch(/^invalid JSON: .* \(line 6, column \d+\)$/);
  });

  it('quarantines items without an id or with malformed answers, and warns about unusable values', async () => {
    const events = await readFixture('typeform-json', 'fixtures/bad/surveys/typeform-bad-items.json', { mapping: { score: { field: 'checkout_rating', scale: 'csat5' } } });
    const q = quarantined(events);
    expect(q.map((e) => e.locator)).toEqual(['record 2', 'record 3']);
    expect(q[0]?.reason).toBe('invalid Typeform item: response_id: an item needs a "response_id" or a "token"');
    expect(q[1]?.reason).toMatch(/^invalid Typeform item: answers: /);
    const recs = records(events);
    expect(recs.map((r) => r.externalId)).toEqual(['ok1', 'ok2']);
    expect(recs[1]).toMatchObject({ createdAt: null, score: null });
    expect(recs[1]?.meta?.warnings).toEqual([
      'date "yesterday" in submitted_at is not a date format this reader knows',
      'score 9 in checkout_rating is outside the csat5 scale (1-5)',
    ]);
  });

  it('rejects an empty file and a mapping naming an unknown field', async () => {
    expect((await rejection(readFixture('typeform-json', 'fixtures/bad/surveys/empty-typeform.json'))).message).toContain('empty file');
    const err = await rejection(readFixture('typeform-json', FIXTURE, { mapping: { text: ['nps_reason'] } }));
    expect(err.message).toMatch(/^missing required field "nps_reason" \(mapping\.text\); the Typeform items have: response_id, token, landed_at, submitted_at, /);
  });
});

// ---------------------------------------------------------------------------------------------

describe('generic-csv', () => {
  const FIXTURE = 'fixtures/surveys/in-app-feedback.csv';
  const MAPPING = {
    mapping: {
      id: 'feedback_id',
      text: 'comment',
      score: { field: 'rating', scale: 'stars5' },
      date: 'submitted',
      attributes: { plan: 'plan', region: 'region', platform: 'platform', app_version: 'app_version' },
    },
  };
  const HEADER = 'feedback_id, submitted, app_version, platform, screen, rating, comment, plan, ... 1 more';

  it('reads messy but valid rows: quoted newlines, commas, quotes, other date formats', async () => {
    const events = await readFixture('generic-csv', FIXTURE, MAPPING);
    const rows = csvRows(FIXTURE).slice(1);
    const recs = records(events);
    expect(quarantined(events)).toEqual([]);
    expect(recs).toHaveLength(rows.length);
    expect(recs.map((r) => r.externalId)).toEqual(rows.map((r) => r[0]));
    const byId = new Map(recs.map((r) => [r.externalId, r]));
    // IA-2602 spans lines 4-6, so IA-2603 starts on line 7.
    expect(byId.get('IA-2602')?.locator).toBe('line 4');
    expect(byId.get('IA-2603')?.locator).toBe('line 7');
    expect(byId.get('IA-2602')?.parts).toEqual([{ field: 'comment', text: 'Great recipes.\nQuick to pick meals.\nHappy, mostly!', role: 'respondent', analyse: true }]);
    expect(byId.get('IA-2608')?.parts[0]?.text).toBe('The "Swap meal" button does nothing, tapped it 10 times');
    expect(byId.get('IA-2620')?.parts[0]?.text).toContain('Since v5:\r\n- crash on menu edit');
    expect(byId.get('IA-2611')?.createdAt).toBe('2026-08-14T08:12:00.000Z');
    expect(byId.get('IA-2612')?.createdAt).toBe('2026-08-14T19:40:00.000Z');
    expect(byId.get('IA-2600')).toMatchObject({ createdAt: '2026-05-06T10:26:36.000Z', score: { value: 5, scale: 'stars5' } });
    expect(byId.get('IA-2600')?.attributes).toEqual({ plan: 'Basic', region: 'West', platform: 'android', app_version: '4.9.2' });
    // A score-only response is a record with zero parts; an unusable rating keeps the comment.
    expect(byId.get('IA-2614')).toMatchObject({ parts: [], score: { value: Number(rows[14]?.[5]), scale: 'stars5' } });
    expect(byId.get('IA-2617')?.score).toBeNull();
    expect(byId.get('IA-2617')?.parts).toHaveLength(1);
    expect(byId.get('IA-2617')?.meta?.warnings).toEqual(['score "n/a" in rating is not a number; expected 1-5 (stars5)']);
  });

  it('guesses id, date and the free-text column without a mapping', async () => {
    const recs = records(await readFixture('generic-csv', FIXTURE));
    expect(recs[0]).toMatchObject({ externalId: 'IA-2600', createdAt: '2026-05-06T10:26:36.000Z', score: null });
    expect(new Set(recs.flatMap((r) => r.parts.map((p) => p.field)))).toEqual(new Set(['comment']));
  });

  it('rejects a file missing a mapped column, naming it and showing the header found', async () => {
    const err = await rejection(readFixture('generic-csv', 'fixtures/bad/surveys/missing-column.csv', MAPPING));
    expect(err.message).toBe(
      'missing required columns "rating" (mapping.score.field), "plan" (mapping.attributes.plan), "region" (mapping.attributes.region), ' +
        '"platform" (mapping.attributes.platform), "app_version" (mapping.attributes.app_version); the CSV file header has: feedback_id, submitted, stars, comment',
    );
  });

  it('quarantines rows with the wrong number of columns, with their line and the header', async () => {
    const events = await readFixture('generic-csv', 'fixtures/bad/surveys/wrong-column-count.csv', MAPPING);
    expect(records(events).map((r) => r.externalId)).toEqual(['B-1', 'B-4']);
    expect(quarantined(events).map((q) => [q.locator, q.reason])).toEqual([
      ['line 3', `wrong column count: expected 9 columns as in the header (${HEADER}), found 10`],
      ['line 4', `wrong column count: expected 9 columns as in the header (${HEADER}), found 6`],
    ]);
  });

  it('quarantines the line of an unbalanced quote and reads on', async () => {
    const events = await readFixture('generic-csv', 'fixtures/bad/surveys/unbalanced-quote.csv', MAPPING);
    expect(records(events).map((r) => r.externalId)).toEqual(['B-1', 'B-3']);
    const q = quarantined(events);
    expect(q).toHaveLength(1);
    expect(q[0]?.locator).toBe('line 3');
    expect(q[0]?.reason).toMatch(/^unbalanced quote/);
  });

  it('quarantines an oversized field with its name', async () => {
    const events = await readFixture('generic-csv', 'fixtures/bad/surveys/oversized-field.csv', MAPPING);
    expect(records(events).map((r) => r.externalId)).toEqual(['B-1', 'B-3']);
    const q = quarantined(events);
    expect(q.map((e) => [e.locator, e.field])).toEqual([['line 3', 'comment']]);
    expect(q[0]?.reason).toBe('field "comment" is 25300 characters long, over the limit of 20000 (ingest.maxFieldChars)');
  });

  it('rejects an empty file', async () => {
    const err = await rejection(readFixture('generic-csv', 'fixtures/bad/surveys/empty.csv', MAPPING));
    expect(err.message).toBe('empty file: no header row found (a CSV file starts with a header row)');
  });

  it('reads the Windows-1252 and UTF-16LE fixtures once decoded, keeping é, ü, ’, € and –', async () => {
    const cp1252 = readFileSync(join(ROOT, 'fixtures/surveys/in-app-feedback-windows1252.csv'));
    const utf16 = readFileSync(join(ROOT, 'fixtures/surveys/in-app-feedback-utf16le.csv'));
    expect([...utf16.subarray(0, 2)]).toEqual([0xff, 0xfe]); // the BOM the engine must detect
    expect(cp1252.includes(0x80)).toBe(true); // € in Windows-1252
    const a = records(await read('generic-csv', decodedFile('w.csv', iconv.decode(cp1252, 'windows-1252')), MAPPING));
    const b = records(await read('generic-csv', decodedFile('u.csv', iconv.decode(utf16, 'utf-16le')), MAPPING));
    expect(a).toHaveLength(6);
    expect(b.map((r) => r.parts)).toEqual(a.map((r) => r.parts));
    expect(b.map((r) => r.externalId)).toEqual(['U-1', 'U-2', 'U-3', 'U-4', 'U-5', 'U-6']);
    const text = a.flatMap((r) => r.parts.map((p) => p.text)).join(' ');
    for (const ch of ['é', 'ü', '’', '€', '–', 'Ü', '…']) expect(text).toContain(ch);
  });
});

// ---------------------------------------------------------------------------------------------

describe('sniffing', () => {
  const best = (rel: string): string => {
    const head = readFileSync(join(ROOT, rel), 'utf8').slice(0, HEAD_CHARS);
    const scored = surveyFormats.map((f) => [f.format, f.sniff(head, basename(rel))] as const).sort((x, y) => y[1] - x[1]);
    return scored[0]?.[1] && scored[0][1] > 0.3 ? scored[0][0] : 'none';
  };

  it('recognises each fixture as its own format', () => {
    expect(best('fixtures/surveys/nps-relationship-qualtrics.csv')).toBe('qualtrics-csv');
    expect(best('fixtures/surveys/onboarding-csat-surveymonkey.csv')).toBe('surveymonkey-csv');
    expect(best('fixtures/surveys/post-purchase-pulse-typeform.json')).toBe('typeform-json');
    expect(best('fixtures/surveys/in-app-feedback.csv')).toBe('generic-csv');
    // A broken Typeform file still looks like Typeform: the reader then rejects it with a reason.
    expect(best('fixtures/bad/surveys/invalid-typeform.json')).toBe('typeform-json');
    const plain = surveyFormats.map((f) => f.sniff('WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello', 'call.vtt'));
    expect(Math.max(...plain)).toBeLessThanOrEqual(0.3);
  });
});
