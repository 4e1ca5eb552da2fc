/**
 * The JSON document readers (Zendesk, Intercom, Freshdesk, Typeform) read their files as a stream
 * (src/ingest/json/): tested here in four parts.
 *
 * 1. They give exactly the records and quarantine entries the whole-document readers gave, on
 *    every fixture and a set of generated container shapes, whatever the chunk size. The expected
 *    outputs are digests in test/data/json-readers.golden.json, written by the whole-document
 *    readers (`VOC_UPDATE_GOLDEN=1 npx vitest run test/ingest-json-stream.test.ts` at the commit
 *    that added this file): a digest is the sha256 of the JSON of every event in order. A rejected
 *    file is recorded as "rejected" after the events before it (its reason is not part of the
 *    digest: the reasons are tested in part 3).
 * 2. The scanner: splits at every position, tricky strings, numbers at chunk ends, and agreement
 *    with JSON.parse (validity, values, error offsets) on random and mutated documents.
 * 3. The readers on broken input: invalid JSON in the middle, truncated files, empty lists,
 *    repeated keys, Zendesk side-loads after the tickets, Typeform's mapping pass.
 * 4. The engine: records before a syntax error are stored, the rest is one quarantine entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseYamlWith } from '../src/config/load.js';
import { PipelineConfig, SourceConfig } from '../src/config/pipeline.js';
import { ingestPipeline } from '../src/ingest/engine.js';
import { typeformJson } from '../src/ingest/surveys/typeform-json.js';
import { freshdeskJson } from '../src/ingest/tickets/freshdesk.js';
import { intercomJson } from '../src/ingest/tickets/intercom.js';
import { zendeskJson } from '../src/ingest/tickets/zendesk.js';
import { JsonScanner, JsonSyntaxError, scanJson, type ScanEvent, type Select } from '../src/ingest/json/scanner.js';
import { FileRejected, type FormatModule, type ReaderEvent, type SourceFile } from '../src/ingest/types.js';
import { openDatabase } from '../src/store/db.js';
import { startRun } from '../src/store/runs.js';
import { makeWorkspace, type Workspace } from './helpers/workspace.js';

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
    for await (const ev of c.module.read({ source: config, file, rootDir: ROOT, limits: { maxFieldChars: c.maxFieldChars ?? 20_000 } })) {
      // `warnings` (added after the digests were written) restates meta.warnings with a kind.
      if (ev.type === 'record' && ev.record.warnings) {
        const { warnings: _w, ...record } = ev.record;
        events.push({ ...ev, record });
      } else events.push(ev);
    }
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

  it.each(CASES.map((c) => [c.name, c] as const))('%s, in one chunk and in chunks of 4096, 7 and (small files) 1 characters', async (_name, c) => {
    const sizes = c.text().length < 50_000 ? [0, 4096, 7, 1] : [0, 4096, 7];
    for (const size of sizes) expect(await digest(c, size), `chunks of ${size}`).toEqual(golden[c.name]);
  });
});

// ---------------------------------------------------------------------------------------------

/** Every element of the list, scanned from `pieces` (the document cut into chunks). */
function scanPieces(pieces: string[], select: Select = (k) => (k === null || k === 'tickets' ? 'elements' : 'skip')): { events: ScanEvent[]; error: JsonSyntaxError | null; sawRoot: boolean } {
  const scanner = new JsonScanner(select);
  const events: ScanEvent[] = [];
  for (const p of pieces) events.push(...scanner.write(p));
  events.push(...scanner.end());
  return { events, error: scanner.error, sawRoot: scanner.sawRoot };
}

/** The same through scanJson, which also completes the excerpt from the chunks after an error. */
async function scanAll(pieces: string[]): Promise<{ events: ScanEvent[]; error: JsonSyntaxError | null }> {
  const events: ScanEvent[] = [];
  async function* chunks() {
    yield* pieces;
  }
  try {
    for await (const ev of scanJson(chunks(), (k) => (k === null || k === 'tickets' ? 'elements' : 'skip'))) events.push(ev);
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { events, error: err };
    throw err;
  }
  return { events, error: null };
}

function cut(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function elementsOf(events: ScanEvent[]): unknown[] {
  return events.flatMap((e) => (e.type === 'element' ? [e.value] : []));
}

/** Strings that break naive scanners: brackets and quotes inside strings, escapes, surrogates. */
const TRICKY = [
  'brackets ] [ } { inside',
  'escaped \\"quotes\\" and a backslash \\\\ at the end \\\\',
  '\\u005d\\u007d unicode escapes of ] and }, \\u00e9, \\uD83D\\uDE00 (an escaped surrogate pair)',
  'raw: é ü 日本 😀 🇬🇧',
  '\\/ \\b \\f \\n \\r \\t',
  '',
  '"',
];
const TRICKY_DOC = `{"count": 3, "note": "tickets: [ not this one ]", "tickets": [
  {"id": 1, "subject": "${TRICKY[0]}", "nested": [[1, [2, [3, []]]], {"a": [{}]}], "n": -0.5e-3},
  {"id": 2, "subject": "${TRICKY[1]}", "tags": ["${TRICKY[2]}", "${TRICKY[3]}"]},
  {"id": 3, "subject": "${TRICKY[4]}", "empty": "${TRICKY[5]}", "quote": "\\${TRICKY[6]}", "ok": true, "no": false, "none": null},
  "a string element with ] and }", 42, 1E+2, 0, -7, true, null, [], {}
], "users": [{"id": 9}], "tail": {"tickets": [1, 2]}}`;

describe('JsonScanner', () => {
  const expected = (JSON.parse(TRICKY_DOC) as { tickets: unknown[] }).tickets;

  it('the tricky document is what it claims (a sanity check of the test itself)', () => {
    expect(expected).toHaveLength(12);
    expect((expected[1] as { tags: string[] }).tags[0]).toContain(']} unicode escapes');
    expect((expected[1] as { tags: string[] }).tags[0]).toContain('\u{1F600}');
  });

  it('gives the same elements as JSON.parse for a split at every position', () => {
    for (let k = 0; k <= TRICKY_DOC.length; k++) {
      const { events, error } = scanPieces([TRICKY_DOC.slice(0, k), TRICKY_DOC.slice(k)]);
      expect(error, `split at ${k}`).toBeNull();
      expect(elementsOf(events), `split at ${k}`).toEqual(expected);
    }
  });

  it('gives the same elements for chunks of every size from 1 to 64, and for three-way splits', () => {
    for (let size = 1; size <= 64; size++) expect(elementsOf(scanPieces(cut(TRICKY_DOC, size)).events), `size ${size}`).toEqual(expected);
    for (let a = 0; a < TRICKY_DOC.length; a += 5) {
      for (let b = a; b < TRICKY_DOC.length; b += 11) {
        expect(elementsOf(scanPieces([TRICKY_DOC.slice(0, a), TRICKY_DOC.slice(a, b), TRICKY_DOC.slice(b)]).events)).toEqual(expected);
      }
    }
  });

  it('a surrogate pair split between two chunks stays one character', () => {
    const text = '["😀"]';
    const { events } = scanPieces([text.slice(0, 3), text.slice(3)]);
    expect(elementsOf(events)).toEqual(['😀']);
  });

  it('numbers and literals at chunk ends, and a bare number as the whole document', () => {
    expect(elementsOf(scanPieces(['[12', '34, 5.', '5e', '-1, tr', 'ue, n', 'ull]']).events)).toEqual([1234, 5.5e-1, true, null]);
    const root = scanPieces(['12', '3'], () => 'value');
    expect(root.events).toEqual([{ type: 'root', jsonType: 'number' }, { type: 'value', key: null, value: 123, position: { offset: 0, line: 1, column: 1 } }]);
  });

  it('reports members, element positions and whole values of chosen keys', () => {
    const { events } = scanPieces(cut(TRICKY_DOC, 3), (k, t) => (k === 'tickets' ? 'elements' : k === 'users' || t === 'number' ? 'value' : 'skip'));
    expect(events.filter((e) => e.type === 'member').map((e) => (e.type === 'member' ? [e.key, e.jsonType] : []))).toEqual([
      ['count', 'number'],
      ['note', 'string'],
      ['tickets', 'array'],
      ['users', 'array'],
      ['tail', 'object'],
    ]);
    expect(events.filter((e) => e.type === 'value').map((e) => (e.type === 'value' ? [e.key, e.value] : []))).toEqual([
      ['count', 3],
      ['users', [{ id: 9 }]],
    ]);
    const positions = events.flatMap((e) => (e.type === 'element' ? [[e.index, e.position.line, e.position.column]] : []));
    expect(positions.slice(0, 4)).toEqual([
      [0, 2, 3],
      [1, 3, 3],
      [2, 4, 3],
      [3, 5, 3],
    ]);
    // The offset is the element's first character in the whole text.
    const third = events.find((e) => e.type === 'element' && e.index === 2);
    expect(third?.type === 'element' && TRICKY_DOC.slice(third.position.offset, third.position.offset + 8)).toBe('{"id": 3');
  });

  it('a bare array, an empty array, an empty document', () => {
    expect(elementsOf(scanPieces(['[{"a":1},', '[2]]']).events)).toEqual([{ a: 1 }, [2]]);
    expect(scanPieces(['[ ]']).events).toEqual([{ type: 'root', jsonType: 'array' }]);
    expect(scanPieces(['{"tickets":[]}']).events.filter((e) => e.type === 'element')).toEqual([]);
    const empty = scanPieces([' \n\t ', '']);
    expect([empty.sawRoot, empty.error, empty.events]).toEqual([false, null, []]);
  });

  it('stops at invalid JSON with V8’s wording, the line and column, the element, and keeps the elements before', async () => {
    const text = '{"tickets": [\n  {"id": 1},\n  {"id": 2 "x": 3},\n  {"id": 4}\n]}';
    for (const size of [1, 5, 1000]) {
      const { events, error } = await scanAll(cut(text, size));
      expect(elementsOf(events)).toEqual([{ id: 1 }]);
      expect(error).toBeInstanceOf(JsonSyntaxError);
      expect(error).toMatchObject({ detail: "Expected ',' or '}' after property value", position: { line: 3, column: 12 }, element: { key: 'tickets', index: 1 } });
      expect(error?.excerpt).toContain('{"id": 2 "x": 3}');
    }
  });

  it('a truncated document is an error at its end, naming what is still open', () => {
    const text = '[{"id": 1}, {"id": 2, "body": "cut off he';
    const { events, error } = scanPieces(cut(text, 4));
    expect(elementsOf(events)).toEqual([{ id: 1 }]);
    expect(error).toMatchObject({ detail: expect.stringMatching(/^Unterminated string/), position: { offset: text.length, line: 1, column: text.length + 1 }, element: { key: null, index: 1 } });
    expect(scanPieces(['[{"id": 1}, {"id": 2}']).error).toMatchObject({ detail: expect.stringMatching(/^Unexpected end of JSON input \(the file ends inside 1 unclosed array/) });
    expect(scanPieces(['{"tickets": [[1, 2], [3']).error?.detail).toMatch(/inside 3 unclosed arrays or objects/);
  });

  it('agrees with JSON.parse on 4,000 random and mutated documents: validity, elements, error offsets', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const bits = ['', 'a', '[', ']', '{', '}', '"', '\\', 'é', '😀', '\n', ',', ':', '\u2028'];
    const gen = (depth: number): unknown => {
      const r = rnd();
      if (depth > 3 || r < 0.3) {
        const t = rnd();
        if (t < 0.2) return null;
        if (t < 0.35) return t < 0.27;
        if (t < 0.7) return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10);
        return bits.filter(() => rnd() < 0.3).join('');
      }
      if (r < 0.65) return Array.from({ length: Math.floor(rnd() * 4) }, () => gen(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => [`${bits[Math.floor(rnd() * bits.length)]}${i}`, gen(depth + 1)]));
    };
    const alphabet = ' \t\n\r{}[],:"\\/-+.0123456789eEtrufalsnx\u00a0';
    let invalid = 0;
    for (let k = 0; k < 4000; k++) {
      let text = JSON.stringify(k % 3 === 0 ? { tickets: gen(0), other: gen(1) } : gen(0), null, k % 2 ? 1 : undefined) ?? 'null';
      const p = Math.floor(rnd() * (text.length + 1));
      const m = rnd();
      if (m < 0.2) text = text.slice(0, p) + text.slice(p + 1);
      else if (m < 0.4) text = text.slice(0, p) + alphabet[Math.floor(rnd() * alphabet.length)] + text.slice(p);
      else if (m < 0.6) text = text.slice(0, p);
      let parsed: unknown;
      let v8: string | null = null;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        v8 = (err as Error).message;
      }
      const r = scanPieces(cut(text, 1 + Math.floor(rnd() * 9)));
      const mineValid = r.error === null && r.sawRoot;
      expect(mineValid, `${JSON.stringify(text)}: ${v8 ?? 'valid'} / ${r.error?.message ?? 'valid'}`).toBe(v8 === null);
      if (v8 !== null) {
        invalid++;
        const at = /position (\d+)/.exec(v8);
        if (at && r.error) expect(r.error.position.offset, JSON.stringify(text)).toBe(Number(at[1]));
        continue;
      }
      const list = Array.isArray(parsed) ? parsed : ((parsed as { tickets?: unknown } | null)?.tickets ?? []);
      expect(elementsOf(r.events), JSON.stringify(text)).toEqual(Array.isArray(list) ? list : []);
    }
    expect(invalid).toBeGreaterThan(1000);
  });
});

// ---------------------------------------------------------------------------------------------

interface Outcome {
  records: string[];
  quarantined: string[];
  rejected: FileRejected | null;
}

/** Reads with a SourceFile whose readAll() fails: the JSON document readers must stream. */
async function outcome(module: FormatModule, text: string, size = 5, source: Record<string, unknown> = {}): Promise<Outcome> {
  const file = { ...textFile('doc.json', text, size), readAll: () => Promise.reject(new Error('readAll must not be used for JSON documents')) };
  const config = SourceConfig.parse({ name: 't', kind: module.kind, format: module.format, paths: ['doc.json'], ...source });
  const out: Outcome = { records: [], quarantined: [], rejected: null };
  try {
    for await (const ev of module.read({ source: config, file, rootDir: ROOT, limits: { maxFieldChars: 20_000 } })) {
      if (ev.type === 'record') out.records.push(`${ev.record.externalId}@${ev.record.locator}`);
      else if (ev.type === 'quarantine') out.quarantined.push(`${ev.locator}: ${ev.reason}`);
    }
  } catch (err) {
    if (!(err instanceof FileRejected)) throw err;
    out.rejected = err;
  }
  return out;
}

const RECORD = {
  zendesk: (id: number) => ({ id, description: `Box ${id} was late [again] {sigh} "really" \u00e9\ud83d\ude00`, via: { channel: 'web' } }),
  intercom: (id: number) => ({ id: String(id), source: { type: 'conversation', body: `<p>Box ${id} ] } late</p>`, author: { type: 'user' } } }),
  freshdesk: (id: number) => ({ id, description_text: `Box ${id} was late ]}`, source: 2 }),
  typeform: (id: number) => ({ response_id: `r${id}`, answers: [{ field: { id: 'f', ref: 'why' }, type: 'text', text: `Because ${id} ]}` }] }),
};
const READERS: Array<[string, FormatModule, string, (id: number) => unknown]> = [
  ['zendesk (bare array)', zendeskJson, '', RECORD.zendesk],
  ['intercom', intercomJson, 'conversations', RECORD.intercom],
  ['freshdesk', freshdeskJson, 'tickets', RECORD.freshdesk],
  ['typeform', typeformJson, 'items', RECORD.typeform],
];

/** Three records, pretty-printed like a real export, in `{ key: [...] }` or a bare array. */
function exportText(key: string, make: (id: number) => unknown, ids = [1, 2, 3]): string {
  const list = ids.map(make);
  return JSON.stringify(key ? { [key]: list, total: ids.length } : list, null, 2);
}

describe('streaming JSON document readers', () => {
  it.each(READERS)('%s: never reads the file whole, in chunks of any size', async (_name, module, key, make) => {
    for (const size of [1, 3, 64, 0]) {
      const res = await outcome(module, exportText(key, make), size);
      expect(res.rejected).toBeNull();
      expect(res.records.map((r) => r.split('@')[1])).toEqual(['record 1', 'record 2', 'record 3']);
    }
  });

  it.each(READERS)('%s: invalid JSON in the middle keeps the records before it and rejects the rest with line and column', async (_name, module, key, make) => {
    const good = exportText(key, make);
    const at = /("id": "?2"?|"response_id": "r2"),/.exec(good);
    expect(at).not.toBeNull();
    const text = good.replace(at?.[0] ?? '', at?.[1] ?? '');
    const res = await outcome(module, text);
    expect(res.records).toHaveLength(1);
    expect(res.records[0]).toMatch(/@record 1$/);
    expect(res.quarantined).toEqual([]);
    const line = text.slice(0, at?.index).split('\n').length + 1;
    expect(res.rejected?.message).toMatch(new RegExp(`line ${line}, column \\d+`));
    expect(res.rejected?.message).toMatch(/Expected ',' or '}' after property value/);
    expect(res.rejected?.message).toMatch(/record 2/);
    expect(res.rejected?.message).toMatch(/the 1 record before it was read, nothing after it$/);
    expect(res.rejected?.message.split('\n')).toHaveLength(1);
  });

  it.each(READERS)('%s: a truncated file keeps the complete records and says the file ends early', async (_name, module, key, make) => {
    const full = exportText(key, make);
    const text = full.slice(0, full.lastIndexOf('Box 3') >= 0 ? full.lastIndexOf('Box 3') + 3 : full.lastIndexOf('Because 3') + 3);
    const res = await outcome(module, text);
    expect(res.records).toHaveLength(2);
    expect(res.rejected?.message).toMatch(/Unterminated string \(the file ends inside a string: truncated\?\)/);
    expect(res.rejected?.message).toMatch(/record 3/);
    const end = await outcome(module, full.slice(0, full.lastIndexOf(']')));
    expect(end.records).toHaveLength(3);
    expect(end.rejected?.message).toMatch(/Unexpected end of JSON input \(the file ends inside \d unclosed array/);
  });

  it.each(READERS)('%s: an empty list is no records and no problem; nothing at all is an empty file', async (_name, module, key) => {
    for (const text of [key ? `{"${key}": [], "total": 0}` : '[]', '[ ]']) expect(await outcome(module, text)).toEqual({ records: [], quarantined: [], rejected: null });
    expect((await outcome(module, ' \n ')).rejected?.message).toMatch(/^empty file/);
  });

  it.each(READERS.filter(([, , key]) => key !== ''))('%s: the list key twice at the top level rejects the file, naming it', async (_name, module, key, make) => {
    const res = await outcome(module, `{"${key}": [${JSON.stringify(make(1))}], "${key}": []}`);
    expect(res.records).toHaveLength(1);
    expect(res.rejected?.message).toBe(`the key "${key}" appears more than once at the top level of the document; keep one "${key}" list (merge them)`);
  });

  it('a syntax error wins over a wrong container, as with JSON.parse', async () => {
    expect((await outcome(intercomJson, '{"conversations": 5, "x": [}')).rejected?.message).toMatch(/^invalid JSON in Intercom file at line 1, column 28: Unexpected token '}'$/);
    expect((await outcome(intercomJson, '{"conversations": 5, "x": []}')).rejected?.message).toMatch(/^not an Intercom export/);
  });

  describe('zendesk objects', () => {
    const tickets = [
      { id: 1, via: { channel: 'web' }, requester_id: 5 },
      { id: 2, via: { channel: 'web' }, requester_id: 6, comments: [{ author_id: 6, body: 'Mine', public: true }] },
    ];
    const users = [{ id: 5, role: 'end-user', user_fields: { plan: 'Basic' } }, { id: 7, role: 'end-user' }, { id: 9, role: 'agent', name: 'Sam Carter' }];
    const comments = [
      { ticket_id: 1, author_id: 5, body: 'Late box', public: true },
      { ticket_id: 1, author_id: 9, body: 'Sorry', public: true },
      { ticket_id: 1, author_id: 7, body: 'Me too', public: true },
    ];

    async function records(text: string) {
      const config = SourceConfig.parse({ name: 't', kind: 'ticket', format: 'zendesk-json', paths: ['x'] });
      const out = [];
      for await (const ev of zendeskJson.read({ source: config, file: textFile('z.json', text, 3), rootDir: ROOT, limits: { maxFieldChars: 1000 } })) if (ev.type === 'record') out.push(ev.record);
      return out;
    }

    it('side-loaded users and comments after the tickets are used (a second streaming pass)', async () => {
      const after = await records(JSON.stringify({ tickets, users, comments, next_page: null, count: 2 }, null, 2));
      expect(after.map((r) => r.parts.map((p) => [p.role, p.speaker]))).toEqual([
        [
          ['customer', 'customer'],
          ['agent', 'Sam Carter'],
          ['customer', 'customer'],
        ],
        [['customer', 'customer']],
      ]);
      expect(after[0]?.attributes).toEqual({ plan: 'Basic' });
      expect(await records(JSON.stringify({ users, comments, tickets }))).toEqual(after);
    });

    it('invalid JSON rejects the whole file before any ticket, saying why the tickets before it were not kept', async () => {
      const text = JSON.stringify({ tickets, users, comments }, null, 2).replace('"id": 7,', '"id": 7');
      const res = await outcome(zendeskJson, text);
      expect(res.records).toEqual([]);
      expect(res.rejected?.message).toMatch(/^invalid JSON in Zendesk file at line \d+, column \d+: Expected ',' or '}' after property value; the tickets before it were not read either, as side-loaded users and comments \(which decide who wrote each comment\) may come after it$/);
      const first = await outcome(zendeskJson, JSON.stringify({ tickets }, null, 2).replace('"id": 1,', '"id": 1'));
      expect(first.rejected?.message).toMatch(/^invalid JSON in Zendesk file at line 5, column 7, in record 1: Expected ',' or '}' after property value$/);
    });

    it('a head that does not show the document (64 KiB of leading whitespace) changes nothing', async () => {
      const pad = ' \n'.repeat(40_000);
      const withUsers = await records(JSON.stringify({ tickets, users, comments }));
      expect(await records(pad + JSON.stringify({ tickets, users, comments }))).toEqual(withUsers);
      const bare = await records(JSON.stringify(tickets));
      expect(bare).toHaveLength(1);
      expect(await records(pad + JSON.stringify(tickets))).toEqual(bare);
    });

    it('the keys a reader uses must not repeat; other keys may', async () => {
      expect((await outcome(zendeskJson, JSON.stringify({ tickets, users }).replace('"users"', '"users":[],"users"'))).rejected?.message).toMatch(/the key "users" appears more than once/);
      expect((await outcome(zendeskJson, '{"x": 1, "x": 2, "tickets": []}')).rejected).toBeNull();
    });
  });

  describe('typeform mapping check', () => {
    const items = [1, 2, 3].map(RECORD.typeform);
    it('stops its first pass once every mapped field has been seen, so records before a later error are kept', async () => {
      const text = JSON.stringify({ items }, null, 2).replace('"response_id": "r3",', '"response_id": "r3"');
      const res = await outcome(typeformJson, text, 5, { mapping: { text: ['why'] } });
      expect(res.records).toEqual(['r1@record 1', 'r2@record 2']);
      expect(res.rejected?.message).toMatch(/^invalid JSON: Expected ',' or '}' after property value in record 3 \(line \d+, column \d+\); the 2 records before it were read, nothing after it$/);
    });

    it('reads to the end for a missing field: invalid JSON then wins, as before', async () => {
      const text = JSON.stringify({ items }, null, 2).replace('"response_id": "r3",', '"response_id": "r3"');
      const res = await outcome(typeformJson, text, 5, { mapping: { text: ['nope'] } });
      expect(res.records).toEqual([]);
      expect(res.rejected?.message).toMatch(/^invalid JSON: .* in record 3 \(line \d+, column \d+\)$/);
      const valid = await outcome(typeformJson, JSON.stringify({ items }), 5, { mapping: { text: ['nope'] } });
      expect(valid.rejected?.message).toBe('missing required field "nope" (mapping.text); the Typeform items have: response_id, token, landed_at, submitted_at, f, why');
    });
  });
});

describe('the engine on a broken JSON document', () => {
  let ws: Workspace;
  afterEach(() => ws?.cleanup());

  it('stores the records before the error and one file quarantine entry with the line and column; counts reconcile', async () => {
    ws = makeWorkspace('voc-json-stream-');
    const good = JSON.stringify({ conversations: [1, 2, 3, 4].map(RECORD.intercom) }, null, 2);
    ws.write('tickets/intercom.json', good.replace(/("id": "3"),/, '$1'));
    const yaml = `name: t\ndatabase: ${ws.dbPath}\nroot: ${ws.dir}\nsources:\n  - name: ic\n    kind: ticket\n    format: intercom-json\n    paths: "tickets/*.json"\n`;
    const config = parseYamlWith(yaml, PipelineConfig, 'test config');
    const db = openDatabase(ws.dbPath);
    try {
      const report = await ingestPipeline(db, config, startRun(db, { command: 'ingest', toolVersion: 'test' }));
      expect(report.totals).toMatchObject({ read: 3, new: 2, quarantined: 1 });
      expect(db.prepare('SELECT external_id, locator FROM documents ORDER BY id').all()).toEqual([
        { external_id: '1', locator: 'record 1' },
        { external_id: '2', locator: 'record 2' },
      ]);
      const q = db.prepare('SELECT locator, reason, excerpt FROM quarantine').all() as Array<{ locator: string; reason: string; excerpt: string }>;
      expect(q).toHaveLength(1);
      expect(q[0]?.locator).toBe('file');
      expect(q[0]?.reason).toMatch(/^invalid JSON in Intercom file at line \d+, column 7, in record 3: Expected ',' or '}' after property value; the 2 records before it were read, nothing after it$/);
      expect(q[0]?.excerpt).toContain('"id": "3"');
    } finally {
      db.close();
    }
  });
});
