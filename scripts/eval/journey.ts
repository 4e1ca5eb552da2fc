/**
 * Journey stage on NPS verbatims of a broadband provider (nps-verbatims/dev.csv). The survey was
 * sent at a known point of the journey (SURVEY_SUB_TYPE), mapped to our stages:
 *
 *   Order              -> purchase              (just ordered)
 *   Equipment Received -> onboarding-delivery   (router delivered, installation)
 *   First Payment      -> onboarding-delivery   (the first bill arrives about a month after
 *                         activation; read the verbatims: they are about installation, engineers
 *                         and getting connected, i.e. early life, not buying and not renewal).
 *                         The alternative reading "purchase" is reported too.
 *   Service in Use     -> usage
 *
 * Reported: accuracy of the text alone (zero-shot + keywords + theme priors), and with a metadata
 * rule per survey type (what a user would configure; it decides whenever present, so it measures
 * the plumbing, not the model).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { Analyzer, type AnalyzeItem } from '../../src/analyze/analyzer.js';
import { loadAnalyzerParts } from '../../src/analyze/models.js';
import { parseAnalysisConfig } from '../../src/config/analysis.js';
import { openDatabase } from '../../src/store/db.js';
import { SHARED_DATASETS } from '../run-sections.js';

const Row = z.object({ SURVEY_SUB_TYPE: z.string(), text: z.string() });

const MAPPING: Record<string, string> = {
  Order: 'purchase',
  'Equipment Received': 'onboarding-delivery',
  'First Payment': 'onboarding-delivery',
  'Service in Use': 'usage',
};

async function predictStages(rows: Array<z.infer<typeof Row>>, withRules: boolean): Promise<string[]> {
  const rules = withRules
    ? Object.entries(MAPPING).map(([value, stage]) => ({ when: { attribute: { survey_sub_type: value } }, stage }))
    : [];
  const acfg = parseAnalysisConfig({ rules, discovery: { enabled: false } });
  const db = openDatabase('data/eval-embeddings.sqlite');
  const parts = await loadAnalyzerParts(acfg, db);
  try {
    const analyzer = await Analyzer.create(acfg, parts);
    const items: AnalyzeItem[] = rows.map((r, i) => ({
      doc: { key: String(i), kind: 'survey', sourceName: 'nps', channel: null, attributes: { survey_sub_type: r.SURVEY_SUB_TYPE } },
      text: r.text,
      field: null,
    }));
    const { segments } = await analyzer.analyze(items);
    return segments.map((s) => s.stage?.id ?? 'none');
  } finally {
    await parts.encoder.dispose();
    db.close();
  }
}

function accuracy(rows: Array<z.infer<typeof Row>>, pred: string[], mapping: Record<string, string>): number {
  return rows.filter((r, i) => pred[i] === mapping[r.SURVEY_SUB_TYPE]).length / rows.length;
}

export async function run(): Promise<string> {
  const file = join(SHARED_DATASETS, 'nps-verbatims', 'dev.csv');
  const title = '## Journey stage: NPS verbatims (survey type -> stage)';
  if (!existsSync(file)) return `${title}\n\nSkipped: ${file} is absent.`;
  const rows = z
    .array(Row)
    .parse(parse(readFileSync(file), { columns: true, bom: true, relax_column_count: true }))
    .filter((r) => r.text.trim().split(/\s+/).length >= 3 && MAPPING[r.SURVEY_SUB_TYPE]);
  const textOnly = await predictStages(rows, false);
  const withRules = await predictStages(rows, true);
  const alt = { ...MAPPING, 'First Payment': 'purchase' };
  const majority = Math.max(...Object.values(MAPPING).map((s) => rows.filter((r) => MAPPING[r.SURVEY_SUB_TYPE] === s).length)) / rows.length;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const perType = Object.keys(MAPPING).map((t) => {
    const idx = rows.map((r, i) => (r.SURVEY_SUB_TYPE === t ? i : -1)).filter((i) => i >= 0);
    const ok = idx.filter((i) => textOnly[i] === MAPPING[t]).length;
    return `| ${t} | ${MAPPING[t]} | ${idx.length} | ${idx.length ? pct(ok / idx.length) : '-'} |`;
  });
  return [
    title,
    '',
    `Command: \`npm run eval -- journey\`, run on ${new Date().toISOString().slice(0, 10)}. Rows with at least 3 words. Mapping: Order -> purchase, Equipment Received -> onboarding-delivery, First Payment -> onboarding-delivery (its verbatims are about installation and getting connected), Service in Use -> usage.`,
    '',
    '| setting | accuracy |',
    '|---|---|',
    `| text only (zero-shot + keywords + theme priors) | ${pct(accuracy(rows, textOnly, MAPPING))} |`,
    `| text only, First Payment read as purchase | ${pct(accuracy(rows, textOnly, alt))} |`,
    `| with a metadata rule per survey type | ${pct(accuracy(rows, withRules, MAPPING))} |`,
    `| majority-class baseline | ${pct(majority)} |`,
    '',
    '| survey type | stage | rows | text-only accuracy |',
    '|---|---|---|---|',
    ...perType,
    '',
    `Rows: ${rows.length}. The text often describes the whole journey so far ("ordered, waited for the engineer, first bill wrong"), so a single stage per verbatim is inherently ambiguous.`,
  ].join('\n');
}
