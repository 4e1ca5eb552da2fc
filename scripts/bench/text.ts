/**
 * Text preparation throughput (one core, after warm-up): redaction, sentence splitting, language
 * detection and normalisation on short customer comments.
 */
import { RedactionConfig } from '../../src/config/pipeline.js';
import { createLanguageDetector } from '../../src/text/language.js';
import { normalizeText } from '../../src/text/normalize.js';
import { createRedactor } from '../../src/text/redact.js';
import { splitSentences } from '../../src/text/sentences.js';

function perSecond(texts: readonly string[], fn: (t: string) => unknown): number {
  for (const t of texts.slice(0, 500)) fn(t); // warm-up (JIT)
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (const t of texts) fn(t);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1e6);
  }
  return texts.length / best;
}

export async function run(): Promise<string> {
  const texts = Array.from(
    { length: 20_000 },
    (_, i) =>
      `Box #${i} was late again and the ice packs had melted. Call 07700 900${String(i % 1000).padStart(3, '0')} or mail ann${i}@example.com! Dr. Smith said it was fine.`,
  );
  const redact = createRedactor(RedactionConfig.parse({}));
  const detector = await createLanguageDetector();
  const rows: Array<[string, number]> = [
    ['normalise (plain text)', perSecond(texts, (t) => normalizeText(t))],
    ['redact (email, phone, card, IBAN, IP)', perSecond(texts, redact)],
    ['split sentences (sentence-splitter)', perSecond(texts, (t) => splitSentences(t))],
    ['detect language (fastText lid.176)', perSecond(texts, (t) => detector.detect(t))],
  ];
  return [
    '## Text preparation',
    '',
    'CPU time of one core, best of 3 rounds over 20,000 three-sentence comments, after warm-up.',
    '',
    '| step | texts/s |',
    '|---|---:|',
    ...rows.map(([name, rate]) => `| ${name} | ${Math.round(rate).toLocaleString('en')} |`),
  ].join('\n');
}
