/**
 * A first themes codeframe drawn from the ingested data (`voc codeframe draft`): cluster the
 * customer sentences (newest first) with the config's encoder, name each cluster by its
 * distinctive terms, and write the YAML for a researcher to edit. The output path is confined to
 * the working directory or the pipeline root unless allowed.
 */
import { z } from 'zod';
import { draftCodeframe } from '../analyze/draft.js';
import { validateWith } from '../config/issues.js';
import { loadPipelineConfig } from '../config/load.js';
import { createEncoder } from '../models/encoder.js';
import { writeFileAtomic } from '../report/files.js';
import { openDatabase } from '../store/db.js';
import { cachedEncoder } from '../store/embeddings.js';
import { UserError } from '../util/errors.js';
import { confineOutput } from '../util/paths.js';

export const DraftCodeframeOptions = z.object({
  /** pipeline config: its database, sources and encoder */
  config: z.string().min(1),
  db: z.string().optional(),
  /** only this source */
  source: z.string().min(1).optional(),
  /** the YAML file to write */
  out: z.string().min(1),
  /** number of themes (default: chosen by silhouette, up to 25) */
  k: z.coerce.number().int().min(2).max(200).optional(),
  /** sentences sampled, newest first */
  maxSegments: z.coerce.number().int().min(10).default(5000),
  allowOutside: z.boolean().default(false),
});
export type DraftCodeframeOptions = z.input<typeof DraftCodeframeOptions>;

export interface DraftCodeframeResult {
  /** the file written */
  out: string;
  themes: number;
  sampled: number;
}

export async function writeCodeframeDraft(options: DraftCodeframeOptions): Promise<DraftCodeframeResult> {
  const o = validateWith(DraftCodeframeOptions, options, 'draft options');
  const { config } = loadPipelineConfig(o.config);
  const out = confineOutput(o.out, { roots: [config.root], allowOutside: o.allowOutside || config.allowOutputOutside, what: '--out' });
  if (o.source && !config.sources.some((s) => s.name === o.source)) {
    throw new UserError(`--source: no source named "${o.source}" in ${o.config} (sources: ${config.sources.map((s) => s.name).join(', ')})`);
  }
  const db = openDatabase(o.db ?? config.database);
  try {
    const base = await createEncoder(config.analysis.encoder);
    try {
      const draft = await draftCodeframe(db, cachedEncoder(db, base, config.analysis.embeddings.storage), { source: o.source, k: o.k, maxSegments: o.maxSegments });
      if (draft.themes === 0) throw new UserError(`not enough sentences to draft themes from (${draft.sampled} usable; ingest more data first)`);
      writeFileAtomic(out, draft.yaml);
      return { out, themes: draft.themes, sampled: draft.sampled };
    } finally {
      await base.dispose();
    }
  } finally {
    db.close();
  }
}
