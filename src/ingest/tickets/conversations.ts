/**
 * Generic ticket exports as conversations: a row filter, author roles, and threads.
 *
 * - `filter`: rows whose field does not match are counted as `filtered` (never silently dropped).
 * - `mapping.role`: which values of a field mean customer, agent or bot. Every turn is stored; only
 *   customer turns are analysed. A value in none of the lists is read as a customer turn and
 *   counted as an `unknown-role` warning, so no customer text goes unanalysed by accident.
 * - `mapping.thread`: rows with the same conversation id (`field`), or linked by a reply-to id
 *   (`replyTo`, following replies up to their first message), become one document whose turns are
 *   in time order (file order when a message has no date). The document's id is the conversation
 *   id, or the first message's id; its later turns are counted as `threaded`. Threads are only
 *   complete at the end of the file, so their rows are held in memory until then.
 */
import type { FieldMapping, RowFilter } from '../../config/pipeline.js';
import type { RawRecord, ReaderEvent, Role } from '../types.js';

/** Compiled once per pattern, not per row. */
const patterns = new Map<string, RegExp>();

export function rowPasses(filter: RowFilter | undefined, row: Record<string, unknown>): boolean {
  if (!filter) return true;
  const v = row[filter.field];
  const text = v === null || v === undefined ? '' : String(v);
  if (filter.equals !== undefined) return text === String(filter.equals);
  if (filter.in) return filter.in.some((x) => String(x) === text);
  let re = patterns.get(filter.matches!);
  if (!re) patterns.set(filter.matches!, (re = new RegExp(filter.matches!)));
  return re.test(text);
}

/** The role of a row's author, and a warning message when its value is in no list. */
export function roleOf(mapping: FieldMapping, row: Record<string, unknown>): { role: Role; unknown?: string } {
  const r = mapping.role;
  if (!r) return { role: 'customer' };
  const raw = row[r.field];
  const v = (raw === null || raw === undefined ? '' : String(raw)).trim().toLowerCase();
  const has = (list: string[]) => list.some((x) => x.toLowerCase() === v);
  if (has(r.customer)) return { role: 'customer' };
  if (has(r.agent)) return { role: 'agent' };
  if (has(r.bot)) return { role: 'system' };
  return { role: 'customer', unknown: `"${v}" in ${r.field} is not a customer, agent or bot value (mapping.role); read as a customer turn` };
}

interface Pending {
  record: RawRecord;
  /** Conversation id, or the message's own id and the id it replies to. */
  key: string | null;
  id: string | null;
  replyTo: string | null;
  order: number;
}

/** Collects thread messages; `flush` gives one record per conversation and a skip per later turn. */
export class ThreadGrouper {
  private readonly pending: Pending[] = [];

  constructor(private readonly thread: NonNullable<FieldMapping['thread']>) {}

  add(record: RawRecord, row: Record<string, unknown>): void {
    const str = (v: unknown) => (v === null || v === undefined || String(v).trim() === '' ? null : String(v).trim().replace(/\.0$/, ''));
    this.pending.push({
      record,
      key: this.thread.field ? str(row[this.thread.field]) : null,
      id: record.externalId === null ? null : String(record.externalId).trim(),
      replyTo: this.thread.replyTo ? str(row[this.thread.replyTo]) : null,
      order: this.pending.length,
    });
  }

  *flush(): Generator<ReaderEvent> {
    const groups = new Map<string, Pending[]>();
    const byId = new Map<string, Pending>();
    for (const p of this.pending) if (p.id !== null) byId.set(p.id, p);
    const rootOf = (p: Pending): string => {
      if (this.thread.field) return p.key ?? `row:${p.order}`;
      let cur = p;
      const seen = new Set<Pending>();
      while (cur.replyTo !== null && byId.has(cur.replyTo) && !seen.has(cur)) {
        seen.add(cur);
        cur = byId.get(cur.replyTo)!;
      }
      return cur.id ?? `row:${cur.order}`;
    };
    for (const p of this.pending) {
      const root = rootOf(p);
      const g = groups.get(root);
      if (g) g.push(p);
      else groups.set(root, [p]);
    }
    for (const [root, msgs] of groups) {
      const dated = msgs.every((m) => m.record.createdAt !== null);
      const turns = dated ? [...msgs].sort((a, b) => a.record.createdAt!.localeCompare(b.record.createdAt!) || a.order - b.order) : msgs;
      const first = turns[0]!;
      const byOrder = [...msgs].sort((a, b) => a.order - b.order);
      const head = byOrder[0]!.record;
      const record: RawRecord = {
        ...head,
        externalId: root.startsWith('row:') ? head.externalId : root,
        createdAt: first.record.createdAt,
        channel: turns.find((t) => t.record.channel)?.record.channel ?? null,
        title: turns.find((t) => t.record.title)?.record.title ?? null,
        attributes: Object.assign({}, ...turns.map((t) => t.record.attributes)) as RawRecord['attributes'],
        meta: { ...head.meta, messages: turns.length, lines: byOrder.map((m) => m.record.locator) },
        warnings: turns.flatMap((t) => t.record.warnings ?? []),
        parts: turns.flatMap((t) => t.record.parts),
      };
      yield { type: 'record', record };
      for (const m of byOrder.slice(1)) yield { type: 'skip', why: 'threaded', locator: m.record.locator };
    }
  }
}
