/**
 * All SQL of the analysis stage: which documents need analysis, loading their segments, writing
 * segment/document results, the codeframe snapshot (themes) and discovered theme suggestions.
 * Every statement is parameterised; writes happen in one transaction per batch so an interrupted
 * run keeps whole documents and resumes where it stopped.
 */
import type { Db } from './db.js';
import { Reservoir } from '../util/random.js';

export interface DocRow {
  id: number;
  kind: 'survey' | 'interview' | 'ticket';
  source_name: string;
  channel: string | null;
  attributes: string;
}

export interface SegRow {
  id: number;
  document_id: number;
  field: string | null;
  text: string;
  text_hash: string;
}

const STALE_DOCS = /* sql */ `
  SELECT d.id FROM documents d
  WHERE d.needs_analysis = 1
     OR EXISTS (SELECT 1 FROM segments s LEFT JOIN segment_analysis a ON a.segment_id = s.id
                WHERE s.document_id = d.id AND s.analyse = 1 AND (a.segment_id IS NULL OR a.analysis_key <> @key))
  ORDER BY d.id`;

export function registerAnalysisVersion(db: Db, key: string, modelsJson: string, now: string): void {
  db.prepare('INSERT OR IGNORE INTO analysis_versions (analysis_key, models_json, created_at) VALUES (?, ?, ?)').run(
    key,
    modelsJson,
    now,
  );
}

/** Ids of documents that are new/changed or have an analysable segment without a current result. */
export function staleDocumentIds(db: Db, key: string): number[] {
  return db.prepare(STALE_DOCS).pluck().all({ key }) as number[];
}

/** Every document id (for --reanalyze). */
export function allDocumentIds(db: Db): number[] {
  return db.prepare('SELECT id FROM documents ORDER BY id').pluck().all() as number[];
}

/** document id -> number of analysable segments (one grouped query, not one per document). */
export function countAnalysableSegments(db: Db): Map<number, number> {
  const rows = db
    .prepare('SELECT document_id AS id, COUNT(*) AS n FROM segments WHERE analyse = 1 GROUP BY document_id')
    .all() as Array<{ id: number; n: number }>;
  return new Map(rows.map((r) => [r.id, r.n]));
}

export function loadDocuments(db: Db, ids: number[]): { docs: DocRow[]; segments: SegRow[] } {
  const docStmt = db.prepare('SELECT id, kind, source_name, channel, attributes FROM documents WHERE id = ?');
  const segStmt = db.prepare(
    'SELECT id, document_id, field, text, text_hash FROM segments WHERE document_id = ? AND analyse = 1 ORDER BY idx',
  );
  const docs: DocRow[] = [];
  const segments: SegRow[] = [];
  for (const id of ids) {
    const doc = docStmt.get(id) as DocRow | undefined;
    if (!doc) continue;
    docs.push(doc);
    segments.push(...(segStmt.all(id) as SegRow[]));
  }
  return { docs, segments };
}

export interface SegmentAnalysisRow {
  segmentId: number;
  sentiment: { label: string; score: number; probs: { negative: number; neutral: number; positive: number } };
  stage: { id: string; confidence: number; signal: string; assigned: boolean } | null;
  touchpoint: { id: string; confidence: number; signal: string; assigned: boolean } | null;
  emotions: Array<{ id: string; score: number }>;
  themes: Array<{ id: string; score: number; signal: string }>;
}

export interface DocumentAnalysisRow {
  documentId: number;
  sentiment: SegmentAnalysisRow['sentiment'];
  stage: string | null;
  touchpoint: string | null;
}

export interface BatchWrite {
  key: string;
  runId: number | null;
  now: string;
  segments: SegmentAnalysisRow[];
  documents: DocumentAnalysisRow[];
  /** every document of the batch, including those without analysable segments */
  documentIds: number[];
}

/** Rows per multi-row statement: a few hundred parameters each, well inside both databases' limits. */
const ROWS_PER_STATEMENT = 64;

/**
 * Runs one statement per 64 items instead of one per item: `sqlFor(n)` is the statement for n
 * items, `paramsOf` their parameters. On PostgreSQL each statement is a round trip (a batch of 256
 * segments took about 1,800 of them); on SQLite it saves the per-call overhead. Each size is
 * prepared once per call.
 */
function runChunked<T>(db: Db, items: readonly T[], sqlFor: (n: number) => string, paramsOf: (part: readonly T[]) => unknown[]): void {
  const statements = new Map<number, ReturnType<Db['prepare']>>();
  for (let start = 0; start < items.length; start += ROWS_PER_STATEMENT) {
    const part = items.slice(start, start + ROWS_PER_STATEMENT);
    let stmt = statements.get(part.length);
    if (!stmt) statements.set(part.length, (stmt = db.prepare(sqlFor(part.length))));
    stmt.run(...paramsOf(part));
  }
}

/** `head VALUES (?, ...), ...` for rows of values. */
function insertRows(db: Db, head: string, rows: readonly (readonly unknown[])[]): void {
  if (rows.length === 0) return;
  const tuple = `(${rows[0]!.map(() => '?').join(', ')})`;
  runChunked(db, rows, (n) => `${head} VALUES ${Array.from({ length: n }, () => tuple).join(', ')}`, (part) => part.flat());
}

/** `head IN (?, ...)` for ids. */
function forIds(db: Db, head: string, ids: readonly number[]): void {
  runChunked(db, ids, (n) => `${head} IN (${Array.from({ length: n }, () => '?').join(', ')})`, (part) => [...part]);
}

/** Writes one batch atomically and clears needs_analysis for its documents. */
export function writeAnalysisBatch(db: Db, batch: BatchWrite): void {
  const segmentIds = batch.segments.map((s) => s.segmentId);
  const analyses = batch.segments.map((s) => [
    s.segmentId,
    batch.key,
    batch.runId,
    s.sentiment.label,
    s.sentiment.score,
    s.sentiment.probs.negative,
    s.sentiment.probs.neutral,
    s.sentiment.probs.positive,
    // Unassigned segments keep their confidence; the label itself is not stored.
    s.stage?.assigned ? s.stage.id : null,
    s.stage?.confidence ?? null,
    s.stage ? (s.stage.assigned ? s.stage.signal : 'abstained') : null,
    s.touchpoint?.assigned ? s.touchpoint.id : null,
    s.touchpoint?.confidence ?? null,
    s.touchpoint ? (s.touchpoint.assigned ? s.touchpoint.signal : 'abstained') : null,
    batch.now,
  ]);
  const emotions = batch.segments.flatMap((s) => s.emotions.map((e) => [s.segmentId, e.id, e.score]));
  const themes = batch.segments.flatMap((s) => s.themes.map((t) => [s.segmentId, t.id, t.score, t.signal]));
  const documents = batch.documents.map((d) => {
    const p = d.sentiment.probs;
    return [d.documentId, batch.key, d.sentiment.label, d.sentiment.score, p.negative, p.neutral, p.positive, d.stage, d.touchpoint, batch.now];
  });
  const withResult = new Set(batch.documents.map((d) => d.documentId));
  db.transaction(() => {
    // A segment's tags are replaced as a whole: a batch analysed twice leaves its rows as once.
    forIds(db, 'DELETE FROM segment_emotions WHERE segment_id', segmentIds);
    forIds(db, 'DELETE FROM segment_themes WHERE segment_id', segmentIds);
    insertRows(
      db,
      `INSERT OR REPLACE INTO segment_analysis
    (segment_id, analysis_key, run_id, sentiment, sentiment_score, p_negative, p_neutral, p_positive,
     stage, stage_confidence, stage_signal, touchpoint, touchpoint_confidence, touchpoint_signal, analyzed_at)`,
      analyses,
    );
    insertRows(db, 'INSERT INTO segment_emotions (segment_id, emotion, score)', emotions);
    insertRows(db, 'INSERT INTO segment_themes (segment_id, theme_id, score, signal)', themes);
    insertRows(
      db,
      `INSERT OR REPLACE INTO document_analysis
    (document_id, analysis_key, sentiment, sentiment_score, p_negative, p_neutral, p_positive, stage, touchpoint, analyzed_at)`,
      documents,
    );
    forIds(db, 'DELETE FROM document_analysis WHERE document_id', batch.documentIds.filter((id) => !withResult.has(id)));
    forIds(db, 'UPDATE documents SET needs_analysis = 0 WHERE id', batch.documentIds);
  })();
}

/** Share of current-key analysed segments with no theme. */
export function unassignedRate(db: Db, key: string): { analysed: number; unassigned: number } {
  const row = db
    .prepare(
      `SELECT COUNT(*) AS analysed,
              SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM segment_themes t WHERE t.segment_id = a.segment_id) THEN 1 ELSE 0 END) AS unassigned
       FROM segment_analysis a WHERE a.analysis_key = ?`,
    )
    .get(key) as { analysed: number; unassigned: number | null };
  return { analysed: row.analysed, unassigned: row.unassigned ?? 0 };
}

export interface ThemeRow {
  theme_id: string;
  parent_id: string | null;
  label: string;
  description: string | null;
  origin: 'codeframe' | 'discovered';
  codeframe: string;
}

/** Replaces the snapshot of one codeframe file's themes. */
export function snapshotThemes(db: Db, codeframe: string, rows: ThemeRow[]): void {
  const del = db.prepare('DELETE FROM themes WHERE codeframe = ?');
  const ins = db.prepare(`INSERT OR REPLACE INTO themes (theme_id, parent_id, label, description, origin, codeframe)
    VALUES (@theme_id, @parent_id, @label, @description, @origin, @codeframe)`);
  db.transaction(() => {
    del.run(codeframe);
    for (const r of rows) ins.run(r);
  })();
}

export interface UnassignedSegment {
  id: number;
  text: string;
  text_hash: string;
}

/** Analysed (current key) segments without any theme, oldest first, capped. */
/** Newest first: past `limit`, discovery looks at the latest data, not the oldest. */
export function unassignedSegments(db: Db, key: string, limit: number): UnassignedSegment[] {
  return db
    .prepare(
      `SELECT s.id, s.text, s.text_hash FROM segment_analysis a JOIN segments s ON s.id = a.segment_id
       WHERE a.analysis_key = ? AND NOT EXISTS (SELECT 1 FROM segment_themes t WHERE t.segment_id = a.segment_id)
       ORDER BY s.id DESC LIMIT ?`,
    )
    .all(key, limit) as UnassignedSegment[];
}

export interface SuggestionInput {
  key: string;
  label: string;
  terms: string[];
  quotes: Array<{ segment_id: number; text: string }>;
  size: number;
  centroid: Float32Array;
}

export interface SuggestionRow {
  id: number;
  suggestion_key: string;
  label: string;
  terms: string[];
  quotes: Array<{ segment_id: number; text: string }>;
  size: number;
  status: 'proposed' | 'accepted' | 'rejected';
  created_at: string;
}

/**
 * Stores a discovery result: proposals from earlier runs that did not come back are dropped, the
 * status of accepted/rejected ones is kept, and a suggestion seen again keeps its id.
 */
export function replaceSuggestions(db: Db, runId: number | null, now: string, items: SuggestionInput[]): void {
  const upsert = db.prepare(`INSERT INTO theme_suggestions (run_id, suggestion_key, label, terms, quotes, size, centroid, created_at)
    VALUES (@runId, @key, @label, @terms, @quotes, @size, @centroid, @now)
    ON CONFLICT (suggestion_key) DO UPDATE SET run_id = excluded.run_id, label = excluded.label, terms = excluded.terms,
      quotes = excluded.quotes, size = excluded.size, centroid = excluded.centroid`);
  const keys = items.map((i) => i.key);
  db.transaction(() => {
    const old = db.prepare("SELECT suggestion_key FROM theme_suggestions WHERE status = 'proposed'").pluck().all() as string[];
    const del = db.prepare('DELETE FROM theme_suggestions WHERE suggestion_key = ?');
    for (const k of old) if (!keys.includes(k)) del.run(k);
    for (const i of items) {
      upsert.run({
        runId,
        key: i.key,
        label: i.label,
        terms: JSON.stringify(i.terms),
        quotes: JSON.stringify(i.quotes),
        size: i.size,
        centroid: Buffer.from(i.centroid.buffer, i.centroid.byteOffset, i.centroid.byteLength),
        now,
      });
    }
  })();
}

interface RawSuggestion extends Omit<SuggestionRow, 'terms' | 'quotes'> {
  terms: string;
  quotes: string;
}

const parseSuggestion = (r: RawSuggestion): SuggestionRow => ({
  ...r,
  terms: JSON.parse(r.terms) as string[],
  quotes: JSON.parse(r.quotes) as SuggestionRow['quotes'],
});

export function listSuggestions(db: Db): SuggestionRow[] {
  return (
    db
      .prepare(
        'SELECT id, suggestion_key, label, terms, quotes, size, status, created_at FROM theme_suggestions ORDER BY status, size DESC, id',
      )
      .all() as RawSuggestion[]
  ).map(parseSuggestion);
}

/** By numeric id or by suggestion_key. */
export function getSuggestion(db: Db, ref: string): SuggestionRow | undefined {
  const row = db
    .prepare(
      'SELECT id, suggestion_key, label, terms, quotes, size, status, created_at FROM theme_suggestions WHERE CAST(id AS TEXT) = ? OR suggestion_key = ?',
    )
    .get(ref, ref) as RawSuggestion | undefined;
  return row ? parseSuggestion(row) : undefined;
}

export function markSuggestionAccepted(db: Db, id: number, theme: ThemeRow): void {
  db.transaction(() => {
    db.prepare("UPDATE theme_suggestions SET status = 'accepted' WHERE id = ?").run(id);
    db.prepare(`INSERT OR REPLACE INTO themes (theme_id, parent_id, label, description, origin, codeframe)
      VALUES (@theme_id, @parent_id, @label, @description, @origin, @codeframe)`).run(theme);
  })();
}

/**
 * A seeded uniform sample of the analysable segment texts (optionally of one source), streamed
 * from the database: what `voc train sentiment --unlabelled --from-db` adapts to.
 */
export function sampleSegmentTexts(db: Db, opts: { source?: string; maxRows: number; seed: number }): { texts: string[]; total: number } {
  const sample = new Reservoir<string>(opts.maxRows, opts.seed);
  const rows = db
    .prepare(
      `SELECT s.text FROM segments s JOIN documents d ON d.id = s.document_id
       WHERE s.analyse = 1 AND (@source IS NULL OR d.source_name = @source) ORDER BY s.id`,
    )
    .pluck()
    .iterate({ source: opts.source ?? null }) as Iterable<string>;
  for (const text of rows) sample.add(text);
  return { texts: sample.items, total: sample.seen };
}
