/**
 * The labelled journey corpus with its texts: labels from models/corpus/journey-labels.jsonl, texts
 * read in place from ../shared/datasets (offsets into the source field, checked by hash). When the
 * datasets are absent, callers get `null` and say so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { availableSources, textHash, type CorpusDoc } from './sources.js';

export interface CorpusItem {
  source: string;
  domain: string;
  doc: string;
  start: number;
  end: number;
  text: string;
  /** The document's title (review header, complaint product) when the source has one. */
  title: string;
  /** The whole document's text, for document context. */
  docText: string;
  stage: string;
  touchpoint: string;
  sentiment: string;
  themes: string[];
  agreed: Record<string, boolean>;
}

export const CORPUS_LABELS = resolve(import.meta.dirname, '../../models/corpus/journey-labels.jsonl');

export function loadJourneyCorpus(datasets: string, labelsPath = CORPUS_LABELS): { items: CorpusItem[]; missing: string[]; mismatched: number } | null {
  if (!existsSync(datasets)) return null;
  const labels = readFileSync(labelsPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Omit<CorpusItem, 'text' | 'title' | 'docText' | 'domain'> & { hash: string });
  const { sources, missing } = availableSources(datasets);
  const docs = new Map<string, CorpusDoc>();
  for (const s of sources) for (const d of s.read(datasets)) docs.set(`${s.name}\u0000${d.docId}`, d);
  const items: CorpusItem[] = [];
  let mismatched = 0;
  for (const l of labels) {
    const d = docs.get(`${l.source}\u0000${l.doc}`);
    if (!d) continue;
    const text = d.text.slice(l.start, l.end);
    if (textHash(text) !== l.hash) {
      mismatched++;
      continue;
    }
    const { hash: _hash, ...rest } = l;
    items.push({ ...rest, domain: d.domain, text, title: d.title ?? '', docText: d.text });
  }
  return { items, missing, mismatched };
}
