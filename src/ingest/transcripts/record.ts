/**
 * What every transcript format shares once its cues are parsed: merge cues into turns, check turn
 * lengths, decide interviewer/participant roles, add attributes from config and the sidecar, find
 * the date, and emit one `RawRecord` per file.
 */
import path from 'node:path';
import type { AttributeValue, QuarantineEvent, RawPart, RawRecord, Reader, ReaderContext, ReaderEvent } from '../types.js';
import { FileRejected } from '../types.js';
import { findDate } from '../dates.js';
import { decideRoles, type RoleDecision } from './roles.js';
import { loadSidecar, rowForFile, type Sidecar, type SidecarRow } from './sidecar.js';
import { firstLines } from './text.js';
import { TurnCollector, checkTurnLengths, speakerKey, type Turn, type Utterance } from './turns.js';

/** Facts a transcript states about itself (VTT NOTE, Otter header, "Date:" lines). */
export interface TranscriptHeader {
  id?: string;
  title?: string;
  /** ISO date found in the header. */
  date?: string;
}

export type ParseEvent = { type: 'utterance'; utterance: Utterance } | { type: 'header'; header: TranscriptHeader } | QuarantineEvent;

/** A format's parser: the decoded text in, utterances, header facts and quarantine notices out. */
export type TranscriptParser = (text: string, ctx: ReaderContext) => Iterable<ParseEvent>;

/** Builds a `Reader` from a format's parser. */
export function transcriptReader(format: string, parser: TranscriptParser): Reader {
  return async function* read(ctx: ReaderContext): AsyncGenerator<ReaderEvent> {
    const text = await ctx.file.readAll();
    if (text.trim() === '') throw new FileRejected('empty file: the transcript has no text');
    const collector = new TurnCollector();
    const header: TranscriptHeader = {};
    for (const ev of parser(text, ctx)) {
      if (ev.type === 'utterance') collector.add(ev.utterance);
      else if (ev.type === 'header') Object.assign(header, ev.header);
      else {
        collector.breakTurn();
        yield ev;
      }
    }
    const { kept, rejected } = checkTurnLengths(collector.turns, ctx.limits.maxFieldChars);
    yield* rejected;
    if (kept.length === 0) {
      const why =
        collector.turns.length === 0
          ? `no speaker turns found: expected ${format} content with text (see docs/formats-transcripts.md)`
          : `no speaker turns left: all ${collector.turns.length} turns were quarantined`;
      throw new FileRejected(why, firstLines(text));
    }
    fillMissingEnds(kept);
    yield { type: 'record', record: buildRecord(ctx, format, kept, header) };
  };
}

/** Otter and note transcripts only stamp when a turn starts; it ends when the next one starts. */
function fillMissingEnds(turns: Turn[]): void {
  turns.forEach((t, i) => {
    const next = turns[i + 1];
    if (t.endMs === undefined && !t.beforeGap && t.startMs !== undefined && next?.startMs !== undefined && next.startMs >= t.startMs) {
      t.endMs = next.startMs;
    }
  });
}

function buildRecord(ctx: ReaderContext, format: string, turns: Turn[], header: TranscriptHeader): RawRecord {
  const settings = ctx.source.interview;
  const roles = decideRoles(turns, settings);
  const parts = turns.map((t) => toPart(t, roles));
  const participants = [...roles.entries()].filter(([, d]) => d.role === 'participant').map(([key]) => key);
  const sidecar = loadSidecar(ctx.rootDir, settings?.attributesFile);
  const rows = sidecarRows(sidecar, ctx.file.relPath, participants);
  const fileName = path.basename(ctx.file.relPath);
  return {
    kind: 'interview',
    externalId: header.id ?? fileName.replace(/\.[^.]+$/, ''),
    locator: 'file',
    createdAt: createdAt(rows, header, fileName),
    score: null,
    channel: rows.map((r) => r.channel).find((c) => c !== undefined) ?? null,
    title: header.title ?? null,
    attributes: attributes(settings?.attributes ?? {}, rows),
    meta: {
      format,
      roles: Object.fromEntries(rolesBySpeaker(turns, roles)),
      turns: turns.length,
      cues: turns.reduce((n, t) => n + t.cues, 0),
      ...(sidecar ? { attributesFrom: rows.map((r) => `${sidecar.relPath} line ${r.line}`) } : {}),
    },
    parts,
  };
}

function toPart(t: Turn, roles: Map<string, RoleDecision>): RawPart {
  const role = roles.get(speakerKey(t.speaker))?.role ?? 'participant';
  return { text: t.text, speaker: t.speaker, role, startMs: t.startMs, endMs: t.endMs, analyse: role === 'participant' };
}

/** meta.roles: speaker name (as first spelled) -> decision and reason. */
function rolesBySpeaker(turns: Turn[], roles: Map<string, RoleDecision>): [string, RoleDecision][] {
  const seen = new Map<string, [string, RoleDecision]>();
  for (const t of turns) {
    const key = speakerKey(t.speaker);
    const decision = roles.get(key);
    if (decision && !seen.has(key)) seen.set(key, [t.speaker, decision]);
  }
  return [...seen.values()];
}

/** Sidecar rows that apply, least specific first: participant rows, then the file's own row. */
function sidecarRows(sidecar: Sidecar | null, relPath: string, participantKeys: string[]): SidecarRow[] {
  if (!sidecar) return [];
  const rows: SidecarRow[] = [];
  for (const key of participantKeys) {
    const row = sidecar.byParticipant.get(key);
    if (row) rows.push(row);
  }
  const own = rowForFile(sidecar, relPath);
  if (own) rows.push(own);
  return rows;
}

function attributes(fromConfig: Record<string, string | number | boolean>, rows: SidecarRow[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = { ...fromConfig };
  for (const row of rows) Object.assign(out, row.attributes);
  return out;
}

/** Sidecar date (the file's row wins), then a date the transcript states, then one in the file name. */
function createdAt(rows: SidecarRow[], header: TranscriptHeader, fileName: string): string | null {
  for (const row of [...rows].reverse()) {
    const d = row.date === undefined ? null : findDate(row.date);
    if (d) return d;
  }
  return header.date ?? findDate(fileName);
}

/** Turns a "key: value" header fact into a header event; null for a date that cannot be read. */
export function headerEvent(key: 'id' | 'title' | 'date', value: string): ParseEvent | null {
  const v = value.trim();
  if (v === '') return null;
  if (key !== 'date') return { type: 'header', header: { [key]: v } };
  const date = findDate(v);
  return date ? { type: 'header', header: { date } } : null;
}
