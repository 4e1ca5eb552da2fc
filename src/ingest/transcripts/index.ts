import type { FormatModule } from '../types.js';

/** The transcripts readers, one per format. */
export const transcriptFormats: FormatModule[] = [];
