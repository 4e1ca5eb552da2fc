/**
 * What a segment knows about itself and its document, and the config rules (`when:` conditions on
 * source, kind, channel, attribute, field and text) tested against it. Shared by the theme rules
 * (themes.ts) and the journey metadata rules (journey.ts).
 */
import type { RuleCondition } from '../config/analysis.js';

/** What a segment knows about its document (the metadata rules test these). */
export interface DocContext {
  key: string;
  kind: 'survey' | 'interview' | 'ticket';
  sourceName: string;
  channel: string | null;
  attributes: Record<string, unknown>;
  sourceStage?: string | undefined;
  sourceTouchpoint?: string | undefined;
}

export interface SegmentContext {
  text: string;
  field: string | null;
}

const lower = (v: unknown) => String(v).toLowerCase();
const oneOf = (want: string | string[] | undefined, got: string | null): boolean =>
  want === undefined || (got !== null && (Array.isArray(want) ? want : [want]).some((w) => lower(w) === lower(got)));

function attributeMatches(want: NonNullable<RuleCondition['attribute']>, attrs: Record<string, unknown>): boolean {
  return Object.entries(want).every(([name, value]) => {
    const got = attrs[name];
    if (got === undefined || got === null) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => lower(v) === lower(got));
  });
}

/** Compiled regexes are cached: rules are tested on every segment. */
const regexCache = new Map<string, RegExp>();
function textRegex(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'i');
    regexCache.set(pattern, re);
  }
  return re;
}

export function ruleMatches(when: RuleCondition, doc: DocContext, seg: SegmentContext): boolean {
  return (
    oneOf(when.source, doc.sourceName) &&
    (when.kind === undefined || when.kind === doc.kind) &&
    oneOf(when.channel, doc.channel) &&
    (when.attribute === undefined || attributeMatches(when.attribute, doc.attributes)) &&
    oneOf(when.field, seg.field) &&
    (when.text === undefined || textRegex(when.text).test(seg.text))
  );
}
