/**
 * Generic ticket exports: CSV (`tickets-csv`) and JSON lines (`tickets-jsonl`), one ticket or
 * message per row, read through the source's `mapping` (id, text fields, title, date, channel,
 * score, attributes). Every mapped text field is the customer's (role customer, analysed): these
 * exports (social-media DMs, web forms, app feedback) carry no agent replies.
 *
 * Columns named tags, priority, status or type that are not mapped elsewhere go into `meta`.
 * JSONL field names may be dotted paths ("customer.plan") into nested objects.
 */
import { z } from 'zod';
import type { FieldMapping, ScoreScale } from '../../config/pipeline.js';
import { abbreviateHeader, missingColumns, readCsvRecords, rowToObject } from '../csv.js';
import { FileRejected, type AttributeValue, type FormatModule, type QuarantineEvent, type RawPart, type RawRecord, type ReaderContext, type ReaderEvent, type Role } from '../types.js';
import { looksLikeHtml } from '../../text/normalize.js';
import { SCALE_RANGES } from '../surveys/scores.js';
import { dedupe, duplicateColumnWarnings } from '../surveys/tabular.js';
import { roleOf, rowPasses, ThreadGrouper } from './conversations.js';
import { fileLines, hasText, headIsJsonLines, invalidRecord, isoDate, normaliseChannel, parseJsonLine, tooLong } from './common.js';

/** Text columns tried, in order, when the mapping names none. */
const DEFAULT_TEXT_FIELDS = ['description', 'body', 'text', 'message', 'comment', 'content'] as const;
/** Ticket fields people filter by, kept in meta when present and not mapped. */
const META_FIELDS = ['tags', 'priority', 'status', 'type'] as const;


const blankToNull = (v: unknown): unknown => (v === '' || v === undefined ? null : v);
const TextValue = z.preprocess(blankToNull, z.union([z.string(), z.number()]).nullable().transform((v) => (v == null ? null : String(v))));
const IdValue = z.preprocess(blankToNull, z.union([z.string(), z.number()]).nullable());
const DateValue = z.preprocess(blankToNull, z.union([z.string(), z.number()]).nullable());
const AttrValue = z.preprocess(blankToNull, z.union([z.string(), z.number(), z.boolean()]).nullable());

/** good/bad (thumbs ratings) on csat5 become 5/1, as for Zendesk; numeric strings become numbers. */
function scoreValue(scale: Exclude<ScoreScale, 'none'>): z.ZodType<number | null> {
  const { min: lo, max: hi } = SCALE_RANGES[scale];
  return z.preprocess(
    (v) => {
      const b = blankToNull(typeof v === 'string' ? v.trim() : v);
      if (typeof b !== 'string') return b;
      if (scale === 'csat5' && /^(good|bad)$/i.test(b)) return b.toLowerCase() === 'good' ? 5 : 1;
      if (scale === 'yesno' && /^(yes|no|true|false|y|n)$/i.test(b)) return /^(yes|true|y)$/i.test(b) ? 1 : 0;
      return /^-?\d+(\.\d+)?$/.test(b) ? Number(b) : b;
    },
    z.number().min(lo).max(hi).nullable(),
  ) as z.ZodType<number | null>;
}

interface Plan {
  mapping: FieldMapping;
  /** null: choose per record from DEFAULT_TEXT_FIELDS (JSONL without mapping.text). */
  textFields: string[] | null;
}

/** A zod schema for the mapped fields of one row; issue paths are the export's field names. */
function mappedSchema(mapping: FieldMapping, textFields: readonly string[]): z.ZodType<Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const f of Object.values(mapping.attributes)) shape[f] = AttrValue;
  if (mapping.id) shape[mapping.id] = IdValue;
  if (mapping.date) shape[mapping.date] = DateValue;
  if (mapping.title) shape[mapping.title] = TextValue;
  if (mapping.channel) shape[mapping.channel] = TextValue;
  for (const f of textFields) shape[f] = TextValue;
  const score = mapping.score;
  if (score && score.scale !== 'none') shape[score.field] = scoreValue(score.scale);
  return z.object(shape) as unknown as z.ZodType<Record<string, unknown>>;
}

function metaFrom(row: Record<string, unknown>, mapped: ReadonlySet<string>): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  for (const key of META_FIELDS) {
    const v = row[key];
    if (mapped.has(key) || v == null || v === '') continue;
    meta[key] = key === 'tags' && typeof v === 'string' ? v.split(/[,;|]/).map((s) => s.trim()).filter(Boolean) : v;
  }
  return meta;
}

function mappedFields(mapping: FieldMapping, textFields: readonly string[]): Set<string> {
  const names = [
    mapping.id,
    mapping.date,
    mapping.title,
    mapping.channel,
    mapping.score?.field,
    mapping.role?.field,
    mapping.thread?.field,
    mapping.thread?.replyTo,
    ...textFields,
    ...Object.values(mapping.attributes),
  ];
  return new Set(names.filter((n): n is string => typeof n === 'string'));
}

/**
 * One row through the source's filter, role and thread settings: events to yield now (a skip, a
 * record, a quarantine, a warning); with mapping.thread, records wait in `threads` for the end.
 */
function* rowEvents(row: Record<string, unknown>, plan: Plan, locator: string, ctx: ReaderContext, threads: ThreadGrouper | null): Generator<ReaderEvent> {
  if (!rowPasses(ctx.source.filter, row)) {
    yield { type: 'skip', why: 'filtered', locator };
    return;
  }
  const { role, unknown } = roleOf(plan.mapping, row);
  if (unknown) yield { type: 'warning', kind: 'unknown-role', locator, message: unknown };
  const ev = mapRow(row, plan, locator, ctx, role);
  if (threads && ev.type === 'record') threads.add(ev.record, row);
  else yield ev;
}

/** Maps one row (flat CSV object, or the values picked from a JSON object) onto a record. */
function mapRow(row: Record<string, unknown>, plan: Plan, locator: string, ctx: ReaderContext, role: Role = 'customer'): ReaderEvent {
  const { mapping } = plan;
  const textFields = plan.textFields ?? DEFAULT_TEXT_FIELDS.filter((f) => hasText(row[f] as string | undefined)).slice(0, 1);
  if (textFields.length === 0) {
    return { type: 'quarantine', locator, reason: `no text: none of ${DEFAULT_TEXT_FIELDS.join(', ')} is set (set mapping.text to name the text field)` };
  }
  const parsed = mappedSchema(mapping, textFields).safeParse(row);
  if (!parsed.success) return invalidRecord(locator, 'ticket row', parsed.error, row);
  const v = parsed.data;
  const channel = mapping.channel ? normaliseChannel(v[mapping.channel]) : null;
  const parts: RawPart[] = [];
  for (const f of textFields) {
    const text = v[f];
    if (typeof text !== 'string' || !hasText(text)) continue;
    parts.push({ field: f, text, html: looksLikeHtml(text), email: channel === 'email', speaker: role === 'system' ? 'bot' : role, role, analyse: role === 'customer' });
  }
  if (parts.length === 0) return { type: 'quarantine', locator, reason: `no text: ${textFields.join(', ')} ${textFields.length > 1 ? 'are' : 'is'} empty` };
  const record = toRecord(v, row, plan, textFields, { locator, channel, parts });
  return tooLong(record, ctx.limits.maxFieldChars) ?? { type: 'record', record };
}

function toRecord(
  v: Record<string, unknown>,
  row: Record<string, unknown>,
  plan: Plan,
  textFields: readonly string[],
  read: { locator: string; channel: string | null; parts: RawPart[] },
): RawRecord {
  const { mapping } = plan;
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, f] of Object.entries(mapping.attributes)) {
    const value = v[f] as AttributeValue | undefined;
    if (value != null) attributes[name] = value;
  }
  const id = mapping.id ? v[mapping.id] : null;
  const score = mapping.score && mapping.score.scale !== 'none' ? (v[mapping.score.field] as number | null) : null;
  const title = mapping.title ? v[mapping.title] : null;
  return {
    kind: 'ticket',
    externalId: id == null ? null : String(id),
    locator: read.locator,
    createdAt: mapping.date ? isoDate(v[mapping.date]) : null,
    score: score == null || !mapping.score || mapping.score.scale === 'none' ? null : { value: score, scale: mapping.score.scale },
    channel: read.channel,
    title: typeof title === 'string' ? title : null,
    attributes,
    meta: metaFrom(row, mappedFields(mapping, textFields)),
    parts: read.parts,
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Checks the header against the mapping; a missing mapped column rejects the whole file. */
function csvPlan(mapping: FieldMapping, header: readonly string[]): Plan {
  let textFields = mapping.text ?? null;
  if (!textFields) {
    const guess = DEFAULT_TEXT_FIELDS.find((f) => header.includes(f));
    if (!guess) {
      throw new FileRejected(
        `no text column: mapping.text is not set and none of ${DEFAULT_TEXT_FIELDS.join(', ')} is in the header (${abbreviateHeader(header)})`,
      );
    }
    textFields = [guess];
  }
  const wanted: [string, string][] = [
    ...textFields.map((f): [string, string] => [f, 'text']),
    ...(['id', 'title', 'date', 'channel'] as const).flatMap((k): [string, string][] => (mapping[k] ? [[mapping[k], k]] : [])),
    ...(mapping.score ? [[mapping.score.field, 'score.field'] as [string, string]] : []),
    ...Object.entries(mapping.attributes).map(([name, f]): [string, string] => [f, `attributes.${name}`]),
  ];
  const missing = missingColumns(
    header,
    wanted.map(([f]) => f),
  );
  if (missing.length > 0) {
    const named = missing.map((m) => `"${m}" (mapping.${wanted.find(([f]) => f === m)?.[1] ?? '?'})`);
    throw new FileRejected(`missing column${missing.length > 1 ? 's' : ''} ${named.join(', ')}; the header has: ${abbreviateHeader(header)}`);
  }
  return { mapping, textFields };
}

function isQuarantine(v: Record<string, string> | QuarantineEvent): v is QuarantineEvent {
  return (v as QuarantineEvent).type === 'quarantine' && typeof (v as QuarantineEvent).reason === 'string' && Object.keys(v).includes('locator');
}

async function* readTicketsCsv(ctx: ReaderContext): AsyncGenerator<ReaderEvent> {
  let header: string[] | null = null;
  let plan: Plan | null = null;
  const options = ctx.source.delimiter ? { delimiter: ctx.source.delimiter } : {};
  const threads = ctx.source.mapping.thread ? new ThreadGrouper(ctx.source.mapping.thread) : null;
  for await (const ev of readCsvRecords(ctx.file, options)) {
    if (ev.type === 'quarantine') {
      yield ev;
      continue;
    }
    if (!header) {
      header = dedupe(ev.fields.map((h) => h.trim()));
      yield* duplicateColumnWarnings(header, `line ${ev.line}`);
      if (header.every((h) => h === '')) throw new FileRejected('empty file: no header row (the first line is blank)');
      plan = csvPlan(ctx.source.mapping, header);
      continue;
    }
    const row = rowToObject(header, ev);
    if (isQuarantine(row)) yield row;
    else if (plan) yield* rowEvents(row, plan, `line ${ev.line}`, ctx, threads);
  }
  if (!header) throw new FileRejected('empty file: no header row');
  if (threads) yield* threads.flush();
}

// ---------------------------------------------------------------------------------------------
// JSONL

/** Reads "a.b" as a literal key first, then as a path into nested objects. */
function getPath(obj: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(obj, path)) return obj[path];
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Picks the mapped (and meta) fields out of a JSON object into a flat row. */
function flatRow(obj: Record<string, unknown>, plan: Plan): Record<string, unknown> {
  const names = new Set([...mappedFields(plan.mapping, plan.textFields ?? DEFAULT_TEXT_FIELDS), ...META_FIELDS]);
  const row: Record<string, unknown> = {};
  for (const n of names) row[n] = getPath(obj, n);
  return row;
}

async function* readTicketsJsonl(ctx: ReaderContext): AsyncGenerator<ReaderEvent> {
  const plan: Plan = { mapping: ctx.source.mapping, textFields: ctx.source.mapping.text ?? null };
  const threads = ctx.source.mapping.thread ? new ThreadGrouper(ctx.source.mapping.thread) : null;
  let seen = false;
  for await (const line of fileLines(ctx.file)) {
    seen = true;
    const parsed = parseJsonLine(line);
    if (!parsed.ok) {
      yield parsed.event;
      continue;
    }
    const obj = parsed.value;
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
      yield { type: 'quarantine', locator: `line ${line.line}`, reason: 'expected a JSON object on this line', excerpt: line.text.slice(0, 200) };
      continue;
    }
    yield* rowEvents(flatRow(obj as Record<string, unknown>, plan), plan, `line ${line.line}`, ctx, threads);
  }
  if (!seen) throw new FileRejected('empty file: no JSON lines');
  if (threads) yield* threads.flush();
}

const TICKET_HEADER = /\b(ticket|subject|channel|message|conversation|dm|tweet|handle|priority|agent)\b/i;

export const ticketsCsv: FormatModule = {
  format: 'tickets-csv',
  kind: 'ticket',
  sniff(head, fileName) {
    const csvName = /\.(csv|tsv|txt)$/i.test(fileName);
    const c = head.trimStart().charAt(0);
    if (c === '{' || c === '[') return 0;
    const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
    return (csvName ? 0.4 : 0.1) + (TICKET_HEADER.test(firstLine) ? 0.25 : 0);
  },
  read: readTicketsCsv,
};

export const ticketsJsonl: FormatModule = {
  format: 'tickets-jsonl',
  kind: 'ticket',
  sniff(head, fileName) {
    const named = /\.(jsonl|ndjson)$/i.test(fileName) ? 0.15 : 0;
    return headIsJsonLines(head) ? 0.5 + named : named;
  },
  read: readTicketsJsonl,
};
