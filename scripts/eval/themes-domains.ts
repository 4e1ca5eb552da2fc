/**
 * Domain codeframes (pipelines/codeframes/domains/) measured zero-shot on real labelled examples,
 * where ../shared has labels that map onto their themes:
 *   - airline.yaml on airline-tweets dev: the annotators' negative reason (Late Flight, Lost
 *     Luggage, Customer Service Issue, ...), mapped to the codeframe's themes;
 *   - banking.yaml on CFPB narratives: the complaint's own Issue field, mapped likewise.
 * Top-1 and top-3 are over the same ZeroShotClassifier ranking the analysis stage uses; "found" is
 * the gold theme among the themes the analysis would assign. Hotels, telecom, retail, software and
 * food delivery have no such labels in ../shared and are not measured here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { parseAnalysisConfig } from '../../src/config/analysis.js';
import { loadCodeframe } from '../../src/config/codeframe.js';
import { assignZeroShot } from '../../src/analyze/themes.js';
import { stems } from '../../src/analyze/lexical.js';
import { ZeroShotClassifier } from '../../src/analyze/zeroshot.js';
import { cachedEncoder } from '../../src/store/embeddings.js';
import { createEncoder } from '../../src/models/encoder.js';
import { openDatabase } from '../../src/store/db.js';
import { SHARED_DATASETS } from '../run-sections.js';

const AIRLINE: Record<string, string> = {
  'Late Flight': 'delays-and-cancellations',
  'Cancelled Flight': 'delays-and-cancellations',
  'Lost Luggage': 'baggage',
  'Damaged Luggage': 'baggage',
  'Customer Service Issue': 'customer-service',
  'Flight Booking Problems': 'booking-and-changes',
  'Flight Attendant Complaints': 'cabin-crew',
  longlines: 'check-in-and-airport',
};

const CFPB: Record<string, string> = {
  'Incorrect information on your report': 'credit-reporting',
  "Problem with a credit reporting company's investigation into an existing problem": 'credit-reporting',
  'Improper use of your report': 'credit-reporting',
  'Unable to get your credit report or credit score': 'credit-reporting',
  'Attempts to collect debt not owed': 'debt-collection',
  'Written notification about debt': 'debt-collection',
  'Took or threatened to take negative or legal action': 'debt-collection',
  'Communication tactics': 'debt-collection',
  'False statements or representation': 'debt-collection',
  "Cont'd attempts collect debt not owed": 'debt-collection',
  'Struggling to pay mortgage': 'loans-and-mortgages',
  'Dealing with your lender or servicer': 'loans-and-mortgages',
  'Closing on a mortgage': 'loans-and-mortgages',
  'Applying for a mortgage or refinancing an existing mortgage': 'loans-and-mortgages',
  'Struggling to pay your loan': 'loans-and-mortgages',
  'Struggling to repay your loan': 'loans-and-mortgages',
  'Managing an account': 'account-opening-and-access',
  'Closing an account': 'account-opening-and-access',
  'Closing your account': 'account-opening-and-access',
  'Opening an account': 'account-opening-and-access',
  'Problem with a purchase shown on your statement': 'disputes-and-fraud',
  'Fraud or scam': 'disputes-and-fraud',
  'Unauthorized transactions or other transaction problem': 'disputes-and-fraud',
  'Fees or interest': 'fees-and-interest',
  "Charged fees or interest you didn't expect": 'fees-and-interest',
  'Unexpected or other fees': 'fees-and-interest',
  'Trouble during payment process': 'payments-and-transfers',
  'Problem when making payments': 'payments-and-transfers',
  'Trouble using your card': 'cards',
};

interface Case {
  name: string;
  codeframe: string;
  labels: string;
  rows: Array<{ text: string; gold: string }>;
}

/** The first two sentences of a narrative: where complaints say what they are about. */
function opening(text: string): string {
  return text.replace(/X{2,}/g, 'X').split(/(?<=[.!?])\s+/).slice(0, 2).join(' ').slice(0, 400);
}

function cases(): Case[] {
  const out: Case[] = [];
  const tweets = join(SHARED_DATASETS, 'airline-tweets/dev.csv');
  if (existsSync(tweets)) {
    const rows = (parse(readFileSync(tweets), { columns: true, bom: true }) as Array<Record<string, string>>)
      .filter((r) => AIRLINE[r.negativereason ?? ''])
      .map((r) => ({ text: r.text!, gold: AIRLINE[r.negativereason!]! }));
    out.push({ name: 'airline tweets (negative reason)', codeframe: 'builtin:domains/airline.yaml', labels: 'airline-tweets dev, negativereason', rows });
  }
  const cfpb = join(SHARED_DATASETS, 'cfpb-complaints/complaints_sample.clean.csv');
  if (existsSync(cfpb)) {
    const rows = (parse(readFileSync(cfpb), { columns: true, bom: true }) as Array<Record<string, string>>)
      .filter((r) => (r['Consumer complaint narrative'] ?? '').trim() && CFPB[r.Issue ?? ''])
      .map((r) => ({ text: opening(r['Consumer complaint narrative']!), gold: CFPB[r.Issue!]! }));
    out.push({ name: 'CFPB complaints (Issue field)', codeframe: 'builtin:domains/banking.yaml', labels: 'cfpb-complaints, Issue', rows });
  }
  return out;
}

export async function run(): Promise<string> {
  const title = '## Themes: domain codeframes, zero-shot on real labels';
  const all = cases();
  if (all.length === 0) return `${title}\n\nSkipped: ${SHARED_DATASETS} has none of the labelled sets.`;
  const db = openDatabase('data/eval-embeddings.sqlite');
  const base = await createEncoder({ backend: 'use' });
  const encoder = cachedEncoder(db, base);
  const lines = [title, '', 'Command: `npm run eval -- themes-domains`. No training: each theme is matched by its label, description, examples and keywords.', '', '| codeframe | data | n | top-1 | top-3 | found among assigned | majority theme |', '|---|---|---|---|---|---|---|'];
  try {
    const cfg = parseAnalysisConfig({});
    for (const c of all) {
      const themes = loadCodeframe(c.codeframe, 'themes').themes;
      const zs = await ZeroShotClassifier.build(themes, encoder, cfg.zeroShot);
      const vectors = await encoder.embed(c.rows.map((r) => r.text));
      let top1 = 0;
      let top3 = 0;
      let found = 0;
      c.rows.forEach((r, i) => {
        const scores = zs.score(vectors[i]!, stems(r.text));
        const ranked = [...scores].sort((a, b) => b.sim - a.sim);
        if (ranked[0]!.id === r.gold) top1++;
        if (ranked.slice(0, 3).some((s) => s.id === r.gold)) top3++;
        if (assignZeroShot(scores, cfg.themes, cfg.zeroShot).some((t) => t.id === r.gold)) found++;
      });
      const counts = new Map<string, number>();
      for (const r of c.rows) counts.set(r.gold, (counts.get(r.gold) ?? 0) + 1);
      const pct = (k: number) => `${((100 * k) / c.rows.length).toFixed(1)}%`;
      lines.push(`| ${c.codeframe.replace('builtin:', '')} | ${c.labels} | ${c.rows.length} | ${pct(top1)} | ${pct(top3)} | ${pct(found)} | ${pct(Math.max(...counts.values()))} |`);
    }
  } finally {
    await base.dispose();
    db.close();
  }
  lines.push('', 'Hotels, telecom, retail, software and food delivery: no labelled examples in ../shared that map onto their themes, so not measured.');
  return lines.join('\n');
}
