/**
 * A realistic small Kestrel Kitchen database for the report tests and the docs screenshot:
 * seeded pseudo-random mix of pain points across stages and months (May-October 2026), with the
 * app-crash theme rising in the last months and one hostile comment among the quotes.
 */
import { TestDb, type Sentiment } from './aggregate-db.js';
import { mulberry32 } from '../src/util/random.js';

export const HOSTILE = '<img src=x onerror=alert(1)><script>window.__pwned=1</script> the box came late AGAIN';

const THEMES: [string, string | null, string][] = [
  ['delivery', null, 'Delivery'],
  ['late-box', 'delivery', 'Late or missed box'],
  ['damaged-box', 'delivery', 'Warm or damaged box'],
  ['left-outside', 'delivery', 'Box left outside'],
  ['billing', null, 'Billing'],
  ['charged-after-cancel', 'billing', 'Charged after cancelling'],
  ['double-charge', 'billing', 'Double charge'],
  ['price-increase', 'billing', 'Price increase'],
  ['checkout', null, 'Checkout'],
  ['promo-code', 'checkout', 'Promo code rejected'],
  ['payment-failed', 'checkout', 'Payment failed'],
  ['support', null, 'Customer support'],
  ['phone-wait', 'support', 'Long phone waits'],
  ['chatbot-loop', 'support', 'Chatbot loops'],
  ['app', null, 'App'],
  ['app-crash', 'app', 'App crashes'],
  ['recipes', null, 'Recipes and food'],
  ['freshness', 'recipes', 'Ingredient freshness'],
  ['portion-size', 'recipes', 'Portion size'],
  ['referral', null, 'Referrals'],
];

interface Kind {
  theme: string;
  stage: string;
  touchpoint: string;
  sentiment: Sentiment;
  weight: number;
  texts: string[];
}

const KINDS: Kind[] = [
  { theme: 'late-box', stage: 'onboarding', touchpoint: 'delivery', sentiment: 'negative', weight: 14, texts: ['My first box arrived two days late.', 'The courier never showed up with my first delivery.', 'Still waiting for the box that was due on Tuesday, very disappointing start.', 'First order missed the delivery window completely.'] },
  { theme: 'damaged-box', stage: 'onboarding', touchpoint: 'delivery', sentiment: 'negative', weight: 8, texts: ['The box was warm and the chicken smelled off.', 'Ice packs had melted, everything was lukewarm.', 'Box arrived crushed and a jar had broken inside.'] },
  { theme: 'left-outside', stage: 'usage', touchpoint: 'delivery', sentiment: 'negative', weight: 5, texts: ['Courier left the box in the rain again.', 'They left it on the doorstep in the pouring rain, cardboard soaked.'] },
  { theme: 'charged-after-cancel', stage: 'retention', touchpoint: 'billing', sentiment: 'negative', weight: 8, texts: ['I was charged after I cancelled my subscription.', 'Paused my plan and still got billed for two weeks.', 'Cancelled in August, charged again in September. Unacceptable.'] },
  { theme: 'double-charge', stage: 'purchase', touchpoint: 'billing', sentiment: 'negative', weight: 5, texts: ['I got charged twice for the same box.', 'Double charge on my card this month, please refund.'] },
  { theme: 'price-increase', stage: 'retention', touchpoint: 'email', sentiment: 'negative', weight: 5, texts: ['The September price increase came with no warning.', 'Prices went up again and the email was buried in small print.'] },
  { theme: 'promo-code', stage: 'purchase', touchpoint: 'website', sentiment: 'negative', weight: 6, texts: ['The discount code from the ad was rejected at checkout.', 'Promo code said invalid even though it was on your Instagram.'] },
  { theme: 'payment-failed', stage: 'purchase', touchpoint: 'app', sentiment: 'negative', weight: 3, texts: ['Payment kept failing in the app so I gave up.', 'Card declined at checkout even though it works everywhere else.'] },
  { theme: 'phone-wait', stage: 'support', touchpoint: 'phone', sentiment: 'negative', weight: 6, texts: ['Waited 45 minutes on the phone to speak to someone.', 'Phone line is always busy, nobody picks up.'] },
  { theme: 'chatbot-loop', stage: 'support', touchpoint: 'chat', sentiment: 'negative', weight: 5, texts: ['The chatbot kept sending me in circles.', 'The bot does not understand and will not hand me to a human.'] },
  { theme: 'recipes', stage: 'usage', touchpoint: 'app', sentiment: 'positive', weight: 26, texts: ['Love the recipes, the kids ate everything.', 'Recipes are easy to follow and tasty.', 'Great variety of meals this month.', 'The vegetarian options are really good.'] },
  { theme: 'freshness', stage: 'usage', touchpoint: 'delivery', sentiment: 'positive', weight: 12, texts: ['Vegetables are always fresh.', 'Ingredients were fresh and well packed.'] },
  { theme: 'portion-size', stage: 'usage', touchpoint: 'app', sentiment: 'neutral', weight: 5, texts: ['Portions are fine for two people.', 'Portion size is ok, a bit small for my partner.'] },
  { theme: 'referral', stage: 'advocacy', touchpoint: 'social', sentiment: 'positive', weight: 6, texts: ['I recommended Kestrel to three friends already.', 'Got referral credit when my sister signed up, nice.'] },
  { theme: 'delivery', stage: 'onboarding', touchpoint: 'delivery', sentiment: 'positive', weight: 9, texts: ['First box arrived right on time and well packed.', 'Delivery was smooth, the courier even texted ahead.', 'Box came early in the morning, everything cold.'] },
  { theme: 'support', stage: 'support', touchpoint: 'chat', sentiment: 'positive', weight: 4, texts: ['The agent on chat sorted my refund in five minutes.', 'Support was friendly and quick this time.'] },
  { theme: 'billing', stage: 'purchase', touchpoint: 'billing', sentiment: 'neutral', weight: 4, texts: ['The invoice shows each box separately, which is fine.', 'Billing date moved to Mondays.'] },
  { theme: 'app', stage: 'usage', touchpoint: 'app', sentiment: 'positive', weight: 7, texts: ['The app makes it easy to swap meals.', 'Choosing next week in the app takes a minute, love it.'] },
  { theme: 'recipes', stage: 'awareness', touchpoint: 'social', sentiment: 'positive', weight: 4, texts: ['Saw your Instagram ad with the pasta and signed up.', 'A friend showed me the recipes on TikTok.'] },
  { theme: 'checkout', stage: 'consideration', touchpoint: 'website', sentiment: 'neutral', weight: 5, texts: ['Comparing the Family and Premium plans was confusing.', 'The pricing page could be clearer about delivery fees.'] },
];

/** Emotions the analysis would store for a kind of comment: the first always, the second on every other wording. */
const EMOTIONS: Record<string, string[]> = {
  'late-box': ['frustration-anger', 'disappointment'],
  'damaged-box': ['disappointment', 'worry'],
  'left-outside': ['frustration-anger'],
  'charged-after-cancel': ['frustration-anger', 'confusion'],
  'double-charge': ['frustration-anger', 'worry'],
  'price-increase': ['disappointment'],
  'promo-code': ['confusion', 'frustration-anger'],
  'payment-failed': ['frustration-anger'],
  'phone-wait': ['frustration-anger'],
  'chatbot-loop': ['frustration-anger', 'confusion'],
  'app-crash': ['frustration-anger'],
  recipes: ['satisfaction-joy'],
  freshness: ['satisfaction-joy'],
  referral: ['satisfaction-joy', 'gratitude'],
  delivery: ['satisfaction-joy'],
  support: ['gratitude'],
  app: ['satisfaction-joy'],
  checkout: ['confusion'],
};

function emotionsFor(theme: string, textIdx: number): Record<string, number> {
  const list = EMOTIONS[theme] ?? [];
  return Object.fromEntries(list.slice(0, textIdx % 2 === 0 ? 2 : 1).map((e, i) => [e, i === 0 ? 0.8 : 0.6]));
}

const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];


function pickWeighted<T extends { weight: number }>(items: T[], r: number): T {
  const total = items.reduce((n, i) => n + i.weight, 0);
  let x = r * total;
  for (const i of items) {
    x -= i.weight;
    if (x <= 0) return i;
  }
  return items[items.length - 1]!;
}

function npsFor(s: Sentiment, r: number): number {
  if (s === 'negative') return Math.floor(r * 7);
  if (s === 'neutral') return 6 + Math.floor(r * 3);
  return 8 + Math.floor(r * 3);
}

export function sampleDb(docs = 360, hostile = true): TestDb {
  const t = new TestDb();
  for (const [id, parent, label] of THEMES) t.addTheme(id, parent, label);
  const rand = mulberry32(42);
  for (let i = 0; i < docs; i++) {
    const month = MONTHS[i % MONTHS.length]!;
    const monthIdx = i % MONTHS.length;
    // The v5 app update (August) makes crashes more frequent every month after.
    const crashWeight = [1, 1, 1, 3, 6, 22][monthIdx]!;
    const kinds = [...KINDS, { theme: 'app-crash', stage: 'usage', touchpoint: 'app', sentiment: 'negative' as Sentiment, weight: crashWeight, texts: ['The app crashes every time I edit the weekly menu.', 'Since the v5 update the app logs me out when I change meals.', 'App froze while I was choosing recipes, lost my selection.'] }];
    const nSeg = 1 + Math.floor(rand() * 2);
    const segments = [];
    let worst: Sentiment = 'positive';
    for (let s = 0; s < nSeg; s++) {
      const k = pickWeighted(kinds, rand());
      const textIdx = Math.floor(rand() * k.texts.length);
      const text = k.texts[textIdx]!;
      const mag = 0.35 + rand() * 0.6;
      const score = k.sentiment === 'negative' ? -mag : k.sentiment === 'positive' ? mag : (rand() - 0.5) * 0.2;
      if (k.sentiment === 'negative') worst = 'negative';
      else if (k.sentiment === 'neutral' && worst !== 'negative') worst = 'neutral';
      segments.push({ text, sentiment: k.sentiment, score: Math.round(score * 100) / 100, stage: k.stage, touchpoint: k.touchpoint, themes: { [k.theme]: Math.round((0.55 + rand() * 0.4) * 100) / 100 }, emotions: emotionsFor(k.theme, textIdx) });
    }
    const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
    const plan = ['Basic', 'Family', 'Premium'][Math.floor(rand() * 3)]!;
    const region = ['North', 'South', 'East', 'West'][Math.floor(rand() * 4)]!;
    const isTicket = i % 4 === 3;
    t.addDoc({
      kind: isTicket ? 'ticket' : 'survey',
      source: isTicket ? 'zendesk-tickets' : 'nps-survey',
      externalId: isTicket ? `T-${1000 + i}` : `R-${2000 + i}`,
      createdAt: `${month}-${day}T09:30:00Z`,
      // Tickets carry a 1-5 CSAT rating (no random draw, so the rest of the sample is unchanged).
      score: isTicket ? (worst === 'negative' ? 1 : worst === 'neutral' ? 3 : 5) : npsFor(worst, rand()),
      scale: isTicket ? 'csat5' : 'nps',
      channel: isTicket ? 'email' : 'web',
      attributes: { plan, region },
      segments,
    });
  }
  if (hostile) addHostile(t);
  addUnassigned(t);
  return t;
}

/** Comments no stage or touchpoint could be told for: a negative lot, so ranking them would be easy to spot. */
function addUnassigned(t: TestDb): void {
  const texts = ['Honestly I am so fed up with all of this nonsense.', 'This is the worst, absolutely ridiculous.', 'Not impressed at all, very disappointing overall.'];
  texts.forEach((text, i) => {
    t.addDoc({
      source: 'nps-survey', externalId: `R-none-${i}`, createdAt: `2026-${String(5 + i).padStart(2, '0')}-11T10:00:00Z`, score: 2,
      segments: [{ text, sentiment: 'negative', score: -0.8, stage: null, touchpoint: null, emotions: { 'frustration-anger': 0.85 } }],
    });
  });
}

function addHostile(t: TestDb): void {
  t.addDoc({
    source: 'nps-survey', externalId: 'R-hostile', createdAt: '2026-10-20T10:00:00Z', score: 0,
    attributes: { plan: 'Basic', region: 'North' },
    segments: [{ text: HOSTILE, sentiment: 'negative', score: -1, stage: 'onboarding', touchpoint: 'delivery', themes: { 'late-box': 0.95 }, emotions: { 'frustration-anger': 0.9 } }],
  });
}
