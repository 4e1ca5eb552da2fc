import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PipelineConfig, SourceConfig } from '../src/config/pipeline.js';
import { freshdeskJson } from '../src/ingest/tickets/freshdesk.js';
import { ticketsCsv, ticketsJsonl } from '../src/ingest/tickets/generic.js';
import { ticketFormats } from '../src/ingest/tickets/index.js';
import { intercomJson } from '../src/ingest/tickets/intercom.js';
import { zendeskJson } from '../src/ingest/tickets/zendesk.js';
import { FileRejected, type FormatModule, type QuarantineEvent, type RawRecord, type SourceFile } from '../src/ingest/types.js';
import { cleanEmailBody } from '../src/text/email.js';
import { normalizeText } from '../src/text/normalize.js';

const ROOT = resolve(import.meta.dirname, '..');
const FIX = join(ROOT, 'fixtures', 'tickets');
const BAD = join(ROOT, 'fixtures', 'bad', 'tickets');

/** A real SourceFile over a UTF-8 file; small chunks so line splitting crosses chunk borders. */
async function sourceFile(path: string): Promise<SourceFile> {
  const text = await readFile(path, 'utf8');
  return {
    absPath: path,
    relPath: relative(ROOT, path),
    sha256: createHash('sha256').update(text).digest('hex'),
    sizeBytes: (await stat(path)).size,
    encoding: 'utf-8',
    head: text.slice(0, 64 * 1024),
    chunks: () => createReadStream(path, { encoding: 'utf8', highWaterMark: 1000 }) as AsyncIterable<string>,
    readAll: () => readFile(path, 'utf8'),
  };
}

interface Result {
  records: RawRecord[];
  quarantined: QuarantineEvent[];
}

async function read(mod: FormatModule, path: string, source: Partial<Record<string, unknown>> = {}, maxFieldChars = 20_000): Promise<Result> {
  const config = SourceConfig.parse({ name: 'test', kind: 'ticket', format: mod.format, paths: [relative(ROOT, path)], ...source });
  return readWith(mod, path, config, maxFieldChars);
}

async function readWith(mod: FormatModule, path: string, config: SourceConfig, maxFieldChars = 20_000): Promise<Result> {
  const out: Result = { records: [], quarantined: [] };
  for await (const ev of mod.read({ source: config, file: await sourceFile(path), rootDir: ROOT, limits: { maxFieldChars } })) {
    if (ev.type === 'record') out.records.push(ev.record);
    else if (ev.type === 'quarantine') out.quarantined.push(ev);
  }
  return out;
}

async function rejection(mod: FormatModule, path: string, source: Partial<Record<string, unknown>> = {}): Promise<FileRejected> {
  const err = await read(mod, path, source).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FileRejected);
  return err as FileRejected;
}

async function rawJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

function bestSniff(head: string, fileName: string): string | undefined {
  const scored = ticketFormats.map((f) => ({ f: f.format, s: f.sniff(head, fileName) })).sort((a, b) => b.s - a.s);
  return scored[0] && scored[0].s > 0.3 ? scored[0].f : undefined;
}

/** Every part's role decides analyse: only the customer's own, public messages are analysed. */
function expectRolesConsistent(records: RawRecord[]): void {
  for (const r of records) {
    expect(r.kind).toBe('ticket');
    for (const p of r.parts) {
      expect(p.text.trim()).not.toBe('');
      if (p.role !== 'customer') expect(p.analyse).toBe(false);
    }
    expect(r.parts.some((p) => p.analyse)).toBe(true);
  }
}

describe('sniffing', () => {
  it.each([
    ['zendesk-export.json', 'zendesk-json'],
    ['intercom-conversations.json', 'intercom-json'],
    ['freshdesk-tickets.json', 'freshdesk-json'],
    ['social-dms.csv', 'tickets-csv'],
    ['webform-feedback.jsonl', 'tickets-jsonl'],
  ])('%s is sniffed as %s', async (file, format) => {
    const head = (await readFile(join(FIX, file), 'utf8')).slice(0, 64 * 1024);
    expect(bestSniff(head, file)).toBe(format);
  });

  it('sniffs Zendesk JSON lines as Zendesk, not as generic JSONL', () => {
    const head = '{"id":1,"via":{"channel":"email"},"requester_id":5,"description":"x"}\n{"id":2,"via":{"channel":"web"},"requester_id":6}\n';
    expect(bestSniff(head, 'export.jsonl')).toBe('zendesk-json');
  });
});

describe('zendesk-json', () => {
  const path = join(FIX, 'zendesk-export.json');
  type RawTicket = { id: number; requester_id: number; via: { channel: string }; satisfaction_rating: { score: string; comment?: string } | null; comments: { author_id: number; public: boolean; html_body?: string }[] };
  let res: Result;
  let raw: { tickets: RawTicket[] };
  beforeAll(async () => {
    res = await read(zendeskJson, path);
    raw = await rawJson(path);
  });

  it('reads every ticket as one record, in order, with record locators', () => {
    expect(res.quarantined).toEqual([]);
    expect(res.records).toHaveLength(120);
    expect(res.records.map((r) => r.externalId)).toEqual(raw.tickets.map((t) => String(t.id)));
    expect(res.records[4]?.locator).toBe('record 5');
    expect(res.records.every((r) => r.createdAt && r.createdAt >= '2026-05-01' && r.createdAt <= '2026-11-01')).toBe(true);
  });

  it('normalises channels (voice -> phone)', () => {
    const channels = new Set(res.records.map((r) => r.channel));
    expect(channels).toEqual(new Set(['email', 'web', 'chat', 'phone']));
    const voice = raw.tickets.findIndex((t) => t.via.channel === 'voice');
    expect(res.records[voice]?.channel).toBe('phone');
  });

  it('one part per comment; requester comments are the customer, the rest agents; notes never analysed', () => {
    expectRolesConsistent(res.records);
    raw.tickets.forEach((t, i) => {
      const rec = res.records[i]!;
      const extra = t.satisfaction_rating?.comment ? 1 : 0;
      expect(rec.parts).toHaveLength(t.comments.length + extra);
      t.comments.forEach((c, k) => {
        const part = rec.parts[k]!;
        expect(part.role).toBe(c.author_id === t.requester_id ? 'customer' : 'agent');
        expect(part.analyse).toBe(c.author_id === t.requester_id && c.public);
        expect(part.html).toBe(Boolean(c.html_body));
        expect(part.email).toBe(t.via.channel === 'email');
      });
    });
    const agentPart = res.records.flatMap((r) => r.parts).find((p) => p.role === 'agent' && p.field === 'comment');
    expect(agentPart?.speaker).toMatch(/^(Priya|Sam|Jordan|Alex|Mia|Callum|Nadia)/);
    expect(res.records.flatMap((r) => r.parts).filter((p) => p.role === 'customer').every((p) => p.speaker === 'customer')).toBe(true);
  });

  it('maps CSAT good/bad to 5/1 on csat5, offered to no score, and keeps the raw value in meta', () => {
    raw.tickets.forEach((t, i) => {
      const rec = res.records[i]!;
      const score = t.satisfaction_rating?.score;
      if (score === 'good') expect(rec.score).toEqual({ value: 5, scale: 'csat5' });
      else if (score === 'bad') expect(rec.score).toEqual({ value: 1, scale: 'csat5' });
      else expect(rec.score).toBeNull();
      if (score) expect(rec.meta?.satisfaction).toBe(score);
    });
    expect(res.records.filter((r) => r.score?.value === 5).length).toBeGreaterThan(5);
    expect(res.records.filter((r) => r.score?.value === 1).length).toBeGreaterThan(5);
  });

  it('keeps tags, status, priority, type in meta and the requester’s user_fields as attributes', () => {
    const r = res.records[0]!;
    expect(r.meta).toMatchObject({ tags: expect.arrayContaining([expect.stringMatching(/^plan_/)]), status: expect.any(String), priority: expect.any(String), type: expect.any(String) });
    expect(r.attributes).toEqual({ plan: expect.stringMatching(/^(Basic|Family|Premium)$/), region: expect.stringMatching(/^(North|South|East|West)$/) });
    expect(r.title).toBe((raw.tickets[0] as unknown as { subject: string }).subject);
  });

  it('customer e-mail parts clean down to the customer’s words (HTML and plain)', () => {
    const parts = res.records.flatMap((r) => r.parts).filter((p) => p.role === 'customer' && p.email);
    expect(parts.length).toBeGreaterThan(60);
    for (const p of parts) {
      // As the ingest engine prepares it: normalise (HTML to text), then clean the e-mail.
      const cleaned = cleanEmailBody(normalizeText(p.text, { html: p.html ?? false }));
      expect(cleaned).not.toBe('');
      expect(cleaned).not.toMatch(/Kestrel Kitchen Customer Care|wrote:|Original Message|Sent from my|Get Outlook/);
    }
  });

  describe('other Zendesk shapes', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'voc-zendesk-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('side-loaded comments (list with ticket_id, or keyed by ticket) and users with end-user role', async () => {
      const doc = {
        tickets: [
          { id: 1, subject: 'a', via: { channel: 'web' }, requester_id: 5 },
          { id: 2, subject: 'b', via: { channel: 'twitter' }, requester_id: 6 },
        ],
        users: [
          { id: 5, role: 'end-user', user_fields: { plan: 'Basic' } },
          { id: 7, role: 'end-user' },
          { id: 9, role: 'agent', name: 'Sam Carter' },
        ],
        comments: [
          { ticket_id: 1, author_id: 5, body: 'My box is late.', public: true },
          { ticket_id: 1, author_id: 9, body: 'Sorry!', public: true },
          { ticket_id: 1, author_id: 7, body: 'Same for me, I am the neighbour.', public: true },
          { ticket_id: 2, author_id: 6, body: 'App crashes.', public: true },
        ],
      };
      const file = join(dir, 'sideloaded.json');
      await writeFile(file, JSON.stringify(doc));
      const { records } = await read(zendeskJson, file);
      expect(records.map((r) => r.parts.map((p) => p.role))).toEqual([['customer', 'agent', 'customer'], ['customer']]);
      expect(records[0]?.parts[1]?.speaker).toBe('Sam Carter');
      expect(records[0]?.attributes).toEqual({ plan: 'Basic' });
      expect(records[1]?.channel).toBe('social');

      const keyed = { tickets: doc.tickets, comments: { '2': [{ author_id: 6, body: 'Keyed comment', public: true }] } };
      await writeFile(file, JSON.stringify(keyed));
      const again = await read(zendeskJson, file);
      expect(again.quarantined.map((q) => q.reason)).toEqual([expect.stringContaining('ticket 1 has no message text')]);
      expect(again.records[0]?.parts[0]?.text).toBe('Keyed comment');
    });

    it('a bare array of tickets without comments uses the description; JSON lines are streamed', async () => {
      const arr = join(dir, 'array.json');
      await writeFile(arr, JSON.stringify([{ id: 'Z-1', description: 'Box left in the rain.', via: { channel: 'email' }, satisfaction_rating: { score: 'bad', comment: 'Slow reply' } }]));
      const { records } = await read(zendeskJson, arr);
      expect(records[0]?.parts.map((p) => [p.field, p.role, p.analyse, p.email ?? false])).toEqual([
        ['description', 'customer', true, true],
        ['satisfaction comment', 'customer', true, false],
      ]);
      expect(records[0]?.score).toEqual({ value: 1, scale: 'csat5' });

      const jsonl = join(dir, 'incremental.jsonl');
      await writeFile(jsonl, '{"id":1,"via":{"channel":"chat"},"requester_id":5,"description":"one"}\n{"id":2,"via":{"channel":"chat"},"requester_id":5,"description":"two"}\n{"id":"bad"\n');
      const lines = await read(zendeskJson, jsonl);
      expect(lines.records.map((r) => [r.externalId, r.locator])).toEqual([
        ['1', 'line 1'],
        ['2', 'line 2'],
      ]);
      expect(lines.quarantined[0]).toMatchObject({ locator: 'line 3', reason: expect.stringContaining('invalid JSON') });
    });

    it('a ticket with wrong types is quarantined with the zod path; the rest go on', async () => {
      const file = join(dir, 'types.json');
      await writeFile(file, JSON.stringify({ tickets: [{ id: 1, description: 'ok' }, { id: 2, description: 'x', tags: 'delivery' }, { description: 'no id' }] }));
      const { records, quarantined } = await read(zendeskJson, file);
      expect(records.map((r) => r.externalId)).toEqual(['1']);
      expect(quarantined).toEqual([
        expect.objectContaining({ locator: 'record 2', field: 'tags', reason: expect.stringMatching(/^not a valid Zendesk ticket: tags: .*expected array/) }),
        expect.objectContaining({ locator: 'record 3', field: 'id' }),
      ]);
    });

    it('a text longer than ingest.maxFieldChars quarantines the ticket', async () => {
      const { records, quarantined } = await read(zendeskJson, path, {}, 300);
      expect(quarantined.length).toBeGreaterThan(0);
      expect(quarantined[0]?.reason).toMatch(/text too long: .* the limit is 300/);
      expect(records.length + quarantined.length).toBe(120);
    });
  });

  it('rejects invalid JSON with the line and column of the error', async () => {
    const err = await rejection(zendeskJson, join(BAD, 'zendesk-invalid.json'));
    expect(err.message).toMatch(/invalid JSON in Zendesk file at line 6, column 7/);
  });
});

describe('intercom-json', () => {
  const path = join(FIX, 'intercom-conversations.json');
  type RawPart = { part_type: string; body: string | null; author: { type: string } };
  type RawConv = { id: string; source: { type: string; author: { type: string } }; conversation_parts: { conversation_parts: RawPart[] }; conversation_rating: { rating: number; remark: string | null } | null };
  let res: Result;
  let raw: { conversations: RawConv[] };
  beforeAll(async () => {
    res = await read(intercomJson, path);
    raw = await rawJson(path);
  });

  it('reads 90 conversations with ids, dates from unix seconds, chat/email channels', () => {
    expect(res.quarantined).toEqual([]);
    expect(res.records).toHaveLength(90);
    expect(res.records.map((r) => r.externalId)).toEqual(raw.conversations.map((c) => c.id));
    expect(res.records[0]?.createdAt).toMatch(/^2026-(0[5-9]|10)-\d\dT/);
    expect(new Set(res.records.map((r) => r.channel))).toEqual(new Set(['chat', 'email']));
    res.records.forEach((r, i) => expect(r.channel).toBe(raw.conversations[i]?.source.type === 'email' ? 'email' : 'chat'));
  });

  it('skips parts without a body; users are customers, admins agents, bots system; notes not analysed', () => {
    expectRolesConsistent(res.records);
    const expectedRole = (t: string): string => (t === 'user' || t === 'lead' ? 'customer' : t === 'admin' ? 'agent' : 'system');
    raw.conversations.forEach((c, i) => {
      const rec = res.records[i]!;
      const withBody = c.conversation_parts.conversation_parts.filter((p) => p.body !== null && p.body.trim() !== '');
      const remark = c.conversation_rating?.remark ? 1 : 0;
      expect(rec.parts).toHaveLength(1 + withBody.length + remark);
      expect(rec.parts[0]).toMatchObject({ field: 'source', role: expectedRole(c.source.author.type), html: true });
      withBody.forEach((p, k) => {
        const part = rec.parts[k + 1]!;
        expect(part.role).toBe(expectedRole(p.author.type));
        expect(part.analyse).toBe(part.role === 'customer' && p.part_type !== 'note');
        expect(part.html).toBe(true);
      });
    });
    const all = res.records.flatMap((r) => r.parts);
    expect(all.some((p) => p.role === 'system' && p.speaker === 'Kes (bot)')).toBe(true);
    expect(all.some((p) => p.field === 'note' && !p.analyse)).toBe(true);
  });

  it('maps the 1-5 rating to csat5 and keeps tags and custom attributes', () => {
    raw.conversations.forEach((c, i) => {
      const rating = c.conversation_rating?.rating;
      expect(res.records[i]?.score).toEqual(rating == null ? null : { value: rating, scale: 'csat5' });
    });
    expect(res.records.filter((r) => r.score).length).toBeGreaterThan(20);
    expect(res.records[0]?.meta?.tags).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(Object.keys(res.records[0]?.attributes ?? {}).sort()).toEqual(expect.arrayContaining(['plan', 'region']));
  });

  it('quarantines conversations with wrong types, naming the path, and keeps the good one', async () => {
    const { records, quarantined } = await read(intercomJson, join(BAD, 'intercom-wrong-types.json'));
    expect(records.map((r) => r.externalId)).toEqual(['1']);
    expect(quarantined.map((q) => [q.locator, q.field])).toEqual([
      ['record 2', 'conversation_rating.rating'],
      ['record 3', 'conversation_parts.conversation_parts'],
    ]);
    expect(quarantined[0]?.reason).toMatch(/not a valid Intercom conversation: conversation_rating\.rating: .*expected number/);
  });
});

describe('freshdesk-json', () => {
  const path = join(FIX, 'freshdesk-tickets.json');
  type RawTicket = { id: number; source: number; status: number; priority: number; conversations: { incoming: boolean; private: boolean }[] };
  let res: Result;
  let raw: RawTicket[];
  beforeAll(async () => {
    res = await read(freshdeskJson, path);
    raw = await rawJson(path);
  });

  it('reads 70 tickets and maps source codes to channels', () => {
    expect(res.quarantined).toEqual([]);
    expect(res.records).toHaveLength(70);
    const channelOf: Record<number, string> = { 1: 'email', 2: 'web', 3: 'phone', 7: 'chat', 9: 'web', 10: 'email' };
    raw.forEach((t, i) => expect(res.records[i]?.channel).toBe(channelOf[t.source]));
    expect(new Set(raw.map((t) => t.source))).toEqual(new Set([1, 2, 3, 7, 9, 10]));
  });

  it('maps status and priority codes to names in meta; custom fields to attributes without cf_', () => {
    const statuses: Record<number, string> = { 2: 'open', 3: 'pending', 4: 'resolved', 5: 'closed' };
    const priorities: Record<number, string> = { 1: 'low', 2: 'medium', 3: 'high', 4: 'urgent' };
    raw.forEach((t, i) => {
      expect(res.records[i]?.meta).toMatchObject({ status: statuses[t.status], priority: priorities[t.priority] });
    });
    expect(res.records[0]?.attributes).toEqual({ plan: expect.any(String), region: expect.any(String) });
    expect(res.records.every((r) => r.score === null)).toBe(true);
  });

  it('description is the customer’s unless outbound; incoming public entries are the customer’s', () => {
    expectRolesConsistent(res.records);
    raw.forEach((t, i) => {
      const rec = res.records[i]!;
      expect(rec.parts[0]).toMatchObject({ field: 'description', role: t.source === 10 ? 'agent' : 'customer', html: true });
      t.conversations.forEach((c, k) => {
        const part = rec.parts[k + 1]!;
        expect(part.role).toBe(c.incoming && !c.private ? 'customer' : 'agent');
        expect(part.field).toBe(c.private ? 'private note' : 'conversation');
        // Conversation `source` codes are reply/note codes; the ticket's channel decides e-mail.
        expect(part.email).toBe(t.source === 1 || t.source === 10);
      });
    });
    expect(raw.some((t) => t.source === 10)).toBe(true);
    const replies = res.records.flatMap((r) => r.parts).filter((p) => p.role === 'customer' && p.email && p.field === 'conversation');
    expect(replies.length).toBeGreaterThan(5);
    for (const p of replies) expect(cleanEmailBody(normalizeText(p.text, { html: p.html ?? false }))).not.toMatch(/Kestrel Kitchen Customer Care|Original Message|wrote:|^$/);
  });

  it('quarantines a ticket whose source is not a number', async () => {
    const { records, quarantined } = await read(freshdeskJson, join(BAD, 'freshdesk-wrong-types.json'));
    expect(records.map((r) => r.externalId)).toEqual(['1']);
    expect(quarantined).toEqual([expect.objectContaining({ locator: 'record 2', field: 'source' })]);
  });
});

describe('tickets-csv', () => {
  const path = join(FIX, 'social-dms.csv');
  const mapping = { id: 'conversation_id', text: 'message', date: 'created_at', channel: 'platform', attributes: { plan: 'plan', region: 'region' } };

  it('reads the social DM export: ids, social channel, attributes, tags in meta', async () => {
    const { records, quarantined } = await read(ticketsCsv, path, { mapping });
    expect(quarantined).toEqual([]);
    expect(records).toHaveLength(40);
    expect(records.map((r) => r.externalId)).toEqual(Array.from({ length: 40 }, (_, i) => `DM-${8800 + i}`));
    expect(records[0]?.locator).toBe('line 2');
    expect(new Set(records.map((r) => r.channel))).toEqual(new Set(['social']));
    expect(records.every((r) => r.parts.length === 1 && r.parts[0]?.role === 'customer' && r.parts[0].analyse && r.parts[0].field === 'message')).toBe(true);
    expect(records.every((r) => typeof r.attributes.region === 'string')).toBe(true);
    expect(records[0]?.meta?.tags).toEqual(expect.arrayContaining([expect.any(String)]));
    expect(records[0]?.createdAt).toMatch(/^2026-/);
  });

  it('rejects the file when a mapped column is missing, naming it and showing the header', async () => {
    const err = await rejection(ticketsCsv, join(BAD, 'social-missing-column.csv'), { mapping });
    expect(err.message).toContain('"message" (mapping.text)');
    expect(err.message).toContain('conversation_id, created_at, platform, handle, text');
  });

  it('quarantines rows with a wrong column count or an unclosed quote; the rest go on', async () => {
    const { records, quarantined } = await read(ticketsCsv, join(BAD, 'social-bad-rows.csv'), { mapping });
    expect(records.map((r) => r.externalId)).toEqual(['DM-1', 'DM-4']);
    expect(quarantined.map((q) => q.locator)).toEqual(['line 3', 'line 4']);
    expect(quarantined[0]?.reason).toMatch(/wrong column count: expected 8/);
    expect(quarantined[1]?.reason).toMatch(/unbalanced quote/);
  });

  it('quarantines a score outside its scale, naming the column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'voc-tcsv-'));
    try {
      const file = join(dir, 't.csv');
      await writeFile(file, 'id,body,rating\n1,late again,2\n2,great,good\n3,hm,9\n');
      const { records, quarantined } = await read(ticketsCsv, file, { mapping: { id: 'id', score: { field: 'rating', scale: 'csat5' } } });
      expect(records.map((r) => [r.externalId, r.score?.value, r.parts[0]?.field])).toEqual([
        ['1', 2, 'body'],
        ['2', 5, 'body'],
      ]);
      expect(quarantined).toEqual([expect.objectContaining({ locator: 'line 4', field: 'rating', reason: expect.stringMatching(/rating: .*<=5/) })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('tickets-jsonl', () => {
  const path = join(FIX, 'webform-feedback.jsonl');
  const mapping = {
    id: 'ticket_id',
    text: 'message',
    title: 'subject',
    date: 'submitted',
    channel: 'channel',
    score: { field: 'csat', scale: 'csat5' },
    attributes: { plan: 'customer.plan', region: 'customer.region' },
  };

  it('reads web form tickets with dotted attribute paths, csat5 scores and channels', async () => {
    const { records, quarantined } = await read(ticketsJsonl, path, { mapping });
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { ticket_id: string; csat: number | null; channel: string; customer: { plan: string } });
    expect(quarantined).toEqual([]);
    expect(records.map((r) => r.externalId)).toEqual(lines.map((l) => l.ticket_id));
    records.forEach((r, i) => {
      const l = lines[i]!;
      expect(r.locator).toBe(`line ${i + 1}`);
      expect(r.score).toEqual(l.csat == null ? null : { value: l.csat, scale: 'csat5' });
      expect(r.channel).toBe(l.channel === 'in-app' ? 'app' : 'web');
      expect(r.attributes.plan).toBe(l.customer.plan);
      expect(r.title).toEqual(expect.any(String));
      expect(r.meta?.priority).toMatch(/high|normal/);
    });
  });

  it('quarantines a bad line with the JSON error and keeps reading', async () => {
    const { records, quarantined } = await read(ticketsJsonl, join(BAD, 'tickets-bad-line.jsonl'), { mapping: { id: 'ticket_id', text: 'message', channel: 'channel' } });
    expect(records.map((r) => [r.externalId, r.locator])).toEqual([
      ['B-1', 'line 1'],
      ['B-3', 'line 3'],
    ]);
    expect(quarantined).toEqual([expect.objectContaining({ locator: 'line 2', reason: expect.stringMatching(/^invalid JSON: .* at column 108$/) })]);
  });

  it('without mapping.text, falls back to a "message"/"description"-like field', async () => {
    const { records } = await read(ticketsJsonl, join(BAD, 'tickets-bad-line.jsonl'));
    expect(records.map((r) => r.parts[0]?.field)).toEqual(['message', 'message']);
    expect(records[0]?.externalId).toBeNull();
  });
});

describe('edge cases', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'voc-tickets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, content: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, content);
    return file;
  }

  it('JSON lines are streamed: neither JSONL reader calls readAll()', async () => {
    const file = await write('stream.jsonl', '{"id":1,"via":{"channel":"web"},"requester_id":2,"description":"a"}\n{"id":2,"via":{"channel":"web"},"requester_id":2,"description":"b"}\n');
    for (const mod of [zendeskJson, ticketsJsonl]) {
      const file$ = { ...(await sourceFile(file)), readAll: () => Promise.reject(new Error('readAll must not be used for JSON lines')) };
      const config = SourceConfig.parse({ name: 't', kind: 'ticket', format: mod.format, paths: ['x'], mapping: { id: 'id', text: 'description' } });
      const ids: (string | null)[] = [];
      for await (const ev of mod.read({ source: config, file: file$, rootDir: ROOT, limits: { maxFieldChars: 1000 } })) if (ev.type === 'record') ids.push(ev.record.externalId);
      expect(ids, mod.format).toEqual(['1', '2']);
    }
  });

  it('empty files and wrong containers are rejected with what was expected', async () => {
    const empty = await write('empty.json', '  \n');
    expect((await rejection(zendeskJson, empty)).message).toMatch(/empty file/);
    expect((await rejection(ticketsJsonl, empty)).message).toMatch(/empty file/);
    expect((await rejection(ticketsCsv, empty)).message).toMatch(/empty file/);
    const other = await write('other.json', '{"items": []}');
    expect((await rejection(intercomJson, other)).message).toMatch(/expected \{ "conversations": \[\.\.\.\] \}/);
    expect((await rejection(freshdeskJson, other)).message).toMatch(/expected an array of tickets/);
    expect((await rejection(zendeskJson, other)).message).toMatch(/not a Zendesk export/);
  });

  it('Intercom bare arrays; Freshdesk { tickets } containers; Zendesk trigger comments are system', async () => {
    const ic = await write('ic.json', JSON.stringify([{ id: 7, source: { type: 'whatsapp', body: '<p>hi</p>', author: { type: 'lead' } }, conversation_parts: { conversation_parts: [{ part_type: 'close', body: null, author: { type: 'admin' } }] } }]));
    const icRes = await read(intercomJson, ic);
    expect(icRes.records.map((r) => [r.externalId, r.channel, r.parts.length, r.parts[0]?.role])).toEqual([['7', 'messenger', 1, 'customer']]);

    const fd = await write('fd.json', JSON.stringify({ tickets: [{ id: 9, description_text: 'plain only', source: 5, status: 6, priority: 4 }] }));
    const fdRes = await read(freshdeskJson, fd);
    expect(fdRes.records[0]).toMatchObject({ channel: 'social', meta: { status: 'waiting on customer', priority: 'urgent', source: 'Twitter' } });
    expect(fdRes.records[0]?.parts[0]).toMatchObject({ html: false, text: 'plain only', role: 'customer' });

    const zd = await write('zd.json', JSON.stringify({ tickets: [{ id: 3, requester_id: 1, via: { channel: 'email' }, comments: [{ author_id: 1, body: 'Box late', public: true }, { author_id: -1, body: 'Auto-reply: we got your message', public: true, via: { channel: 'rule' } }] }] }));
    const zdRes = await read(zendeskJson, zd);
    expect(zdRes.records[0]?.parts.map((p) => [p.role, p.speaker, p.analyse])).toEqual([
      ['customer', 'customer', true],
      ['system', 'system', false],
    ]);
  });

  it('CSV: a configured delimiter, several text fields, HTML and e-mail flags, unmapped meta', async () => {
    const file = await write('semi.csv', 'id;subject;body;channel;status\n1;Late;<p>Where is my <b>box</b>?</p>;E-mail;open\n2;;Thanks!;chat;solved\n');
    const { records } = await read(ticketsCsv, file, { delimiter: ';', mapping: { id: 'id', text: ['subject', 'body'], channel: 'channel' } });
    expect(records.map((r) => [r.channel, r.parts.map((p) => [p.field, p.html, p.email]), r.meta])).toEqual([
      ['email', [['subject', false, true], ['body', true, true]], { status: 'open' }],
      ['chat', [['body', false, false]], { status: 'solved' }],
    ]);
  });
});

describe('fixture totals', () => {
  it('has at least 320 tickets across the five files', async () => {
    const counts = await Promise.all([
      read(zendeskJson, join(FIX, 'zendesk-export.json')),
      read(intercomJson, join(FIX, 'intercom-conversations.json')),
      read(freshdeskJson, join(FIX, 'freshdesk-tickets.json')),
      read(ticketsCsv, join(FIX, 'social-dms.csv'), { mapping: { text: 'message' } }),
      read(ticketsJsonl, join(FIX, 'webform-feedback.jsonl'), { mapping: { text: 'message' } }),
    ]);
    const total = counts.reduce((s, r) => s + r.records.length, 0);
    expect(total).toBeGreaterThanOrEqual(320);
    // PII is present for redaction to find.
    const text = counts.flatMap((r) => r.records.flatMap((rec) => rec.parts.map((p) => p.text))).join('\n');
    for (const needle of [/4111[ -]1111[ -]1111[ -]1111/, /GB82 WEST/, /203\.0\.113\.\d+/, /07700 900\d{3}/, /@example\.(com|org|net)/]) expect(text).toMatch(needle);
    expect(basename(FIX)).toBe('tickets');
  });
});

describe('docs/formats-tickets.md', () => {
  const formatModule = (format: string): FormatModule | undefined => ticketFormats.find((f) => f.format === format);

  /** The YAML blocks under "Sources for the fixtures", validated by the real config schema. */
  async function docSources(): Promise<SourceConfig[][]> {
    const md = await readFile(join(ROOT, 'docs', 'formats-tickets.md'), 'utf8');
    const section = md.slice(md.indexOf('## Sources for the fixtures'));
    const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    return blocks.map((y) => PipelineConfig.parse({ name: 'doc', ...(parseYaml(y) as object) }).sources);
  }

  it('the fixture sources read every fixture ticket with nothing quarantined (340 in all)', async () => {
    const [good] = await docSources();
    let total = 0;
    for (const s of good ?? []) {
      const mod = formatModule(s.format);
      const res = await readWith(mod!, join(ROOT, s.paths[0]!), s);
      expect(res.quarantined, s.name).toEqual([]);
      expect(res.records.every((r) => r.externalId !== null && r.createdAt !== null), s.name).toBe(true);
      total += res.records.length;
    }
    expect(good).toHaveLength(5);
    expect(total).toBe(340);
  });

  it('the broken-file sources behave as their comments say', async () => {
    const [, bad] = await docSources();
    const outcome: Record<string, string> = {};
    for (const s of bad ?? []) {
      const mod = formatModule(s.format)!;
      const res = await readWith(mod, join(ROOT, s.paths[0]!), s).catch((e: unknown) => (e instanceof FileRejected ? 'rejected' : Promise.reject(e)));
      outcome[s.name] = typeof res === 'string' ? res : `${res.records.length} read, ${res.quarantined.map((q) => q.locator).join(' ')}`;
    }
    expect(outcome).toEqual({
      'bad-zendesk': 'rejected',
      'bad-intercom': '1 read, record 2 record 3',
      'bad-freshdesk': '1 read, record 2',
      'bad-webform': '2 read, line 2',
      'bad-social-header': 'rejected',
      'bad-social-rows': '2 read, line 3 line 4',
    });
  });
});
