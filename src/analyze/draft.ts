/**
 * A first codeframe drawn from the user's own data (`voc codeframe draft`): a sample of ingested
 * customer segments (newest first, optionally one source) is clustered with the discovery stage's
 * k-means, and each cluster becomes a theme named by its distinctive terms, with a description,
 * keywords and its most central sentences as examples. The researcher edits the YAML, then points
 * `analysis.codeframes.themes` at it. Texts are the stored ones, already redacted.
 */
import { stringify } from 'yaml';
import { Codeframe } from '../config/codeframe.js';
import type { Db } from '../store/db.js';
import type { Encoder } from '../models/encoder.js';
import { cleanForSentiment } from '../models/signals.js';
import { discoverThemes } from './discovery.js';
import { MIN_WORDS } from './discover-run.js';

export interface DraftOptions {
  source?: string | undefined;
  /** Segments sampled, newest first (default 5000). */
  maxSegments?: number;
  /** Number of themes; chosen by silhouette up to maxK when absent. */
  k?: number | undefined;
  maxK?: number;
  minClusterSize?: number;
  seed?: number;
}

export interface Draft {
  yaml: string;
  themes: number;
  sampled: number;
}

function slug(terms: string[], taken: Set<string>): string {
  const base = terms.slice(0, 2).join('-').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'theme';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

export async function draftCodeframe(db: Db, encoder: Encoder, opts: DraftOptions = {}): Promise<Draft> {
  const rows = db
    .prepare(
      `SELECT s.id, s.text, s.text_hash FROM segments s JOIN documents d ON d.id = s.document_id
       WHERE s.analyse = 1 AND (? IS NULL OR d.source_name = ?) ORDER BY s.id DESC LIMIT ?`,
    )
    .all(opts.source ?? null, opts.source ?? null, opts.maxSegments ?? 5000) as Array<{ id: number; text: string; text_hash: string }>;
  // Clustered on the words: links and @handles removed, hashtags and emoji as words.
  const cleaned = rows.map((r) => ({ ...r, clean: cleanForSentiment(r.text) }));
  const usable = cleaned.filter((r) => r.clean.split(/\s+/).length >= MIN_WORDS);
  const original = new Map(usable.map((r) => [r.id, r.text]));
  const vectors = usable.length ? await encoder.embed(usable.map((r) => r.clean)) : [];
  const clusters = discoverThemes(
    usable.map((r, i) => ({ id: r.id, text: r.clean, textHash: r.text_hash, vector: vectors[i]! })),
    { minClusterSize: opts.minClusterSize ?? 5, k: opts.k, maxK: opts.maxK ?? 25, seed: opts.seed ?? 42, terms: 6, quotes: 5 },
  );
  const taken = new Set<string>();
  const themes = clusters.map((c) => ({
    id: slug(c.terms, taken),
    label: c.terms.slice(0, 3).join(' / ') || 'unnamed',
    description: `Sentences about ${c.terms.join(', ')} (${c.size} of the ${usable.length} sampled). Edit this description to say what the theme means.`,
    when_to_use: '',
    examples: c.quotes.map((q) => original.get(q.segment_id) ?? q.text).map((t) => (t.length > 200 ? `${t.slice(0, 197)}...` : t)),
    keywords: c.terms.slice(0, 6),
  }));
  const doc = {
    id: `draft-${(opts.source ?? 'all').toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    version: 1,
    kind: 'themes',
    description: `Drafted by voc codeframe draft from ${usable.length} segments${opts.source ? ` of source ${opts.source}` : ''}; edit labels, descriptions and examples, merge or split themes, then use it.`,
    themes,
  };
  if (themes.length) Codeframe.parse(doc); // what we write must load
  const header = '# A first codeframe drawn from your data by `voc codeframe draft`. Review every theme: rename, merge, split, delete.\n';
  return { yaml: header + stringify(doc, { lineWidth: 0 }), themes: themes.length, sampled: usable.length };
}
