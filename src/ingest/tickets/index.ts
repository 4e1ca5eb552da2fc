import type { FormatModule } from '../types.js';
import { freshdeskJson } from './freshdesk.js';
import { ticketsCsv, ticketsJsonl } from './generic.js';
import { intercomJson } from './intercom.js';
import { zendeskJson } from './zendesk.js';

/** The tickets readers, one per format. */
export const ticketFormats: FormatModule[] = [zendeskJson, intercomJson, freshdeskJson, ticketsCsv, ticketsJsonl];
