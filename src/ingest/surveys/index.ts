import type { FormatModule } from '../types.js';
import { genericCsv } from './generic-csv.js';
import { qualtricsCsv } from './qualtrics-csv.js';
import { surveyMonkeyCsv } from './surveymonkey-csv.js';
import { typeformJson } from './typeform-json.js';

/** The surveys readers, one per format. */
export const surveyFormats: FormatModule[] = [qualtricsCsv, surveyMonkeyCsv, typeformJson, genericCsv];
