/**
 * Freshdesk ticket exports (API v2 shape): an array of tickets, or `{ "tickets": [...] }`, each
 * optionally with its `conversations`. Numeric codes for source, status and priority are mapped
 * to names; the raw codes stay in `meta`.
 *
 * Who is the customer: the description's author (the requester), except for "Outbound Email"
 * tickets, which an agent started; conversation entries that are `incoming` (or written by the
 * requester) and not private. Private entries are internal notes, stored but not analysed.
 */
import { z } from 'zod';
import type { FormatModule, RawPart, RawRecord, ReaderContext, ReaderEvent, Role } from '../types.js';
import { listElements } from '../json/document.js';
import { documentReasons, firstChar, hasText, invalidRecord, isoDate, normaliseChannel, primitiveAttributes, tooLong } from './common.js';

const Id = z.union([z.number().int(), z.string().min(1)]);

const FreshdeskConversation = z.looseObject({
  id: Id.nullish(),
  body: z.string().nullish(),
  body_text: z.string().nullish(),
  incoming: z.boolean().nullish(),
  private: z.boolean().nullish(),
  user_id: Id.nullish(),
  created_at: z.string().nullish(),
  source: z.number().int().nullish(),
});
type FreshdeskConversation = z.infer<typeof FreshdeskConversation>;

export const FreshdeskTicket = z.looseObject({
  id: Id,
  subject: z.string().nullish(),
  description: z.string().nullish(),
  description_text: z.string().nullish(),
  source: z.number().int().nullish(),
  status: z.number().int().nullish(),
  priority: z.number().int().nullish(),
  type: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  created_at: z.string().nullish(),
  updated_at: z.string().nullish(),
  requester_id: Id.nullish(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
  conversations: z.array(FreshdeskConversation).nullish(),
});
type FreshdeskTicket = z.infer<typeof FreshdeskTicket>;

/** Freshdesk `source` codes, as names people use. */
export const FRESHDESK_SOURCES: Record<number, string> = {
  1: 'Email',
  2: 'Portal',
  3: 'Phone',
  4: 'Forum',
  5: 'Twitter',
  6: 'Facebook',
  7: 'Chat',
  8: 'MobiHelp',
  9: 'Feedback Widget',
  10: 'Outbound Email',
  11: 'Ecommerce',
  12: 'Bot',
  13: 'WhatsApp',
};
const STATUSES: Record<number, string> = { 2: 'open', 3: 'pending', 4: 'resolved', 5: 'closed', 6: 'waiting on customer', 7: 'waiting on third party' };
const PRIORITIES: Record<number, string> = { 1: 'low', 2: 'medium', 3: 'high', 4: 'urgent' };
const OUTBOUND_EMAIL = 10;

/** Channel word for a source code: Portal and Feedback Widget are "web", Outbound Email is "email". */
export function freshdeskChannel(source: number | null | undefined): string | null {
  if (source == null) return null;
  const name = FRESHDESK_SOURCES[source];
  return name ? normaliseChannel(name) : `source-${source}`;
}

/** HTML when present (the engine converts it and keeps quote structure), else the plain text. */
function bodyOf(html: string | null | undefined, plain: string | null | undefined): { text: string; html: boolean } | null {
  if (hasText(html)) return { text: html, html: true };
  if (hasText(plain)) return { text: plain, html: false };
  return null;
}

function conversationPart(c: FreshdeskConversation, requester: string | null, ticketEmail: boolean): RawPart | null {
  const body = bodyOf(c.body, c.body_text);
  if (!body) return null;
  const fromRequester = requester !== null && c.user_id != null && String(c.user_id) === requester;
  const role: Role = !c.private && (c.incoming === true || fromRequester) ? 'customer' : 'agent';
  return {
    field: c.private ? 'private note' : 'conversation',
    ...body,
    // A conversation's own `source` is a reply/note code (0 reply, 2 note, ...), not a channel:
    // the ticket's channel decides whether the thread is e-mail.
    email: ticketEmail,
    speaker: role === 'customer' ? 'customer' : c.user_id != null ? `agent ${c.user_id}` : 'agent',
    role,
    analyse: role === 'customer',
  };
}

function ticketParts(t: FreshdeskTicket, channel: string | null): RawPart[] {
  const parts: RawPart[] = [];
  const email = channel === 'email';
  const description = bodyOf(t.description, t.description_text);
  if (description) {
    const role: Role = t.source === OUTBOUND_EMAIL ? 'agent' : 'customer';
    parts.push({ field: 'description', ...description, email, speaker: role, role, analyse: role === 'customer' });
  }
  const requester = t.requester_id != null ? String(t.requester_id) : null;
  for (const c of t.conversations ?? []) {
    const part = conversationPart(c, requester, email);
    if (part) parts.push(part);
  }
  return parts;
}

function toRecord(t: FreshdeskTicket, locator: string): RawRecord {
  const channel = freshdeskChannel(t.source);
  return {
    kind: 'ticket',
    externalId: String(t.id),
    locator,
    createdAt: isoDate(t.created_at),
    // Freshdesk keeps satisfaction surveys apart from tickets; a ticket export has no score.
    score: null,
    channel,
    title: t.subject ?? null,
    attributes: primitiveAttributes(t.custom_fields, /^cf_/),
    meta: {
      tags: t.tags ?? [],
      status: t.status == null ? null : (STATUSES[t.status] ?? `status ${t.status}`),
      priority: t.priority == null ? null : (PRIORITIES[t.priority] ?? `priority ${t.priority}`),
      type: t.type ?? null,
      source: t.source == null ? null : (FRESHDESK_SOURCES[t.source] ?? t.source),
      updatedAt: isoDate(t.updated_at),
    },
    parts: ticketParts(t, channel),
  };
}

function readTicket(raw: unknown, locator: string, ctx: ReaderContext): ReaderEvent {
  const parsed = FreshdeskTicket.safeParse(raw);
  if (!parsed.success) return invalidRecord(locator, 'Freshdesk ticket', parsed.error, raw);
  const record = toRecord(parsed.data, locator);
  if (record.parts.length === 0) return { type: 'quarantine', locator, reason: `ticket ${record.externalId} has no description or conversation text` };
  return tooLong(record, ctx.limits.maxFieldChars) ?? { type: 'record', record };
}

const REASONS = documentReasons('Freshdesk', 'not a Freshdesk export: expected an array of tickets or { "tickets": [...] }');

/** Streamed from the file one ticket at a time (never read whole). */
async function* readFreshdesk(ctx: ReaderContext): AsyncGenerator<ReaderEvent> {
  for await (const el of listElements(ctx.file, 'tickets', REASONS)) yield readTicket(el.value, `record ${el.index + 1}`, ctx);
}

export const freshdeskJson: FormatModule = {
  format: 'freshdesk-json',
  kind: 'ticket',
  sniff(head, fileName) {
    const c = firstChar(head);
    if (c !== '{' && c !== '[') return 0;
    const named = /freshdesk/i.test(fileName) ? 0.1 : 0;
    const numericSource = /"source"\s*:\s*\d/.test(head);
    if (head.includes('"description_text"')) return (numericSource ? 0.9 : 0.6) + named;
    return named;
  },
  read: readFreshdesk,
};
