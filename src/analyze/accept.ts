/**
 * Accepting a discovered theme: append it to a codeframe YAML file, keeping the file's comments
 * and layout (yaml's Document API edits the syntax tree instead of re-serialising plain data).
 */
import { writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, YAMLMap, YAMLSeq, type Document } from 'yaml';
import { parseCodeframe, resolveCodeframePath } from '../config/codeframe.js';
import { readTextFile } from '../config/load.js';
import { UserError } from '../util/errors.js';

export interface NewTheme {
  id: string;
  label: string;
  description: string;
  examples: string[];
  suggestionKey: string;
  parent?: string | undefined;
}

function findTheme(seq: unknown, id: string): YAMLMap | null {
  if (!isSeq(seq)) return null;
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    if (item.get('id') === id) return item;
    const inChild = findTheme(item.get('children', true), id);
    if (inChild) return inChild;
  }
  return null;
}

function targetList(doc: Document, parent: string | undefined, file: string): YAMLSeq {
  if (!parent) {
    const top = doc.get('themes', true);
    if (!isSeq(top)) throw new UserError(`${file} has no "themes" list`);
    return top;
  }
  const node = findTheme(doc.get('themes', true), parent);
  if (!node) throw new UserError(`${file} has no theme "${parent}" to put the new theme under`);
  const children: unknown = node.get('children', true);
  if (isSeq(children)) return children;
  const created = new YAMLSeq();
  node.set('children', created);
  return created;
}

/** Returns the new file text after validating it as a codeframe; writes it. */
export function appendThemeToCodeframe(path: string, theme: NewTheme): string {
  if (path.startsWith('builtin:')) {
    throw new UserError(
      `The themes codeframe is the built-in ${path}. Copy ${resolveCodeframePath(path)} into your project, ` +
        'set analysis.codeframes.themes to the copy in the pipeline config, then accept again.',
    );
  }
  const text = readTextFile(path, 'codeframe');
  const before = parseCodeframe(text, `codeframe ${path}`);
  if (before.themes.some((t) => t.id === theme.id)) throw new UserError(`${path} already has a theme "${theme.id}"`);
  const doc = parseDocument(text);
  const node = doc.createNode({
    id: theme.id,
    label: theme.label,
    description: theme.description,
    examples: theme.examples,
    origin: 'discovered',
    suggestion_key: theme.suggestionKey,
  });
  node.commentBefore = ` Accepted from discovered suggestion ${theme.suggestionKey}`;
  targetList(doc, theme.parent, path).items.push(node);
  // No re-wrapping: lines and flow lists the author wrote stay as they were.
  const next = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  parseCodeframe(next, `codeframe ${path} (after adding ${theme.id})`);
  writeFileSync(path, next);
  return next;
}
