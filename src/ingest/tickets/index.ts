import type { FormatModule } from '../types.js';

/** The tickets readers, one per format. */
export const ticketFormats: FormatModule[] = [];
