import type { FormatModule } from '../types.js';

/** The surveys readers, one per format. */
export const surveyFormats: FormatModule[] = [];
