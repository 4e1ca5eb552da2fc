/**
 * Intercom conversation exports: `{ "conversations": [...] }` or a bare array. One conversation
 * is one record: the opening message (`source`) and every conversation part with a body.
 *
 * Parts with a null or empty body are events (assignment, close, snooze, open): they are skipped
 * and counted nowhere, because they are not input rows, just state changes inside a record.
 * Users and leads are the customer; admins are agents; bots and operators are `system`.
 * Notes (part_type "note") are internal and never analysed.
 */
import { z } from 'zod';
import type { FormatModule, RawPart, RawRecord, ReaderContext, ReaderEvent, Role } from '../types.js';
import { listElements } from '../json/document.js';
import { documentReasons, firstChar, hasText, invalidRecord, isoDate, normaliseChannel, primitiveAttributes, tooLong } from './common.js';

const Id = z.union([z.number().int(), z.string().min(1)]);
const Time = z.union([z.number(), z.string()]).nullish();
const Author = z.looseObject({ type: z.string().nullish(), name: z.string().nullish(), id: Id.nullish() }).nullish();

const IntercomPart = z.looseObject({
  id: Id.nullish(),
  part_type: z.string().nullish(),
  body: z.string().nullish(),
  author: Author,
  created_at: Time,
});
type IntercomPart = z.infer<typeof IntercomPart>;

export const IntercomConversation = z.looseObject({
  id: Id,
  created_at: Time,
  updated_at: Time,
  state: z.string().nullish(),
  priority: z.string().nullish(),
  source: z
    .looseObject({
      type: z.string().nullish(),
      delivered_as: z.string().nullish(),
      subject: z.string().nullish(),
      body: z.string().nullish(),
      author: Author,
    })
    .nullish(),
  conversation_parts: z.looseObject({ conversation_parts: z.array(IntercomPart) }).nullish(),
  tags: z.looseObject({ tags: z.array(z.looseObject({ name: z.string() })) }).nullish(),
  conversation_rating: z
    .looseObject({ rating: z.number().int().min(1).max(5).nullish(), remark: z.string().nullish() })
    .nullish(),
  statistics: z.record(z.string(), z.unknown()).nullish(),
  custom_attributes: z.record(z.string(), z.unknown()).nullish(),
});
type IntercomConversation = z.infer<typeof IntercomConversation>;

const ROLE_BY_AUTHOR: Record<string, Role> = {
  user: 'customer',
  lead: 'customer',
  contact: 'customer',
  admin: 'agent',
  team: 'agent',
  bot: 'system',
  operator: 'system',
};

function authorRole(type: string | null | undefined): Role {
  return ROLE_BY_AUTHOR[(type ?? '').toLowerCase()] ?? 'system';
}

function speakerFor(role: Role, author: { type?: string | null; name?: string | null } | null | undefined): string {
  // Customer names stay out of the speaker column (it is not redacted); agents and bots keep theirs.
  if (role === 'customer') return 'customer';
  return author?.name ?? author?.type ?? role;
}

function messagePart(p: IntercomPart, email: boolean): RawPart | null {
  if (!hasText(p.body)) return null;
  const role = authorRole(p.author?.type);
  const note = p.part_type === 'note';
  return {
    field: note ? 'note' : (p.part_type ?? 'comment'),
    text: p.body,
    html: true,
    email,
    speaker: speakerFor(role, p.author),
    role,
    analyse: role === 'customer' && !note,
  };
}

function conversationParts(c: IntercomConversation, email: boolean): RawPart[] {
  const parts: RawPart[] = [];
  const src = c.source;
  if (src && hasText(src.body)) {
    const role = authorRole(src.author?.type);
    parts.push({ field: 'source', text: src.body, html: true, email, speaker: speakerFor(role, src.author), role, analyse: role === 'customer' });
  }
  for (const p of c.conversation_parts?.conversation_parts ?? []) {
    const part = messagePart(p, email);
    if (part) parts.push(part);
  }
  const remark = c.conversation_rating?.remark;
  if (hasText(remark)) parts.push({ field: 'rating remark', text: remark, speaker: 'customer', role: 'customer', analyse: true });
  return parts;
}

function toRecord(c: IntercomConversation, locator: string): RawRecord {
  const channel = normaliseChannel(c.source?.type);
  const rating = c.conversation_rating?.rating;
  const meta: Record<string, unknown> = {
    tags: c.tags?.tags.map((t) => t.name) ?? [],
    status: c.state ?? null,
    priority: c.priority ?? null,
    sourceType: c.source?.type ?? null,
    deliveredAs: c.source?.delivered_as ?? null,
  };
  if (c.statistics) meta.statistics = c.statistics;
  return {
    kind: 'ticket',
    externalId: String(c.id),
    locator,
    createdAt: isoDate(c.created_at),
    score: rating == null ? null : { value: rating, scale: 'csat5' },
    channel,
    title: hasText(c.source?.subject) ? c.source.subject : null,
    attributes: primitiveAttributes(c.custom_attributes),
    meta,
    parts: conversationParts(c, channel === 'email'),
  };
}

function readConversation(raw: unknown, locator: string, ctx: ReaderContext): ReaderEvent {
  const parsed = IntercomConversation.safeParse(raw);
  if (!parsed.success) return invalidRecord(locator, 'Intercom conversation', parsed.error, raw);
  const record = toRecord(parsed.data, locator);
  if (record.parts.length === 0) {
    return { type: 'quarantine', locator, reason: `conversation ${record.externalId} has no message with text` };
  }
  return tooLong(record, ctx.limits.maxFieldChars) ?? { type: 'record', record };
}

const REASONS = documentReasons('Intercom', 'not an Intercom export: expected { "conversations": [...] } or an array of conversations');

/** Streamed from the file one conversation at a time (never read whole). */
async function* readIntercom(ctx: ReaderContext): AsyncGenerator<ReaderEvent> {
  for await (const el of listElements(ctx.file, 'conversations', REASONS)) yield readConversation(el.value, `record ${el.index + 1}`, ctx);
}

export const intercomJson: FormatModule = {
  format: 'intercom-json',
  kind: 'ticket',
  sniff(head, fileName) {
    const c = firstChar(head);
    if (c !== '{' && c !== '[') return 0;
    const named = /intercom/i.test(fileName) ? 0.1 : 0;
    if (head.includes('"conversation_parts"')) return 0.9 + named;
    if (/"conversations"\s*:/.test(head) && head.includes('"source"')) return 0.6 + named;
    return named;
  },
  read: readIntercom,
};
