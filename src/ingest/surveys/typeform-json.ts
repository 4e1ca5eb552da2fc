/**
 * `typeform-json`: the Typeform Responses API payload (`GET /forms/{id}/responses`), saved as a
 * file: `{ "items": [ { "response_id", "submitted_at", "hidden": {...}, "answers": [...] } ] }`.
 *
 * Answers are identified by their field `ref` (stable, set by the form author) or `id`; a mapping
 * may use either. Hidden fields (plan, region, ... passed in the form URL) are attributes.
 *
 * The file is streamed, never read whole: one pass checks the mapping (it ends as soon as every
 * mapped name has been seen), a second reads the items one at a time.
 */
import { z } from 'zod';
import { abbreviateHeader } from '../csv.js';
import { keptNote, listElements, type ListElement, type ListReasons } from '../json/document.js';
import { FileRejected, recordWarnings, type AttributeValue, type FormatModule, type RawPart, type ReaderContext, type ReaderEvent } from '../types.js';
import { dayOrderOf, parseDate } from '../dates.js';
import { parseScore } from './scores.js';

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const Answer = z
  .object({
    field: z.object({ id: z.string(), ref: z.string().optional(), type: z.string().optional() }).loose(),
    type: z.string(),
    text: z.string().optional(),
    number: z.number().optional(),
    boolean: z.boolean().optional(),
    email: z.string().optional(),
    date: z.string().optional(),
    url: z.string().optional(),
    phone_number: z.string().optional(),
    file_url: z.string().optional(),
    choice: z.object({ label: z.string().optional(), other: z.string().optional() }).loose().optional(),
    choices: z.object({ labels: z.array(z.string()).optional(), other: z.string().optional() }).loose().optional(),
  })
  .loose();
type Answer = z.infer<typeof Answer>;

const Item = z
  .object({
    response_id: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    landed_at: z.string().optional(),
    submitted_at: z.string().optional(),
    hidden: z.record(z.string(), Scalar).nullish(),
    answers: z.array(Answer).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose()
  .refine((i) => i.response_id !== undefined || i.token !== undefined, {
    message: 'an item needs a "response_id" or a "token"',
    path: ['response_id'],
  });
type Item = z.infer<typeof Item>;

/** Item keys a mapping may name besides field refs/ids and hidden fields. */
const ITEM_KEYS = ['response_id', 'token', 'landed_at', 'submitted_at'] as const;

const REASONS: ListReasons = {
  empty: 'empty file: expected a Typeform responses JSON document',
  shape: 'not a Typeform responses export: expected an object with an "items" array (or an array of items)',
  invalid: (p) =>
    new FileRejected(`invalid JSON: ${p.detail}${p.record ? ` in record ${p.record}` : ''} (line ${p.line}, column ${p.column})${keptNote(p.recordsBefore)}`, p.excerpt),
};

/** The items, streamed from the file one at a time (never read whole). */
function items(ctx: ReaderContext): AsyncGenerator<ListElement> {
  return listElements(ctx.file, 'items', REASONS);
}

function answerValue(a: Answer): AttributeValue {
  if (a.choice) return a.choice.label ?? a.choice.other ?? null;
  if (a.choices) return [...(a.choices.labels ?? []), ...(a.choices.other ? [a.choices.other] : [])].join('; ');
  const v = a.text ?? a.number ?? a.boolean ?? a.email ?? a.date ?? a.url ?? a.phone_number ?? a.file_url;
  return v ?? null;
}

function answerKey(a: Answer): string {
  return a.field.ref ?? a.field.id;
}

/** Finds what a mapping name refers to in one item: an item key, a hidden field or an answer. */
function lookup(item: Item, name: string): AttributeValue | undefined {
  if ((ITEM_KEYS as readonly string[]).includes(name)) return (item as Record<string, unknown>)[name] as string | undefined;
  if (item.hidden && name in item.hidden) return item.hidden[name];
  const a = item.answers?.find((x) => x.field.ref === name || x.field.id === name);
  return a ? answerValue(a) : undefined;
}

function addNames(names: Set<string>, it: Item): void {
  for (const k of Object.keys(it.hidden ?? {})) names.add(k);
  for (const a of it.answers ?? []) {
    names.add(a.field.id);
    if (a.field.ref) names.add(a.field.ref);
  }
}

/**
 * Every field the mapping names must occur in at least one valid item, else the file is rejected.
 * A first pass over the items, which stops as soon as every name has been seen (at once when the
 * mapping names none); only when a name is missing does it read to the end, to list what the
 * items have.
 */
async function checkMapping(ctx: ReaderContext): Promise<void> {
  const m = ctx.source.mapping;
  const wanted: [string, string | undefined][] = [
    ['id', m.id],
    ['score.field', m.score?.field],
    ['date', m.date],
    ['channel', m.channel],
    ['title', m.title],
    ...(m.text ?? []).map((t): [string, string] => ['text', t]),
    ...Object.entries(m.attributes).map(([k, v]): [string, string] => [`attributes.${k}`, v]),
  ];
  const known = new Set<string>(ITEM_KEYS);
  const missing = () => wanted.filter(([, v]) => v !== undefined && !known.has(v)).map(([k, v]) => `"${v}" (mapping.${k})`);
  if (missing().length === 0) return;
  // Nothing is handed on in this pass: an error in it must not say records were read.
  for await (const el of listElements(ctx.file, 'items', { ...REASONS, invalid: (p) => REASONS.invalid({ ...p, recordsBefore: 0 }) })) {
    const parsed = Item.safeParse(el.value);
    if (!parsed.success) continue;
    addNames(known, parsed.data);
    if (missing().length === 0) return;
  }
  const absent = missing();
  throw new FileRejected(
    `missing required field${absent.length > 1 ? 's' : ''} ${absent.join(', ')}; the Typeform items have: ${abbreviateHeader([...known], 12)}`,
  );
}

function textParts(item: Item, ctx: ReaderContext): RawPart[] {
  const m = ctx.source.mapping;
  const chosen = m.text ?? (item.answers ?? []).filter((a) => a.type === 'text').map(answerKey);
  const parts: RawPart[] = [];
  for (const name of chosen) {
    const v = lookup(item, name);
    const text = v === null || v === undefined ? '' : String(v).trim();
    if (text) parts.push({ field: name, text, role: 'respondent', analyse: true });
  }
  for (const a of item.answers ?? []) {
    // "Other" write-ins of choice questions are free text too.
    const other = a.choice?.other ?? a.choices?.other;
    if (!m.text && other?.trim()) parts.push({ field: `${answerKey(a)} (other)`, text: other.trim(), role: 'respondent', analyse: true });
  }
  return parts;
}

function scoreOf(item: Item, ctx: ReaderContext, warnings: string[]): ReturnType<typeof parseScore>['score'] {
  const s = ctx.source.mapping.score;
  const nps = item.answers?.find((a) => a.field.type === 'nps');
  const field = s?.field ?? (nps ? answerKey(nps) : undefined);
  if (!field) return null;
  const raw = lookup(item, field);
  const result = parseScore(typeof raw === 'boolean' ? String(raw) : raw, s?.scale ?? 'nps', field);
  if (result.warning) warnings.push(result.warning);
  return result.score;
}

function dateOf(item: Item, ctx: ReaderContext, warnings: string[]): string | null {
  const names = ctx.source.mapping.date ? [ctx.source.mapping.date] : ['submitted_at', 'landed_at'];
  for (const name of names) {
    const raw = lookup(item, name);
    if (raw === null || raw === undefined || raw === '') continue;
    const iso = parseDate(String(raw), undefined, dayOrderOf(ctx.source.mapping.dateFormat));
    if (!iso) warnings.push(`date "${String(raw)}" in ${name} is not a date format this reader knows`);
    return iso;
  }
  return null;
}

function attributesOf(item: Item, ctx: ReaderContext): Record<string, AttributeValue> {
  const mapped = ctx.source.mapping.attributes;
  const out: Record<string, AttributeValue> = {}; // the engine adds source-level attributes
  if (Object.keys(mapped).length === 0) return { ...out, ...(item.hidden ?? {}) };
  for (const [name, field] of Object.entries(mapped)) out[name] = lookup(item, field) ?? null;
  return out;
}

function asString(v: AttributeValue | undefined): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

function itemEvent(raw: unknown, n: number, ctx: ReaderContext): ReaderEvent {
  const locator = `record ${n}`;
  const parsed = Item.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { type: 'quarantine', locator, reason: `invalid Typeform item: ${where}${issue?.message ?? 'unreadable'}`, excerpt: JSON.stringify(raw).slice(0, 200) };
  }
  const item = parsed.data;
  const m = ctx.source.mapping;
  const parts = textParts(item, ctx);
  const big = parts.find((p) => p.text.length > ctx.limits.maxFieldChars);
  if (big) {
    return { type: 'quarantine', locator, field: big.field, reason: `field "${big.field}" is ${big.text.length} characters long, over the limit of ${ctx.limits.maxFieldChars} (ingest.maxFieldChars)`, excerpt: big.text.slice(0, 120) };
  }
  const warnings: string[] = [];
  const record = {
    kind: 'survey' as const,
    externalId: asString(m.id ? lookup(item, m.id) : (item.response_id ?? item.token)),
    locator,
    createdAt: dateOf(item, ctx, warnings),
    score: scoreOf(item, ctx, warnings),
    channel: m.channel ? asString(lookup(item, m.channel)) : null,
    title: m.title ? asString(lookup(item, m.title)) : null,
    attributes: attributesOf(item, ctx),
    meta: warnings.length > 0 ? { warnings } : {},
    parts,
  };
  return { type: 'record', record: { ...record, warnings: recordWarnings(warnings) } };
}

async function* readTypeform(ctx: ReaderContext): AsyncGenerator<ReaderEvent> {
  await checkMapping(ctx);
  for await (const el of items(ctx)) yield itemEvent(el.value, el.index + 1, ctx);
}

export const typeformJson: FormatModule = {
  format: 'typeform-json',
  kind: 'survey',
  sniff(head, fileName) {
    if (!/^\s*[[{]/.test(head)) return 0;
    if (/"answers"\s*:/.test(head) && /"(landed_at|submitted_at|response_id)"\s*:/.test(head)) return 0.95;
    return /\.json$/i.test(fileName) && /"items"\s*:/.test(head) ? 0.4 : 0;
  },
  read: readTypeform,
};
