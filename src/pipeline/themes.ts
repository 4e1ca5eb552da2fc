/**
 * Discovered themes: list the suggestions (running discovery first when there are none, or when
 * asked), and accept one into the themes codeframe YAML with a stable id. Accepting writes the
 * codeframe file the pipeline config's analysis settings name and marks the suggestion accepted,
 * so the next analysis re-analyses with the new theme.
 */
import { resolve } from 'node:path';
import { z } from 'zod';
import { appendThemeToCodeframe } from '../analyze/accept.js';
import { parseAnalysisConfig, type AnalysisConfig } from '../config/analysis.js';
import { validateWith } from '../config/issues.js';
import { loadPipelineConfig } from '../config/load.js';
import { getSuggestion, listSuggestions, markSuggestionAccepted, type SuggestionRow } from '../store/analysis.js';
import { openDatabase, type Db } from '../store/db.js';
import { UserError } from '../util/errors.js';
import { resolveDatabase } from '../config/database.js';

export type { SuggestionRow };

export const SuggestThemesOptions = z.object({
  /** pipeline config: its database and analysis settings (default: data/voc.sqlite, built-in settings) */
  config: z.string().min(1).optional(),
  db: z.string().optional(),
  /** run discovery again first */
  refresh: z.boolean().default(false),
});
export type SuggestThemesOptions = z.input<typeof SuggestThemesOptions>;

const kebab = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a kebab-case theme id, e.g. "portion-size"');
export const AcceptThemeOptions = z.object({
  config: z.string().min(1),
  db: z.string().optional(),
  /** the new theme id */
  as: kebab,
  /** default: the suggestion's terms */
  label: z.string().min(1).optional(),
  /** put it under this theme */
  parent: kebab.optional(),
});
export type AcceptThemeOptions = z.input<typeof AcceptThemeOptions>;

function open(opts: { config?: string | undefined; db?: string | undefined }): { db: Db; acfg: AnalysisConfig } {
  const pipeline = opts.config ? loadPipelineConfig(opts.config).config : undefined;
  const db = openDatabase(resolveDatabase(opts.db ?? pipeline?.database ?? 'data/voc.sqlite'));
  return { db, acfg: pipeline?.analysis ?? parseAnalysisConfig({}) };
}

/** The theme suggestions, newest discovery included. */
export async function suggestThemes(options: SuggestThemesOptions = {}): Promise<SuggestionRow[]> {
  const opts = validateWith(SuggestThemesOptions, options, 'suggest options');
  const { db, acfg } = open(opts);
  try {
    if (opts.refresh || !listSuggestions(db).some((s) => s.status === 'proposed')) await discover(db, acfg);
    return listSuggestions(db);
  } finally {
    db.close();
  }
}

async function discover(db: Db, acfg: AnalysisConfig): Promise<void> {
  const [{ loadAnalyzerParts }, { runDiscovery }] = await Promise.all([import('../analyze/models.js'), import('../analyze/discover-run.js')]);
  const parts = await loadAnalyzerParts(acfg, db);
  try {
    await runDiscovery(db, parts, acfg, null);
  } finally {
    await parts.encoder.dispose();
  }
}

/** Adds suggestion `ref` to the themes codeframe as theme `as`; returns the codeframe file written. */
export function acceptTheme(ref: string, options: AcceptThemeOptions): { codeframe: string; themeId: string } {
  const opts = validateWith(AcceptThemeOptions, options, 'accept options');
  const { db, acfg } = open(opts);
  try {
    const s = getSuggestion(db, ref);
    if (!s) throw new UserError(`No theme suggestion "${ref}" (list them with \`voc themes suggest\`)`);
    if (s.status === 'accepted') throw new UserError(`Suggestion ${s.id} was already accepted`);
    const file = acfg.codeframes.themes;
    const label = opts.label ?? s.label;
    const description = `Discovered theme; distinctive terms: ${s.terms.join(', ')}.`;
    appendThemeToCodeframe(file, { id: opts.as, label, description, examples: s.quotes.map((q) => q.text), suggestionKey: s.suggestion_key, parent: opts.parent });
    markSuggestionAccepted(db, s.id, { theme_id: opts.as, parent_id: opts.parent ?? null, label, description, origin: 'discovered', codeframe: resolve(file) });
    return { codeframe: file, themeId: opts.as };
  } finally {
    db.close();
  }
}
