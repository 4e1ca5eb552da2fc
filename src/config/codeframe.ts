/**
 * Codeframes: the hierarchical lists of themes, journey stages, touchpoints and emotions that the
 * analysis stage classifies into (`pipelines/codeframes/*.yaml`).
 *
 * Ids are the contract with every later stage (they are stored in segment_themes and shown in
 * reports), so they must be stable and unique across the whole file. Kebab-case is the house
 * style; any code a researcher already uses ("card_arrival", "Q3.2", "Billing/Fees") works too.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '../util/errors.js';
import { parseYamlWith, readTextFile } from './load.js';

export const CODEFRAME_KINDS = ['themes', 'stages', 'touchpoints', 'emotions'] as const;
export const CodeframeKind = z.enum(CODEFRAME_KINDS);
export type CodeframeKind = z.infer<typeof CodeframeKind>;

const themeId = z
  .string()
  .max(100)
  .regex(/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u, 'an id: no leading or trailing spaces, no control characters (kebab-case is the house style)');

const phrase = z.string().trim().min(1);

export interface CodeframeThemeInput {
  id: string;
  label: string;
  description?: string;
  when_to_use?: string;
  when_not_to_use?: string;
  examples?: string[];
  keywords?: string[];
  origin?: 'codeframe' | 'discovered';
  suggestion_key?: string;
  children?: CodeframeThemeInput[];
}

/** One theme; `children` nest to any depth. */
export const CodeframeTheme: z.ZodType<CodeframeThemeOutput, CodeframeThemeInput> = z.lazy(() =>
  z
    .object({
      id: themeId,
      label: phrase,
      description: z.string().default(''),
      when_to_use: z.string().default(''),
      when_not_to_use: z.string().default(''),
      examples: z.array(phrase).default([]).describe('short example phrases or sentences'),
      keywords: z.array(phrase).default([]).describe('words or phrases that signal the theme (matched after stemming)'),
      origin: z.enum(['codeframe', 'discovered']).default('codeframe'),
      suggestion_key: z.string().optional(),
      children: z.array(CodeframeTheme).default([]),
    })
    .strict(),
);

export interface CodeframeThemeOutput {
  id: string;
  label: string;
  description: string;
  when_to_use: string;
  when_not_to_use: string;
  examples: string[];
  keywords: string[];
  origin: 'codeframe' | 'discovered';
  suggestion_key?: string | undefined;
  children: CodeframeThemeOutput[];
}

export const Codeframe = z
  .object({
    id: themeId,
    version: z.union([z.number(), z.string()]).transform(String),
    kind: CodeframeKind,
    description: z.string().optional(),
    themes: z.array(CodeframeTheme).min(1),
  })
  .strict()
  .superRefine((cf, ctx) => {
    const seen = new Set<string>();
    for (const { theme, path } of walk(cf.themes, ['themes'])) {
      if (seen.has(theme.id)) {
        ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `a unique id ("${theme.id}" is used twice)` });
      }
      seen.add(theme.id);
      if (!theme.description && theme.examples.length === 0 && theme.children.length === 0) {
        ctx.addIssue({ code: 'custom', path: [...path, 'description'], message: 'a description or examples (a theme needs text to match)' });
      }
    }
  });
export type Codeframe = z.infer<typeof Codeframe>;

function* walk(
  themes: CodeframeThemeOutput[],
  path: Array<string | number>,
): Generator<{ theme: CodeframeThemeOutput; path: Array<string | number> }> {
  for (let i = 0; i < themes.length; i++) {
    const theme = themes[i]!;
    const here = [...path, i];
    yield { theme, path: here };
    yield* walk(theme.children, [...here, 'children']);
  }
}

/** A theme with its position in the tree; what classifiers work on. */
export interface FlatTheme extends Omit<CodeframeThemeOutput, 'children'> {
  parentId: string | null;
  depth: number;
  isLeaf: boolean;
}

export function flattenCodeframe(cf: Codeframe): FlatTheme[] {
  const out: FlatTheme[] = [];
  const visit = (themes: CodeframeThemeOutput[], parentId: string | null, depth: number): void => {
    for (const { children, ...rest } of themes) {
      out.push({ ...rest, parentId, depth, isLeaf: children.length === 0 });
      visit(children, rest.id, depth + 1);
    }
  };
  visit(cf.themes, null, 0);
  return out;
}

export interface LoadedCodeframe {
  codeframe: Codeframe;
  themes: FlatTheme[];
  path: string;
  /** sha256 prefix of the file text: part of the analysis key. */
  hash: string;
}

/** The codeframes shipped with voc, found next to the package (works when installed globally). */
export const BUILTIN_CODEFRAME_DIR = fileURLToPath(new URL('../../pipelines/codeframes/', import.meta.url));

export const BUILTIN_CODEFRAMES: Record<CodeframeKind, string> = {
  themes: 'cross-industry.yaml',
  stages: 'journey-stages.yaml',
  touchpoints: 'touchpoints.yaml',
  emotions: 'emotions.yaml',
};

/** Resolves `builtin:NAME` (or a bare default) to the shipped file; other paths are used as given. */
export function resolveCodeframePath(path: string): string {
  if (path.startsWith('builtin:')) return `${BUILTIN_CODEFRAME_DIR}${path.slice('builtin:'.length)}`;
  return path;
}

export function parseCodeframe(text: string, what: string): LoadedCodeframe {
  const codeframe = parseYamlWith(text, Codeframe, what);
  return {
    codeframe,
    themes: flattenCodeframe(codeframe),
    path: what,
    hash: createHash('sha256').update(text).digest('hex').slice(0, 16),
  };
}

/**
 * A codeframe made from a trained head's own labels, for `voc train themes` on codes that no
 * codeframe file lists: each code is its own theme, labelled by its name.
 */
export function codeframeFromLabels(labels: readonly string[], kind: CodeframeKind, name: string): LoadedCodeframe {
  const human = (l: string) => l.replace(/[_-]+/g, ' ').trim() || l;
  const codeframe = Codeframe.parse({
    id: 'from-head',
    version: '1',
    kind,
    description: `The codes of the head ${name}`,
    themes: labels.map((id) => ({ id, label: human(id), description: human(id) })),
  });
  return { codeframe, themes: flattenCodeframe(codeframe), path: `head ${name}`, hash: createHash('sha256').update(JSON.stringify(labels)).digest('hex').slice(0, 16) };
}

export function loadCodeframe(path: string, expectedKind?: CodeframeKind): LoadedCodeframe {
  const resolved = resolveCodeframePath(path);
  if (!existsSync(resolved)) throw new UserError(`Codeframe file "${path}" does not exist`);
  const loaded = parseCodeframe(readTextFile(resolved, 'codeframe'), `codeframe ${path}`);
  if (expectedKind && loaded.codeframe.kind !== expectedKind) {
    throw new UserError(`Codeframe ${path} has kind "${loaded.codeframe.kind}" but is used for ${expectedKind}`);
  }
  return { ...loaded, path: resolvePath(resolved) };
}
