/**
 * Documents for the report's filter cube, streamed one row at a time so the cube stays bounded by
 * groups, not documents: the NPS respondents (every document with a 0-10 likelihood-to-recommend
 * score, with or without an analysed comment: they count in their group's NPS), and every
 * document's group fields (to count the groups before the cube is built).
 */
import { z } from 'zod';
import type { Db } from './db.js';

const NpsDocRow = z.object({
  id: z.number().int(),
  kind: z.string(),
  source_name: z.string(),
  created_at: z.string().nullable(),
  score: z.number(),
  attributes: z.string().nullable(),
});

const AttributesJson = z.record(z.string(), z.unknown());

export interface NpsDocument {
  documentId: number;
  kind: string;
  sourceName: string;
  createdAt: string | null;
  score: number;
  attributes: Record<string, unknown>;
}

const NO_ATTRIBUTES: Record<string, unknown> = Object.freeze({});

/** `attributes: false` (no attribute dimension in the cube) leaves them unread: `{}` for every document. */
export function* streamNpsDocuments(db: Db, options: { attributes: boolean } = { attributes: true }): Generator<NpsDocument> {
  const stmt = db.prepare(
    `SELECT id, kind, source_name, created_at, score, ${options.attributes ? 'attributes' : 'NULL AS attributes'} FROM documents
      WHERE score_scale = 'nps' AND score IS NOT NULL ORDER BY id`,
  );
  for (const raw of stmt.iterate()) {
    const r = NpsDocRow.parse(raw);
    yield {
      documentId: r.id, kind: r.kind, sourceName: r.source_name, createdAt: r.created_at,
      score: r.score, attributes: r.attributes === null ? NO_ATTRIBUTES : AttributesJson.parse(JSON.parse(r.attributes)),
    };
  }
}

const GroupDocRow = z.object({
  kind: z.string(),
  source_name: z.string(),
  created_at: z.string().nullable(),
  attributes: z.string().nullable(),
});

export interface GroupDocument {
  kind: string;
  sourceName: string;
  createdAt: string | null;
  attributes: Record<string, unknown>;
}

/** Every document's group fields (kind, source, date and attributes), in id order. */
export function* streamGroupDocuments(db: Db): Generator<GroupDocument> {
  const stmt = db.prepare(`SELECT kind, source_name, created_at, attributes FROM documents ORDER BY id`);
  for (const raw of stmt.iterate()) {
    const r = GroupDocRow.parse(raw);
    yield {
      kind: r.kind, sourceName: r.source_name, createdAt: r.created_at,
      attributes: r.attributes === null ? NO_ATTRIBUTES : AttributesJson.parse(JSON.parse(r.attributes)),
    };
  }
}
