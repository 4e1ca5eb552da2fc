/**
 * The registry of format readers and format sniffing for `format: auto`.
 */
import type { Format, SourceKind } from '../config/pipeline.js';
import type { FormatModule } from './types.js';
import { surveyFormats } from './surveys/index.js';
import { transcriptFormats } from './transcripts/index.js';
import { ticketFormats } from './tickets/index.js';

export const ALL_FORMATS: readonly FormatModule[] = [...surveyFormats, ...transcriptFormats, ...ticketFormats];

export function formatModule(format: Exclude<Format, 'auto'>): FormatModule | undefined {
  return ALL_FORMATS.find((f) => f.format === format);
}

/** The best-sniffing format of the given kind, or undefined when none is at least 0.3 sure. */
export function sniffFormat(kind: SourceKind, head: string, fileName: string): FormatModule | undefined {
  let best: FormatModule | undefined;
  let bestScore = 0.3;
  for (const f of ALL_FORMATS) {
    if (f.kind !== kind) continue;
    const score = f.sniff(head, fileName);
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  return best;
}
