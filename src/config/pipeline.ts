/**
 * Pipeline configuration: the schema of `pipelines/*.yaml`.
 *
 * Every other module receives a validated, typed `PipelineConfig`; the types are inferred from
 * these schemas so validation and types never drift apart. The whole file is one schema, the
 * later stages' sections (`analysis`, `aggregate`, `exports`, `queue`) included, so a file is
 * parsed once, a mistake anywhere fails before anything runs, and its message names the file and
 * the full key path (`analysis.themes.threshold: found 2; ...`). Keep the `.describe()` texts
 * short and true: they are shown to users in validation errors.
 */
import { z } from 'zod';
import { AggregateConfig, ExportSpec } from './aggregate.js';
import { AnalysisConfig } from './analysis.js';
import { QueueSection } from './queue.js';
import { DatabaseSetting } from './database.js';

export const SOURCE_KINDS = ['survey', 'interview', 'ticket'] as const;
export const SourceKind = z.enum(SOURCE_KINDS);
export type SourceKind = z.infer<typeof SourceKind>;

/** Every format a reader exists for; `auto` lets the ingest stage sniff the file. */
export const FORMATS = [
  'auto',
  // surveys
  'generic-csv',
  'qualtrics-csv',
  'surveymonkey-csv',
  'typeform-json',
  // transcripts
  'vtt',
  'srt',
  'otter-txt',
  'speaker-txt',
  // tickets
  'zendesk-json',
  'intercom-json',
  'freshdesk-json',
  'tickets-csv',
  'tickets-jsonl',
] as const;
export const Format = z.enum(FORMATS);
export type Format = z.infer<typeof Format>;

export const ENCODINGS = ['auto', 'utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'latin1'] as const;
export const Encoding = z.enum(ENCODINGS);
export type Encoding = z.infer<typeof Encoding>;

/**
 * Score scales. `nps` is only a 0-10 likelihood to recommend (detractor 0-6, passive 7-8, promoter
 * 9-10); a 1-10 review rating is `rating10`, a 0-100 score `rating100`, a yes/no "would you
 * recommend" `yesno` (1 yes, 0 no). Only `nps` scores make an NPS.
 */
export const SCORE_SCALES = ['nps', 'csat5', 'csat7', 'ces7', 'stars5', 'rating10', 'rating100', 'yesno', 'none'] as const;
export const ScoreScale = z.enum(SCORE_SCALES);
export type ScoreScale = z.infer<typeof ScoreScale>;

const fieldName = z.string().min(1).describe('a column or field name in the export');

export const ScoreMapping = z
  .object({
    field: fieldName,
    scale: ScoreScale.default('nps'),
  })
  .strict();

export const FieldMapping = z
  .object({
    id: fieldName.optional().describe('the field holding the record id; without it a content hash is the id'),
    text: z
      .union([fieldName, z.array(fieldName).min(1)])
      .optional()
      .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]))
      .describe('one or more free-text fields'),
    title: fieldName.optional(),
    score: ScoreMapping.optional(),
    date: fieldName.optional(),
    dateFormat: z
      .string()
      .regex(/^[DMYdmy.,/\- ]*(?:[DMYdmy]+[.,/\- ]*)+$|^(?:D|DD|Do) MMMM? YYYY$|^MMMM? (?:D|DD|Do),? YYYY$/, 'a date format such as DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD or D MMMM YYYY')
      .optional()
      .describe('how the date field writes dates; decides day-first or month-first for numeric dates'),
    channel: fieldName.optional(),
    attributes: z.record(z.string(), fieldName).default({}).describe('attribute name -> field name'),
    role: z
      .object({
        field: fieldName,
        customer: z.array(z.string()).default(['customer', 'user', 'end-user', 'end_user', 'requester', 'contact', 'inbound', 'true']),
        agent: z.array(z.string()).default(['agent', 'admin', 'staff', 'support', 'operator', 'outbound', 'false']),
        bot: z.array(z.string()).default(['bot', 'system', 'automation', 'auto']),
      })
      .strict()
      .optional()
      .describe('tickets-csv/jsonl: which values of a field mean customer, agent or bot; only customer turns are analysed'),
    thread: z
      .object({
        field: fieldName.optional().describe('a conversation id: rows with the same value are one document'),
        replyTo: fieldName.optional().describe('the id of the message this row answers (needs mapping.id): a reply joins its parent\'s thread'),
      })
      .strict()
      .refine((t) => (t.field ? 1 : 0) + (t.replyTo ? 1 : 0) === 1, 'set exactly one of field or replyTo')
      .optional()
      .describe('tickets-csv/jsonl: group messages into one document per conversation, turns in file order'),
  })
  .strict();
export type FieldMapping = z.infer<typeof FieldMapping>;

/** tickets-csv/jsonl: only rows whose field equals one of the values, or matches the pattern, are read as records. */
export const RowFilter = z
  .object({
    field: fieldName,
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    in: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
    matches: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, 'a valid regular expression')
      .optional(),
  })
  .strict()
  .refine((f) => [f.equals, f.in, f.matches].filter((x) => x !== undefined).length === 1, 'set exactly one of equals, in or matches');
export type RowFilter = z.infer<typeof RowFilter>;

export const InterviewSettings = z
  .object({
    interviewers: z.array(z.string().min(1)).default([]).describe('speaker names that are interviewers'),
    participants: z.array(z.string().min(1)).default([]).describe('speaker names that are participants'),
    attributesFile: z
      .string()
      .optional()
      .describe('sidecar CSV: a "file" or "participant" column, then attribute columns (persona, segment, ...)'),
    attributes: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe('attributes given to every interview of this source'),
  })
  .strict();
export type InterviewSettings = z.infer<typeof InterviewSettings>;

export const SourceConfig = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, dot, dash or underscore')
      .describe('a stable name; it namespaces record ids'),
    kind: SourceKind,
    format: Format.default('auto'),
    paths: z.union([z.string(), z.array(z.string()).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])),
    encoding: Encoding.default('auto'),
    delimiter: z.string().min(1).max(1).optional().describe('CSV delimiter; sniffed when absent'),
    mapping: FieldMapping.prefault({}),
    filter: RowFilter.optional().describe('tickets-csv/jsonl: read only the rows that match (the others are counted as filtered)'),
    interview: InterviewSettings.optional(),
    /** Metadata rules for journey tagging: a fixed stage/touchpoint for this source (e.g. onboarding survey). */
    stage: z.string().optional().describe('journey stage that this source is about (a metadata rule)'),
    touchpoint: z.string().optional().describe('touchpoint that this source is about (a metadata rule)'),
    channel: z.string().optional().describe('channel for documents whose export has none (e.g. in-app, web-form)'),
    attributes: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .default({})
      .describe('attributes added to every document of this source (e.g. survey: relationship-nps)'),
  })
  .strict();
export type SourceConfig = z.infer<typeof SourceConfig>;

export const PII_TYPES = ['email', 'phone', 'card', 'iban', 'ip', 'url'] as const;
export const PiiType = z.enum(PII_TYPES);

export const RedactionConfig = z
  .object({
    enabled: z.boolean().default(true),
    types: z.array(PiiType).default(['email', 'phone', 'card', 'iban', 'ip']),
    custom: z
      .array(
        z
          .object({
            name: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'UPPER_SNAKE_CASE, used as the [PLACEHOLDER]'),
            pattern: z.string().min(1).describe('a JavaScript regular expression'),
            flags: z.string().regex(/^[imsu]*$/).default(''),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
export type RedactionConfig = z.infer<typeof RedactionConfig>;

export const IngestLimits = z
  .object({
    maxFieldChars: z.number().int().positive().default(20_000).describe('longer text fields are quarantined'),
    maxFileBytes: z.number().int().positive().default(2_000_000_000),
    batchSize: z.number().int().min(1).max(100_000).default(1000).describe('records per transaction'),
    duplicateIds: z
      .enum(['quarantine', 'last-wins'])
      .default('quarantine')
      .describe('a second record with the same id and different content in one run: quarantined as a conflicting duplicate, or it replaces the first'),
  })
  .strict();

export const PipelineConfig = z
  .object({
    version: z.literal(1).default(1),
    name: z.string().min(1),
    description: z.string().optional(),
    database: DatabaseSetting,
    root: z
      .string()
      .default('.')
      .describe('folder that source paths are relative to (relative to the working directory); nothing outside it is read'),
    outputDir: z.string().default('data').describe('folder exports and reports are written to'),
    allowOutputOutside: z
      .boolean()
      .default(false)
      .describe('let outputDir and export paths point outside the working directory and root'),
    sources: z.array(SourceConfig).min(1),
    redaction: RedactionConfig.prefault({}),
    ingest: IngestLimits.prefault({}),
    /** Each stage's section keeps its schema beside the stage's options (analysis.ts, aggregate.ts). */
    analysis: AnalysisConfig.prefault({}),
    aggregate: AggregateConfig.prefault({}),
    exports: z.array(ExportSpec).default([]),
    /** Distributed analysis (`voc run --queue`, `voc worker`): see docs/scale.md. */
    queue: QueueSection.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.sources.forEach((s, i) => {
      if (seen.has(s.name)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name "${s.name}"` });
      }
      seen.add(s.name);
    });
  });
export type PipelineConfig = z.infer<typeof PipelineConfig>;
/** What a pipeline file (or a library caller) may write: sections and defaults optional. */
export type PipelineConfigInput = z.input<typeof PipelineConfig>;
