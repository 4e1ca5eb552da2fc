/**
 * Zendesk ticket exports: `{ "tickets": [...] }` (optionally with side-loaded `users` and
 * `comments`), a bare array of tickets, or JSON lines (the incremental export), one ticket per
 * record and one part per comment.
 *
 * Who is the customer: the requester, and any user the side-loaded `users` list marks as
 * `end-user`. Everyone else is an agent; trigger/automation comments are `system`. Private
 * comments (internal notes) are stored but never analysed.
 *
 * The file is streamed, never read whole (see readZendesk): side-loads live in memory (as they
 * must, to be looked up), tickets one at a time.
 */
import { z } from 'zod';
import { FileRejected, type FormatModule, type RawPart, type RawRecord, type RawScore, type ReaderContext, type ReaderEvent, type Role, type SourceFile } from '../types.js';
import { duplicateKey, invalidJson, listElements } from '../json/document.js';
import { JsonSyntaxError, scanJson, type JsonType, type Mode } from '../json/scanner.js';
import {
  documentReasons,
  fileLines,
  firstChar,
  hasText,
  headIsJsonLines,
  invalidRecord,
  isoDate,
  normaliseChannel,
  parseJsonLine,
  primitiveAttributes,
  tooLong,
} from './common.js';

const Id = z.union([z.number().int(), z.string().min(1)]);
const Via = z.looseObject({ channel: z.union([z.string(), z.number()]).nullish() }).nullish();

const ZendeskComment = z.looseObject({
  id: Id.nullish(),
  author_id: Id.nullish(),
  body: z.string().nullish(),
  html_body: z.string().nullish(),
  plain_body: z.string().nullish(),
  public: z.boolean().nullish(),
  created_at: z.string().nullish(),
  via: Via,
});
type ZendeskComment = z.infer<typeof ZendeskComment>;

export const ZendeskTicket = z.looseObject({
  id: Id,
  subject: z.string().nullish(),
  description: z.string().nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  status: z.string().nullish(),
  priority: z.string().nullish(),
  type: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  via: Via,
  requester_id: Id.nullish(),
  satisfaction_rating: z
    .looseObject({ score: z.union([z.string(), z.number()]).nullish(), comment: z.string().nullish() })
    .nullish(),
  comments: z.array(ZendeskComment).nullish(),
});
type ZendeskTicket = z.infer<typeof ZendeskTicket>;

const ZendeskUser = z.looseObject({
  id: Id,
  name: z.string().nullish(),
  role: z.string().nullish(),
  user_fields: z.record(z.string(), z.unknown()).nullish(),
});
type ZendeskUser = z.infer<typeof ZendeskUser>;

/** The export container; tickets and comments are validated one by one later. */
const ZendeskExport = z.looseObject({
  tickets: z.array(z.unknown()),
  users: z.array(z.unknown()).nullish(),
  comments: z.union([z.array(z.unknown()), z.record(z.string(), z.array(z.unknown()))]).nullish(),
});

/** Comment channels that are automations rather than people. */
const SYSTEM_CHANNELS = new Set(['rule', 'system', 'automation', 'trigger', 'sla']);

/**
 * Zendesk CSAT is "good"/"bad" (or "offered"/"unoffered" before the customer answers).
 * good -> 5 and bad -> 1 on csat5, so these tickets sit at the ends of the same scale as 1-5
 * ratings from other tools; offered/unoffered are not scores.
 */
export function zendeskScore(score: string | number | null | undefined): RawScore | null {
  if (typeof score === 'number') return score >= 1 && score <= 5 ? { value: score, scale: 'csat5' } : null;
  const s = score?.trim().toLowerCase();
  if (s === 'good') return { value: 5, scale: 'csat5' };
  if (s === 'bad') return { value: 1, scale: 'csat5' };
  return null;
}

interface Lookup {
  users: Map<string, ZendeskUser>;
  comments: Map<string, unknown[]>;
}

function commentRole(c: ZendeskComment, requester: string | null, lookup: Lookup): Role {
  const author = c.author_id == null ? null : String(c.author_id);
  if (author !== null && author === requester) return 'customer';
  const user = author === null ? undefined : lookup.users.get(author);
  if (user?.role === 'end-user') return 'customer';
  if (user?.role === 'agent' || user?.role === 'admin') return 'agent';
  const via = normaliseChannel(c.via?.channel);
  if ((via && SYSTEM_CHANNELS.has(via)) || author === '-1') return 'system';
  return 'agent';
}

function speakerFor(role: Role, c: ZendeskComment, lookup: Lookup): string {
  // Customer names are personal data and are not redacted from the speaker column: keep the role.
  if (role !== 'agent') return role;
  const user = c.author_id == null ? undefined : lookup.users.get(String(c.author_id));
  return user?.name ?? (c.author_id == null ? 'agent' : `agent ${c.author_id}`);
}

function commentPart(c: ZendeskComment, t: ZendeskTicket, requester: string | null, lookup: Lookup): RawPart | null {
  const html = hasText(c.html_body);
  const text = html ? c.html_body : hasText(c.body) ? c.body : c.plain_body;
  if (!hasText(text)) return null;
  const role = commentRole(c, requester, lookup);
  const internal = c.public === false;
  return {
    field: internal ? 'internal note' : 'comment',
    text,
    html,
    email: normaliseChannel(c.via?.channel ?? t.via?.channel) === 'email',
    speaker: speakerFor(role, c, lookup),
    role,
    analyse: role === 'customer' && !internal,
  };
}

function ticketParts(t: ZendeskTicket, lookup: Lookup): RawPart[] {
  const comments = t.comments ?? [];
  // Without a requester id, the first comment's author opened the ticket.
  const requester = t.requester_id != null ? String(t.requester_id) : comments[0]?.author_id != null ? String(comments[0].author_id) : null;
  const parts = comments.map((c) => commentPart(c, t, requester, lookup)).filter((p): p is RawPart => p !== null);
  if (parts.length === 0 && hasText(t.description)) {
    // No comment thread exported: the description is the requester's first message.
    const email = normaliseChannel(t.via?.channel) === 'email';
    parts.push({ field: 'description', text: t.description, email, speaker: 'customer', role: 'customer', analyse: true });
  }
  const remark = t.satisfaction_rating?.comment;
  if (hasText(remark)) parts.push({ field: 'satisfaction comment', text: remark, speaker: 'customer', role: 'customer', analyse: true });
  return parts;
}

function toRecord(t: ZendeskTicket, locator: string, lookup: Lookup): RawRecord {
  const requester = t.requester_id == null ? undefined : lookup.users.get(String(t.requester_id));
  const meta: Record<string, unknown> = {
    tags: t.tags ?? [],
    status: t.status ?? null,
    priority: t.priority ?? null,
    type: t.type ?? null,
    via: t.via?.channel ?? null,
  };
  if (t.satisfaction_rating) meta.satisfaction = t.satisfaction_rating.score ?? null;
  if (t.updated_at) meta.updatedAt = isoDate(t.updated_at);
  return {
    kind: 'ticket',
    externalId: String(t.id),
    locator,
    createdAt: isoDate(t.created_at),
    score: zendeskScore(t.satisfaction_rating?.score),
    channel: normaliseChannel(t.via?.channel),
    title: t.subject ?? null,
    attributes: primitiveAttributes(requester?.user_fields),
    meta,
    parts: ticketParts(t, lookup),
  };
}

/** Validates one raw ticket (with side-loaded comments merged in) and maps it, or quarantines it. */
function readTicket(raw: unknown, locator: string, lookup: Lookup, ctx: ReaderContext): ReaderEvent {
  const merged = mergeComments(raw, lookup);
  const parsed = ZendeskTicket.safeParse(merged);
  if (!parsed.success) return invalidRecord(locator, 'Zendesk ticket', parsed.error, raw);
  const record = toRecord(parsed.data, locator, lookup);
  if (record.parts.length === 0) {
    return { type: 'quarantine', locator, reason: `ticket ${record.externalId} has no message text (no comments, description or satisfaction comment)` };
  }
  return tooLong(record, ctx.limits.maxFieldChars) ?? { type: 'record', record };
}

function mergeComments(raw: unknown, lookup: Lookup): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const obj = raw as Record<string, unknown>;
  const side = lookup.comments.get(String(obj.id));
  if (!side || Array.isArray(obj.comments)) return raw;
  return { ...obj, comments: side };
}

const EMPTY_LOOKUP: Lookup = { users: new Map(), comments: new Map() };

const NOT_ZENDESK = 'not a Zendesk export: expected { "tickets": [...] }, an array of tickets, or one ticket per line (JSON lines)';
const REASONS = documentReasons('Zendesk', NOT_ZENDESK);

/** The top-level keys this reader uses; any other member is checked for syntax and ignored. */
const USED_KEYS = new Set(['tickets', 'ticket', 'users', 'comments']);

/** What the first pass over a `{ ... }` document found. */
type Container = { single: true; ticket: unknown } | { single: false; lookup: Lookup };

/**
 * First pass over a document that may be an object: the side-loaded `users` and `comments` (which may come
 * after the tickets, as the Zendesk API writes them), the single-ticket shape, and the container
 * checks. Tickets are only scanned here (not parsed); `users` and list-shaped `comments` are read
 * element by element into the lookup, keyed `comments` whole. Invalid JSON anywhere rejects the
 * file before any ticket is read: a ticket's roles and attributes depend on side-loads that may
 * come after the error, so reading the tickets before it would store them wrong.
 */
async function scanContainer(file: SourceFile): Promise<Container> {
  let root: JsonType | null = null;
  const types = new Map<string, JsonType>();
  const values = new Map<string, unknown>();
  const lookup: Lookup = { users: new Map(), comments: new Map() };
  const select = (key: string | null, type: JsonType): Mode => {
    if (key === 'users' || key === 'comments') return type === 'array' ? 'elements' : 'value';
    return key === 'ticket' ? 'value' : 'skip';
  };
  try {
    for await (const ev of scanJson(file.chunks(), select)) {
      if (ev.type === 'root') root = ev.jsonType;
      else if (ev.type === 'member' && USED_KEYS.has(ev.key)) {
        if (types.has(ev.key)) throw duplicateKey(ev.key);
        types.set(ev.key, ev.jsonType);
      } else if (ev.type === 'value' && ev.key !== null) values.set(ev.key, ev.value);
      else if (ev.type === 'element' && ev.key === 'users') addUser(lookup, ev.value);
      else if (ev.type === 'element' && ev.key === 'comments') addComment(lookup, ev.value);
    }
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const rejected = REASONS.invalid(invalidJson(err, 'tickets', 0));
    // Say so when good tickets came before the error, as the other JSON readers keep theirs.
    const ticketsBefore = err.element?.key === 'tickets' ? err.element.index > 0 : types.get('tickets') === 'array';
    const note = ticketsBefore ? '; the tickets before it were not read either, as side-loaded users and comments (which decide who wrote each comment) may come after it' : '';
    throw new FileRejected(`${rejected.message}${note}`, rejected.excerpt);
  }
  if (root === null) throw new FileRejected(REASONS.empty);
  if (root === 'array') return { single: false, lookup: EMPTY_LOOKUP };
  if (types.has('ticket') && !types.has('tickets')) return { single: true, ticket: values.get('ticket') };
  // The container as the whole-document reader validated it; arrays were read element by element.
  const container = ZendeskExport.safeParse({
    tickets: types.get('tickets') === 'array' ? [] : null,
    users: types.get('users') === 'array' ? [] : values.get('users'),
    comments: types.get('comments') === 'array' ? [] : values.get('comments'),
  });
  if (!container.success) throw new FileRejected(NOT_ZENDESK);
  const keyed = container.data.comments;
  if (keyed && !Array.isArray(keyed)) for (const [ticketId, list] of Object.entries(keyed)) lookup.comments.set(ticketId, list);
  return { single: false, lookup };
}

/** Users that fail validation are left out of the lookup, as before (their comments count as agents'). */
function addUser(lookup: Lookup, raw: unknown): void {
  const parsed = ZendeskUser.safeParse(raw);
  if (parsed.success) lookup.users.set(String(parsed.data.id), parsed.data);
}

/** Side-loaded as one list: each comment names its ticket. */
function addComment(lookup: Lookup, c: unknown): void {
  const ticketId = (c as { ticket_id?: unknown } | null)?.ticket_id;
  if (ticketId == null) return;
  const list = lookup.comments.get(String(ticketId)) ?? [];
  list.push(c);
  lookup.comments.set(String(ticketId), list);
}

/**
 * JSON lines: line by line. A bare array: one pass, a ticket at a time. An object: a first pass
 * for side-loads and the container (scanContainer), then a second pass reading the tickets one at
 * a time; the file is never read whole.
 */
async function* readZendesk(ctx: ReaderContext): AsyncGenerator<ReaderEvent> {
  if (headIsJsonLines(ctx.file.head)) {
    for await (const line of fileLines(ctx.file)) {
      const parsed = parseJsonLine(line);
      yield parsed.ok ? readTicket(parsed.value, `line ${line.line}`, EMPTY_LOOKUP, ctx) : parsed.event;
    }
    return;
  }
  let lookup = EMPTY_LOOKUP;
  // A bare array has no side-loads: one pass. Anything else (an object, or a head that does not
  // tell) gets the first pass, which also says what the document is.
  if (firstChar(ctx.file.head) !== '[') {
    const container = await scanContainer(ctx.file);
    if (container.single) {
      yield readTicket(container.ticket, 'record 1', EMPTY_LOOKUP, ctx);
      return;
    }
    lookup = container.lookup;
  }
  for await (const el of listElements(ctx.file, 'tickets', REASONS)) yield readTicket(el.value, `record ${el.index + 1}`, lookup, ctx);
}

export const zendeskJson: FormatModule = {
  format: 'zendesk-json',
  kind: 'ticket',
  sniff(head, fileName) {
    const c = firstChar(head);
    if (c !== '{' && c !== '[') return 0;
    if (head.includes('"conversation_parts"')) return 0;
    const named = /zendesk/i.test(fileName) ? 0.1 : 0;
    if (head.includes('"via"') && head.includes('"requester_id"')) return 0.85 + named;
    if (/"tickets"\s*:/.test(head) && !head.includes('"description_text"')) return 0.7 + named;
    return named;
  },
  read: readZendesk,
};
