/** Helpers shared by the command files: option validation and finding the database. */
import type { z } from 'zod';
import { UserError } from '../util/errors.js';

/** Validates commander's parsed options with a zod schema; errors name the flag. */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  --${i.path.map(String).map(kebab).join('.')}: ${i.message}`);
    throw new UserError(`invalid options:\n${lines.join('\n')}`);
  }
  return result.data;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export { locateDatabase, type DbLocation } from '../config/load.js';

/** Plain fixed-width table for terminals and logs. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  // Numbers line up on the right, words on the left.
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || /^-?[\d.,%]+$/.test(String(r[i]))));
  const line = (r: string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}
