/**
 * The shared engine of the CSV survey readers (generic, Qualtrics, SurveyMonkey).
 *
 * The formats differ only in how their header rows become column names, which columns are used
 * when the source config does not say, and which rows are not real responses. Each format
 * describes that as a `SurveyDialect`; this module does the streaming, mapping, validation and
 * record building once, so every CSV survey format reports problems the same way.
 */
import type { ScoreScale, SourceConfig } from '../../config/pipeline.js';
import { abbreviateHeader, readCsvRecords, rowToObject, type CsvEvent, type CsvRecord } from '../csv.js';
import {
  FileRejected,
  recordWarnings,
  type AttributeValue,
  type QuarantineEvent,
  type RawPart,
  type ReaderContext,
  type ReaderEvent,
} from '../types.js';
import { dayOrderOf, parseDate } from '../dates.js';
import { parseScore } from './scores.js';

/** Column names built from the header row(s), and what else the header tells about them. */
export interface TableLayout {
  columns: string[];
  /** Column -> question text, when the export has one distinct from the column name. */
  labels: Record<string, string>;
  /** Other names a mapping may use for a column (e.g. a bare question text) -> column. */
  aliases: Record<string, string>;
  /** Column -> time zone of its zone-less dates (Qualtrics writes it in the ImportId row). */
  timeZones: Record<string, string>;
  /** Column -> its cell in an extra header row (Qualtrics ImportId, SurveyMonkey sub-header). */
  extraHeader?: Record<string, string>;
}

/** Which columns the reader uses, all resolved to real column names. */
export interface ResolvedMapping {
  id: string | null;
  text: string[];
  score: { column: string; scale: ScoreScale } | null;
  /** Date columns in order of preference: the first non-empty one is used. */
  dates: string[];
  channel: string | null;
  title: string | null;
  attributes: Record<string, string>;
}

export type Defaults = Partial<ResolvedMapping>;

export interface SurveyDialect {
  /** Name used in messages ("Qualtrics export"). */
  label: string;
  /** How many leading rows are header rows, given the first (up to) three rows. */
  headerRowCount(first: string[][]): number;
  buildLayout(headerRows: string[][]): TableLayout;
  /** Columns used for what the mapping leaves out; `samples` are the first data rows. */
  defaults(layout: TableLayout, samples: Record<string, string>[], explicit: Defaults): Defaults;
  /** A reason when a row is not a real response (e.g. a survey preview), else null. */
  skipReason?(row: Record<string, string>): string | null;
  /** Format-specific extras for `meta`. */
  meta?(row: Record<string, string>, layout: TableLayout): Record<string, unknown>;
}

/** Data rows looked at before deciding defaults (e.g. which columns are free text). */
const SAMPLE_ROWS = 200;

/**
 * Streams a CSV survey: header rows, then records and quarantine events. Throws `FileRejected`
 * for an empty file or when columns named in the mapping are missing.
 */
export async function* readSurveyCsv(ctx: ReaderContext, dialect: SurveyDialect): AsyncGenerator<ReaderEvent> {
  const events = readCsvRecords(ctx.file, ctx.source.delimiter ? { delimiter: ctx.source.delimiter } : {});
  // Events are buffered in file order so quarantines stay between the rows they were found among.
  const buffered = await bufferRows(events, [], 3);
  const firstRows = buffered.filter(isRow);
  if (firstRows.length === 0) {
    yield* buffered as QuarantineEvent[];
    throw new FileRejected(`empty file: no header row found (a ${dialect.label} starts with a header row)`);
  }
  const headerRows = firstRows.slice(0, dialect.headerRowCount(firstRows.map((r) => r.fields)));
  const layout = dialect.buildLayout(headerRows.map((r) => r.fields));
  yield* duplicateColumnWarnings(layout.columns, `line ${headerRows[0]!.line}`);
  const body = await bufferRows(events, buffered.filter((e) => !headerRows.includes(e as CsvRecord)), SAMPLE_ROWS);
  const mapping = resolveMapping(ctx.source, layout, dialect, body.filter(isRow));
  for (const ev of body) yield* csvEventToReaderEvents(ev, layout, mapping, dialect, ctx);
  for await (const ev of events) yield* csvEventToReaderEvents(ev, layout, mapping, dialect, ctx);
}

function isRow(e: CsvEvent): e is CsvRecord {
  return e.type === 'row';
}

/** Reads events into `into` until it holds `rows` rows (or the file ends). */
async function bufferRows(events: AsyncGenerator<CsvEvent>, into: CsvEvent[], rows: number): Promise<CsvEvent[]> {
  let count = into.filter(isRow).length;
  while (count < rows) {
    const next = await events.next();
    if (next.done) break;
    into.push(next.value);
    if (isRow(next.value)) count++;
  }
  return into;
}

function* csvEventToReaderEvents(
  ev: CsvEvent,
  layout: TableLayout,
  mapping: ResolvedMapping,
  dialect: SurveyDialect,
  ctx: ReaderContext,
): Generator<ReaderEvent> {
  if (ev.type === 'quarantine') yield ev;
  else yield* rowEvents(ev, layout, mapping, dialect, ctx);
}

function* rowEvents(
  row: CsvRecord,
  layout: TableLayout,
  mapping: ResolvedMapping,
  dialect: SurveyDialect,
  ctx: ReaderContext,
): Generator<ReaderEvent> {
  if (row.fields.every((f) => f.trim() === '')) return; // a blank line of delimiters is not a response
  const obj = toObject(layout.columns, row);
  if (!obj.ok) {
    yield obj.quarantine;
    return;
  }
  const locator = `line ${row.line}`;
  const skip = dialect.skipReason?.(obj.row);
  if (skip) {
    yield { type: 'quarantine', locator, reason: skip, excerpt: row.fields.slice(0, 6).join(',') };
    return;
  }
  yield buildRecord(obj.row, locator, layout, mapping, dialect, ctx);
}

/**
 * rowToObject returns either the row or a quarantine event; which one is decided here from the
 * field count, not from the object's keys, because a CSV may well have a column named "type".
 */
function toObject(
  header: readonly string[],
  row: CsvRecord,
): { ok: true; row: Record<string, string> } | { ok: false; quarantine: QuarantineEvent } {
  const result = rowToObject(header, row);
  const n = row.fields.length;
  const fits = n === header.length || (n === header.length + 1 && row.fields.at(-1) === '');
  return fits ? { ok: true, row: result as Record<string, string> } : { ok: false, quarantine: result as QuarantineEvent };
}

// ---------------------------------------------------------------------------------------------
// Mapping resolution

function findColumn(name: string, layout: TableLayout): string | undefined {
  if (layout.columns.includes(name)) return name;
  if (layout.aliases[name] !== undefined) return layout.aliases[name];
  const wanted = name.trim().toLowerCase();
  return layout.columns.find((c) => c.trim().toLowerCase() === wanted);
}

/** Resolves the config mapping against the header; every name it cannot find is reported at once. */
export function resolveMapping(
  source: SourceConfig,
  layout: TableLayout,
  dialect: SurveyDialect,
  sample: CsvRecord[],
): ResolvedMapping {
  const m = source.mapping;
  const missing: string[] = [];
  const col = (name: string | undefined, key: string): string | undefined => {
    if (name === undefined) return undefined;
    const found = findColumn(name, layout);
    if (found === undefined) missing.push(`"${name}" (mapping.${key})`);
    return found;
  };
  const explicit: Defaults = {};
  const id = col(m.id, 'id');
  if (id) explicit.id = id;
  if (m.text) explicit.text = m.text.map((t) => col(t, 'text')).filter((c): c is string => c !== undefined);
  const score = col(m.score?.field, 'score.field');
  if (score && m.score) explicit.score = { column: score, scale: m.score.scale };
  const date = col(m.date, 'date');
  if (date) explicit.dates = [date];
  const channel = col(m.channel, 'channel');
  if (channel) explicit.channel = channel;
  const title = col(m.title, 'title');
  if (title) explicit.title = title;
  const attrs = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(m.attributes)) {
    const c = col(v, `attributes.${k}`);
    if (c) attrs[k] = c;
  }
  if (Object.keys(m.attributes).length > 0) explicit.attributes = attrs;
  if (missing.length > 0) {
    throw new FileRejected(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the ${dialect.label} header has: ${abbreviateHeader(layout.columns, 12)}`,
      layout.columns.join(',').slice(0, 300),
    );
  }
  const samples = sample.flatMap((r) => {
    const o = toObject(layout.columns, r);
    return o.ok ? [o.row] : [];
  });
  const d = dialect.defaults(layout, samples, explicit);
  return {
    id: explicit.id ?? d.id ?? null,
    text: explicit.text ?? d.text ?? [],
    score: explicit.score ?? d.score ?? null,
    dates: explicit.dates ?? d.dates ?? [],
    channel: explicit.channel ?? d.channel ?? null,
    title: explicit.title ?? d.title ?? null,
    attributes: explicit.attributes ?? d.attributes ?? {},
  };
}

// ---------------------------------------------------------------------------------------------
// Record building

/** Part label: "Q2: What is the main reason for your score?" when the export has question texts. */
export function fieldLabel(column: string, layout: TableLayout): string {
  const q = layout.labels[column];
  return q && !column.startsWith(q) ? `${column}: ${q}` : column;
}

function oversized(row: Record<string, string>, max: number): string | undefined {
  return Object.keys(row).find((k) => (row[k] ?? '').length > max);
}

function emptyToNull(v: string | undefined): AttributeValue {
  const t = (v ?? '').trim();
  return t === '' ? null : t;
}

function pickDate(row: Record<string, string>, mapping: ResolvedMapping, layout: TableLayout, warnings: string[], dateFormat: string | undefined): string | null {
  for (const c of mapping.dates) {
    const raw = (row[c] ?? '').trim();
    if (!raw) continue;
    const iso = parseDate(raw, layout.timeZones[c], dayOrderOf(dateFormat));
    if (iso) return iso;
    warnings.push(`date "${raw}" in ${c} is not a date format this reader knows`);
    return null;
  }
  return null;
}

function buildParts(row: Record<string, string>, mapping: ResolvedMapping, layout: TableLayout): RawPart[] {
  const parts: RawPart[] = [];
  for (const c of mapping.text) {
    const text = (row[c] ?? '').trim();
    if (text) parts.push({ field: fieldLabel(c, layout), text, role: 'respondent', analyse: true });
  }
  return parts;
}

function buildRecord(
  row: Record<string, string>,
  locator: string,
  layout: TableLayout,
  mapping: ResolvedMapping,
  dialect: SurveyDialect,
  ctx: ReaderContext,
): ReaderEvent {
  const big = oversized(row, ctx.limits.maxFieldChars);
  if (big !== undefined) {
    return {
      type: 'quarantine',
      locator,
      field: big,
      reason: `field "${big}" is ${(row[big] ?? '').length} characters long, over the limit of ${ctx.limits.maxFieldChars} (ingest.maxFieldChars)`,
      excerpt: (row[big] ?? '').slice(0, 120),
    };
  }
  const warnings: string[] = [];
  const scored = mapping.score ? parseScore(row[mapping.score.column], mapping.score.scale, mapping.score.column) : { score: null };
  if (scored.warning) warnings.push(scored.warning);
  const attributes: Record<string, AttributeValue> = {}; // the engine adds source-level attributes
  for (const [name, c] of Object.entries(mapping.attributes)) attributes[name] = emptyToNull(row[c]);
  const questions = Object.fromEntries(mapping.text.filter((c) => layout.labels[c]).map((c) => [c, layout.labels[c]]));
  const meta: Record<string, unknown> = { ...dialect.meta?.(row, layout) };
  if (Object.keys(questions).length > 0) meta.questions = questions;
  const record = {
    kind: 'survey' as const,
    externalId: mapping.id ? (emptyToNull(row[mapping.id]) as string | null) : null,
    locator,
    createdAt: pickDate(row, mapping, layout, warnings, ctx.source.mapping.dateFormat),
    score: scored.score,
    channel: mapping.channel ? (emptyToNull(row[mapping.channel]) as string | null) : null,
    title: mapping.title ? (emptyToNull(row[mapping.title]) as string | null) : null,
    attributes,
    meta,
    parts: buildParts(row, mapping, layout),
  };
  if (mapping.id && record.externalId === null) warnings.push(`empty id in ${mapping.id}; the record is identified by its content`);
  if (warnings.length > 0) meta.warnings = warnings;
  return { type: 'record', record: { ...record, warnings: recordWarnings(warnings) } };
}

/** A layout where column names are the header cells as they are (deduplicated). */
export function plainLayout(header: string[]): TableLayout {
  return { columns: dedupe(header.map((h) => h.trim())), labels: {}, aliases: {}, timeZones: {} };
}

/** Makes column names unique ("Comment", "Comment (2)") so no value is silently overwritten. */
/** A column name seen more than once is read under "name (2)", "name (3)", ...: said, not silent. */
export function* duplicateColumnWarnings(columns: readonly string[], locator: string): Generator<ReaderEvent> {
  const have = new Set(columns);
  for (const c of columns) {
    const m = /^(.*) \((\d+)\)$/.exec(c);
    if (m && have.has(m[1]!)) {
      yield { type: 'warning', kind: 'duplicate-column', locator, message: `column "${m[1]}" appears more than once; copy ${m[2]} is read as "${c}" (map it by that name)` };
    }
  }
}

export function dedupe(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    return count === 1 ? n : `${n} (${count})`;
  });
}
