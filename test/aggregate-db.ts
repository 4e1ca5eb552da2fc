/**
 * Test helper for the aggregation and report tests: a real SQLite database (openDatabase, all
 * migrations) in a temp dir, filled with small hand-made documents, segments and analysis rows
 * through plain SQL. Columns an earlier stage adds later (NOT NULL, no default) are filled with a
 * placeholder so these tests keep working while the ingest schema grows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../src/store/db.js';

type Value = string | number | null;

interface ColumnInfo {
  name: string;
  type: string;
  nn: number;
  dflt_value: string | null;
  pk: number;
}
const columnCache = new WeakMap<Db, Map<string, ColumnInfo[]>>();

function columnsOf(db: Db, table: string): ColumnInfo[] {
  let perDb = columnCache.get(db);
  if (!perDb) columnCache.set(db, (perDb = new Map()));
  let cols = perDb.get(table);
  if (!cols) {
    cols = db.prepare(`SELECT name, type, "notnull" AS nn, dflt_value, pk FROM pragma_table_info(?)`).all(table) as ColumnInfo[];
    perDb.set(table, cols);
  }
  return cols;
}

function insertRow(db: Db, table: string, values: Record<string, Value>): number {
  const cols = columnsOf(db, table);
  const row: Record<string, Value> = { ...values };
  for (const c of cols) {
    if (c.name in row || c.pk || !c.nn || c.dflt_value !== null) continue;
    row[c.name] = /INT|REAL/i.test(c.type) ? 0 : 'test';
  }
  const names = Object.keys(row);
  const sql = `INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  return Number(db.prepare(sql).run(...names.map((n) => row[n] ?? null)).lastInsertRowid);
}

export type Sentiment = 'negative' | 'neutral' | 'positive';

export interface SegSpec {
  text: string;
  sentiment?: Sentiment;
  score?: number;
  stage?: string | null;
  touchpoint?: string | null;
  themes?: Record<string, number> | string[];
  analyse?: boolean;
  emotions?: Record<string, number>;
}

export interface DocSpec {
  externalId?: string;
  kind?: 'survey' | 'interview' | 'ticket';
  source?: string;
  createdAt?: string | null;
  score?: number | null;
  scale?: string | null;
  channel?: string | null;
  attributes?: Record<string, unknown>;
  segments: SegSpec[];
}

const DEFAULT_SCORE: Record<Sentiment, number> = { negative: -0.6, neutral: 0, positive: 0.6 };

export class TestDb {
  readonly dir: string;
  readonly path: string;
  readonly db: Db;
  private readonly sourceIds = new Map<string, number>();
  private docCount = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'voc-agg-'));
    this.path = join(this.dir, 'voc.sqlite');
    this.db = openDatabase(this.path);
    insertRow(this.db, 'analysis_versions', { analysis_key: 'test-key', models_json: '{"encoder":"test"}', created_at: '2026-11-01T00:00:00Z' });
  }

  addTheme(id: string, parent: string | null, label: string): this {
    insertRow(this.db, 'themes', { theme_id: id, parent_id: parent, label });
    return this;
  }

  private sourceId(name: string, kind: string): number {
    let id = this.sourceIds.get(name);
    if (id === undefined) {
      id = insertRow(this.db, 'sources', {
        name, path: `${name}.csv`, sha256: `sha-${name}`, size_bytes: 1, kind, format: 'generic-csv',
        imported_at: '2026-11-01T00:00:00Z', status: 'complete',
      });
      this.sourceIds.set(name, id);
    }
    return id;
  }

  addDoc(spec: DocSpec): { documentId: number; segmentIds: number[] } {
    const n = ++this.docCount;
    const kind = spec.kind ?? 'survey';
    const source = spec.source ?? 'survey-a';
    const text = spec.segments.map((s) => s.text).join(' ');
    const externalId = spec.externalId ?? `R${n}`;
    const documentId = insertRow(this.db, 'documents', {
      identity: `${kind}:${source}:${externalId}`, kind, source_name: source, external_id: externalId,
      source_id: this.sourceId(source, kind), locator: `line ${n + 1}`,
      created_at: spec.createdAt === undefined ? '2026-06-15T10:00:00Z' : spec.createdAt,
      score: spec.score ?? null, score_scale: spec.scale === undefined ? (spec.score == null ? null : 'nps') : spec.scale,
      channel: spec.channel ?? null, attributes: JSON.stringify(spec.attributes ?? {}), text,
      content_hash: `h${n}`, needs_analysis: 0,
    });
    let offset = 0;
    const segmentIds = spec.segments.map((s, idx) => {
      const start = offset;
      offset += s.text.length + 1;
      return this.addSegment(documentId, idx, start, s);
    });
    return { documentId, segmentIds };
  }

  private addSegment(documentId: number, idx: number, start: number, s: SegSpec): number {
    const segmentId = insertRow(this.db, 'segments', {
      document_id: documentId, idx, part_idx: 0, role: 'respondent', char_start: start,
      char_end: start + s.text.length, text: s.text, text_hash: `t${documentId}-${idx}`, analyse: s.analyse === false ? 0 : 1,
    });
    const sentiment = s.sentiment ?? 'neutral';
    const score = s.score ?? DEFAULT_SCORE[sentiment];
    const pNeg = sentiment === 'negative' ? 0.8 : 0.1;
    insertRow(this.db, 'segment_analysis', {
      segment_id: segmentId, analysis_key: 'test-key', sentiment, sentiment_score: score, p_negative: pNeg,
      p_neutral: (1 - pNeg) / 2, p_positive: (1 - pNeg) / 2, stage: s.stage === undefined ? 'purchase' : s.stage,
      stage_confidence: 0.9, stage_signal: 'model', touchpoint: s.touchpoint === undefined ? 'website' : s.touchpoint,
      touchpoint_confidence: 0.8, touchpoint_signal: 'model', analyzed_at: '2026-11-01T00:00:00Z',
    });
    const themes = Array.isArray(s.themes) ? Object.fromEntries(s.themes.map((t) => [t, 0.9])) : (s.themes ?? {});
    for (const [theme, sc] of Object.entries(themes)) {
      insertRow(this.db, 'segment_themes', { segment_id: segmentId, theme_id: theme, score: sc, signal: 'head' });
    }
    for (const [emotion, sc] of Object.entries(s.emotions ?? {})) {
      insertRow(this.db, 'segment_emotions', { segment_id: segmentId, emotion, score: sc });
    }
    return segmentId;
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A run row, as voc run / voc aggregate would create before calling aggregatePipeline. */
export function addRun(db: Db, configHash = 'cfg-test'): number {
  return insertRow(db, 'runs', {
    command: 'run', pipeline: 'test', config_hash: configHash, tool_version: '0.0.0', started_at: '2026-11-01T00:00:00Z',
  });
}
