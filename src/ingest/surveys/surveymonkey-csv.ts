/**
 * `surveymonkey-csv`: a SurveyMonkey "All responses data" CSV export.
 *
 * SurveyMonkey writes two header rows: the question texts, then a sub-header ("Response",
 * "Open-Ended Response", or one option label per column for multi-column questions, whose
 * question text appears only above the first column). Columns are named by combining both rows,
 * and a mapping may use either that combined name or the bare question text.
 */
import { dedupe, readSurveyCsv, type Defaults, type SurveyDialect, type TableLayout } from './tabular.js';
import type { FormatModule } from '../types.js';

/** Sub-headers that mean "the answer itself" rather than one option of the question. */
const SINGLE_ANSWER = /^(response|open-ended response)$/i;
const OPEN_ENDED = /^open-ended response$|please specify/i;

interface Column {
  question: string;
  sub: string;
}

/** Carries each question text over the blank cells of its multi-column answer. */
function columnsOf(questions: string[], subs: string[]): Column[] {
  const out: Column[] = [];
  let current = '';
  const width = Math.max(questions.length, subs.length);
  for (let i = 0; i < width; i++) {
    const q = (questions[i] ?? '').trim();
    const sub = (subs[i] ?? '').trim();
    if (q) current = q;
    out.push({ question: q || (sub ? current : ''), sub });
  }
  return out;
}

function buildLayout(rows: string[][]): TableLayout {
  const cols = columnsOf(rows[0] ?? [], rows[1] ?? []);
  const groupSize = new Map<string, number>();
  for (const c of cols) groupSize.set(c.question, (groupSize.get(c.question) ?? 0) + 1);
  const names = dedupe(
    cols.map((c) => {
      if (!c.sub || (SINGLE_ANSWER.test(c.sub) && groupSize.get(c.question) === 1)) return c.question;
      return c.question ? `${c.question} - ${c.sub}` : c.sub;
    }),
  );
  const extra = Object.create(null) as Record<string, string>;
  const layout: TableLayout = { columns: names, labels: {}, aliases: {}, timeZones: {}, extraHeader: extra };
  names.forEach((name, i) => {
    const c = cols[i] as Column;
    extra[name] = c.sub;
    if (!c.question) return;
    if (c.question !== name) layout.labels[name] = c.question;
    // The bare question text names its answer column, else the first column of the question.
    const current = layout.aliases[c.question];
    if (current === undefined || (SINGLE_ANSWER.test(c.sub) && !SINGLE_ANSWER.test(extra[current] ?? ''))) {
      layout.aliases[c.question] = name;
    }
  });
  return layout;
}

function smDefaults(layout: TableLayout, _samples: Record<string, string>[], explicit: Defaults): Defaults {
  const cols = layout.columns;
  const sub = layout.extraHeader ?? {};
  const has = (c: string): boolean => cols.includes(c);
  const nps = cols.find((c) => /how likely.*recommend/i.test(c));
  const csat = cols.find((c) => /how satisfied|overall satisfaction/i.test(c));
  const score = nps ? { column: nps, scale: 'nps' as const } : csat ? { column: csat, scale: 'csat5' as const } : undefined;
  const scoreCol = explicit.score?.column ?? score?.column;
  return {
    id: has('Respondent ID') ? 'Respondent ID' : undefined,
    dates: ['Start Date', 'End Date'].filter(has),
    score,
    text: cols.filter((c) => c !== scoreCol && OPEN_ENDED.test(sub[c] ?? '')),
    attributes: Object.fromEntries(cols.filter((c) => /^Custom Data \d+$/i.test(c)).map((c) => [c, c])),
  };
}

const dialect: SurveyDialect = {
  label: 'SurveyMonkey export',
  // The second header row (Response / Open-Ended Response / option labels) has no respondent id;
  // an export with one header row starts its data right away, and its first row is data.
  headerRowCount: (first) => (first.length > 1 && /^\s*\d+\s*$/.test(first[1]![0] ?? '') ? 1 : Math.min(2, first.length)),
  buildLayout,
  defaults: smDefaults,
};

export const surveyMonkeyCsv: FormatModule = {
  format: 'surveymonkey-csv',
  kind: 'survey',
  sniff(head) {
    const first = head.split(/\r?\n/, 1)[0] ?? '';
    if (/^"?Respondent ID"?[,;\t]"?Collector ID"?/.test(first)) return 0.95;
    return /Respondent ID/.test(first) ? 0.6 : 0;
  },
  read: (ctx) => readSurveyCsv(ctx, dialect),
};
