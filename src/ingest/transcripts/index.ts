import type { FormatModule } from '../types.js';
import { otterFormat } from './otter.js';
import { speakerTxtFormat } from './speaker-txt.js';
import { srtFormat } from './srt.js';
import { vttFormat } from './vtt.js';

/** The transcripts readers, one per format. */
export const transcriptFormats: FormatModule[] = [vttFormat, srtFormat, otterFormat, speakerTxtFormat];
