/**
 * The JSON document readers (Zendesk, Intercom, Freshdesk, Typeform) must give exactly the
 * records and quarantine entries the whole-document readers gave before streaming, on every
 * fixture and a set of generated container shapes, whatever the chunk size.
 *
 * The expected outputs are digests in test/data/json-readers.golden.json, written by the
 * whole-document readers (`VOC_UPDATE_GOLDEN=1 npx vitest run test/ingest-json-stream.test.ts`
 * at the commit that added this file): a digest is the sha256 of the JSON of every event in order.
 * A rejected file is recorded as "rejected" after the events before it (its reason is not part of
 * the digest; the reasons are tested on their own below).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceConfig } from '../src/config/pipeline.js';
import { typeformJson } from '../src/ingest/surveys/typeform-json.js';
import { freshdeskJson } from '../src/ingest/tickets/freshdesk.js';
import { intercomJson } from '../src/ingest/tickets/intercom.js';
import { zendeskJson } from '../src/ingest/tickets/zendesk.js';
import { FileRejected, type FormatModule, type ReaderEvent, type SourceFile } from '../src/ingest/types.js';

const ROOT = resolve(import.meta.dirname, '..');
const GOLDEN = join(ROOT, 'test', 'data', 'json-readers.golden.json');

/** A SourceFile over text, streamed in chunks of `size` characters (0: one chunk). */
function textFile(name: string, text: string, size = 0): SourceFile {
  return {
    absPath: join(ROOT, name),
    relPath: name,
    sha256: createHash('sha256').update(text).digest('hex'),
    sizeBytes: Buffer.byteLength(text),
    encoding: 'utf-8',
    head: text.slice(0, 64 * 1024),
    async *chunks() {
      const step = size > 0 ? size : Math.max(1, text.length);
      for (let i = 0; i < text.length; i += step) yield text.slice(i, i + step);
    },
    readAll: async () => text,
  };
}

interface Case {
  name: string;
  module: FormatModule;
  text: () => string;
  source?: Record<string, unknown>;
  maxFieldChars?: number;
}

const fixture = (rel: string) => () => readFileSync(join(ROOT, rel), 'utf8');
const doc = (value: unknown) => () => JSON.stringify(value, null, 1);

/** Zendesk container shapes with side-loads before and after the tickets. */
const zdTickets = [
  { id: 1, subject: 'a', via: { channel: 'web' }, requester_id: 5 },
  { id: 2, subject: 'b', via: { channel: 'twitter' }, requester_id: 6, comments: [{ author_id: 6, body: 'Own comment', public: true }] },
  { id: 3, subject: 'c', description: 'No thread, a description [with] {brackets} and "quotes" \\ \u00e9 \ud83d\ude00', via: { channel: 'email' } },
  { id: 4, tags: 'not-a-list', description: 'x' },
];
const zdUsers = [{ id: 5, role: 'end-user', user_fields: { plan: 'Basic' } }, { id: 7, role: 'end-user' }, { id: 9, role: 'agent', name: 'Sam Carter' }, { nope: true }];
const zdComments = [
  { ticket_id: 1, author_id: 5, body: 'My box is late.', public: true },
  { ticket_id: 1, author_id: 9, body: 'Sorry!', public: true },
  { ticket_id: 1, author_id: 7, body: 'Same for me, I am the neighbour.', public: true },
  { ticket_id: 2, author_id: 9, body: 'Ignored: the ticket has its own comments.', public: true },
];

const CASES: Case[] = [
  { name: 'zendesk fixture', module: zendeskJson, text: fixture('fixtures/tickets/zendesk-export.json') },
  { name: 'zendesk fixture, maxFieldChars 300', module: zendeskJson, text: fixture('fixtures/tickets/zendesk-export.json'), maxFieldChars: 300 },
  { name: 'zendesk invalid', module: zendeskJson, text: fixture('fixtures/bad/tickets/zendesk-invalid.json') },
  { name: 'zendesk side-loads first', module: zendeskJson, text: doc({ users: zdUsers, comments: zdComments, tickets: zdTickets, count: 4 }) },
  { name: 'zendesk side-loads after the tickets', module: zendeskJson, text: doc({ tickets: zdTickets, users: zdUsers, comments: zdComments, next_page: null, count: 4 }) },
  { name: 'zendesk comments keyed by ticket', module: zendeskJson, text: doc({ tickets: zdTickets, comments: { '1': [{ author_id: 5, body: 'Keyed', public: true }] } }) },
  { name: 'zendesk one ticket', module: zendeskJson, text: doc({ ticket: zdTickets[2], users: 'ignored' }) },
  { name: 'zendesk bare array', module: zendeskJson, text: doc(zdTickets) },
  { name: 'zendesk empty list', module: zendeskJson, text: doc({ tickets: [] }) },
  { name: 'zendesk bad users', module: zendeskJson, text: doc({ tickets: zdTickets, users: { id: 5 } }) },
  { name: 'zendesk no tickets', module: zendeskJson, text: doc({ items: [] }) },
  { name: 'intercom fixture', module: intercomJson, text: fixture('fixtures/tickets/intercom-conversations.json') },
  { name: 'intercom fixture, maxFieldChars 300', module: intercomJson, text: fixture('fixtures/tickets/intercom-conversations.json'), maxFieldChars: 300 },
  { name: 'intercom wrong types', module: intercomJson, text: fixture('fixtures/bad/tickets/intercom-wrong-types.json') },
  { name: 'intercom bare array', module: intercomJson, text: doc([{ id: 7, source: { type: 'whatsapp', body: '<p>hi</p>', author: { type: 'lead' } } }, 5, null, []]) },
  { name: 'intercom not a list', module: intercomJson, text: doc({ conversations: { id: 1 } }) },
  { name: 'freshdesk fixture', module: freshdeskJson, text: fixture('fixtures/tickets/freshdesk-tickets.json') },
  { name: 'freshdesk fixture, maxFieldChars 300', module: freshdeskJson, text: fixture('fixtures/tickets/freshdesk-tickets.json'), maxFieldChars: 300 },
  { name: 'freshdesk wrong types', module: freshdeskJson, text: fixture('fixtures/bad/tickets/freshdesk-wrong-types.json') },
  { name: 'freshdesk tickets container', module: freshdeskJson, text: doc({ tickets: [{ id: 9, description_text: 'plain only', source: 5, status: 6, priority: 4 }], total: 1 }) },
  { name: 'freshdesk scalar document', module: freshdeskJson, text: doc('tickets') },
  { name: 'typeform fixture', module: typeformJson, text: fixture('fixtures/surveys/post-purchase-pulse-typeform.json') },
  {
    name: 'typeform fixture, score mapping',
    module: typeformJson,
    text: fixture('fixtures/surveys/post-purchase-pulse-typeform.json'),
    source: { mapping: { score: { field: 'checkout_rating', scale: 'csat5' } } },
  },
  {
    name: 'typeform fixture, text and attributes mapping',
    module: typeformJson,
    text: fixture('fixtures/surveys/post-purchase-pulse-typeform.json'),
    source: { mapping: { text: ['checkout_comment'], attributes: { device: 'device', plan: 'plan', promo: 'used_promo' } } },
  },
  { name: 'typeform fixture, unknown mapped field', module: typeformJson, text: fixture('fixtures/surveys/post-purchase-pulse-typeform.json'), source: { mapping: { text: ['nps_reason'] } } },
  { name: 'typeform fixture, maxFieldChars 40', module: typeformJson, text: fixture('fixtures/surveys/post-purchase-pulse-typeform.json'), maxFieldChars: 40 },
  {
    name: 'typeform bad items',
    module: typeformJson,
    text: fixture('fixtures/bad/surveys/typeform-bad-items.json'),
    source: { mapping: { score: { field: 'checkout_rating', scale: 'csat5' } } },
  },
  { name: 'typeform invalid', module: typeformJson, text: fixture('fixtures/bad/surveys/invalid-typeform.json') },
  { name: 'typeform empty', module: typeformJson, text: fixture('fixtures/bad/surveys/empty-typeform.json') },
  { name: 'typeform bare array', module: typeformJson, text: doc([{ response_id: 'r1', answers: [{ field: { id: 'f', ref: 'why' }, type: 'text', text: 'Because ]}' }] }]) },
];

interface Digest {
  records: number;
  quarantined: number;
  rejected: boolean;
  sha256: string;
}

async function digest(c: Case, chunkSize: number): Promise<Digest> {
  const kind = c.module.kind;
  const config = SourceConfig.parse({ name: 'golden', kind, format: c.module.format, paths: ['x.json'], ...c.source });
  const file = textFile(`${c.name}.json`, c.text(), chunkSize);
  const events: ReaderEvent[] = [];
  let rejected = false;
  try {
    for await (const ev of c.module.read({ source: config, file, rootDir: ROOT, limits: { maxFieldChars: c.maxFieldChars ?? 20_000 } })) events.push(ev);
  } catch (err) {
    if (!(err instanceof FileRejected)) throw err;
    rejected = true;
  }
  return {
    records: events.filter((e) => e.type === 'record').length,
    quarantined: events.filter((e) => e.type === 'quarantine').length,
    rejected,
    sha256: createHash('sha256').update(JSON.stringify(events)).digest('hex'),
  };
}

describe('JSON document readers give the same events as the whole-document readers did', () => {
  if (process.env.VOC_UPDATE_GOLDEN === '1') {
    it('writes the golden digests', async () => {
      const out: Record<string, Digest> = {};
      for (const c of CASES) out[c.name] = await digest(c, 0);
      writeFileSync(GOLDEN, `${JSON.stringify(out, null, 2)}\n`);
    });
    return;
  }
  const golden = existsSync(GOLDEN) ? (JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Digest>) : {};

  it('has a golden digest for every case', () => {
    expect(Object.keys(golden).sort()).toEqual(CASES.map((c) => c.name).sort());
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s, in one chunk and in chunks of 4096, 7 and 1 characters', async (_name, c) => {
    for (const size of [0, 4096, 7, 1]) expect(await digest(c, size), `chunks of ${size}`).toEqual(golden[c.name]);
  });
});
