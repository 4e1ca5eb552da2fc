/**
 * E-mail body cleaning: keep what the customer wrote in this message, drop what they quoted and
 * what their mail client or company appended.
 *
 * Support tickets arrive as e-mail threads. Without cleaning, every reply repeats the whole
 * thread (the agent's answers become "customer" text and one complaint is counted many times),
 * and signatures, "Sent from my iPhone" lines and legal disclaimers add noise to sentiment and
 * themes. The rules are deliberately conservative: when cleaning would leave nothing although the
 * message had text of its own before the quote, the pre-quote text is returned as it was.
 *
 * Input is plain text (the engine converts HTML first; html-to-text renders <blockquote> as "> ").
 */

/** A line-based rule: does a quoted reply start at line `i`? Several headers wrap over lines. */
type HeaderRule = (lines: readonly string[], i: number) => boolean;

const WROTE_PATTERNS: readonly RegExp[] = [
  // Gmail / Apple Mail / Thunderbird: "On Mon, 3 Jun 2026 at 10:02, X <x@y> wrote:"
  /^on\b.{4,300}\bwrote\s*:$/i,
  // French: "Le lun. 3 juin 2026 à 10:02, X <x@y> a écrit :"
  /^le\b.{4,300}\ba\s+écrit\s*:$/i,
  // German: "Am 03.06.2026 um 10:02 schrieb X <x@y>:"
  /^am\b.{4,300}\bschrieb\b.{0,200}:$/i,
  // Spanish: "El lun, 3 jun 2026 a las 10:02, X (<x@y>) escribió:"
  /^el\b.{4,300}\bescribió\s*:$/i,
  // Dutch, Italian, Portuguese
  /^op\b.{4,300}\bschreef\b.{0,200}:$/i,
  /^il\b.{4,300}\bha\s+scritto\s*:$/i,
  /^em\b.{4,300}\bescreveu\s*:$/i,
];

/** "wrote:" headers wrap when the sender's address is long, so up to three lines are joined. */
const wroteHeader: HeaderRule = (lines, i) => {
  let joined = '';
  for (let k = i; k < Math.min(i + 3, lines.length); k++) {
    joined = `${joined} ${stripQuoteMarks(lines[k] ?? '')}`.trim();
    if (WROTE_PATTERNS.some((re) => re.test(joined))) return true;
  }
  return false;
};

const SEPARATOR =
  /^[-_=\s]*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|reply message|forwarded message|message transféré|weitergeleitete nachricht|mensaje reenviado)[-_=\s]*$/i;
/** The same separators when HTML flattening put the next header on the same line. */
const DASHED_SEPARATOR =
  /^\s*-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|forwarded message|message transféré|weitergeleitete nachricht|mensaje reenviado)\s*-{2,}/i;
/** "From: X Sent: Monday ... To: Y Subject: Z" run together on one line. */
const INLINE_FROM_BLOCK = /^\*?\s*(from|de|von)\s*:.{1,200}\b(sent|date|envoyé|gesendet|datum)\s*:.{1,120}\b(to|subject|à|objet|an|betreff)\s*:/i;
const BEGIN_FORWARDED = /^(begin forwarded message|début du message réexpédié|anfang der weitergeleiteten nachricht)\s*:?$/i;
const separatorLine: HeaderRule = (lines, i) => {
  const line = (lines[i] ?? '').trim();
  return SEPARATOR.test(line) || DASHED_SEPARATOR.test(line) || BEGIN_FORWARDED.test(line) || INLINE_FROM_BLOCK.test(line);
};

/** Outlook draws a line of underscores above the "From:" block. */
const outlookRule: HeaderRule = (lines, i) => /^_{10,}\s*$/.test((lines[i] ?? '').trim()) && fromBlock(lines, nextNonBlank(lines, i + 1));

const FROM_LINE = /^\*?\s*(from|de|von|van|da|från|fra)\s*:\*?\s*\S/i;
const HEADER_LINE =
  /^\*?\s*(sent|date|to|cc|subject|envoyé|objet|à|a|gesendet|datum|an|betreff|enviado|fecha|para|asunto|verzonden|aan|onderwerp|inviato|oggetto)\s*:\*?(\s|$)/i;

/** "From: ..." followed within four lines by "Sent:", "To:", "Subject:" (or localized). */
const fromBlock: HeaderRule = (lines, i) => {
  if (i < 0 || !FROM_LINE.test(stripQuoteMarks(lines[i] ?? ''))) return false;
  for (let k = i + 1; k < Math.min(i + 5, lines.length); k++) {
    if (HEADER_LINE.test(stripQuoteMarks(lines[k] ?? ''))) return true;
  }
  return false;
};

const QUOTE_HEADER_RULES: readonly HeaderRule[] = [wroteHeader, separatorLine, outlookRule, fromBlock];

/** Mail-client taglines: everything from here on is machine-added. */
const CLIENT_TAGLINE =
  /^(sent from my \S.{0,40}|sent from (mail|outlook|yahoo mail|aol|proton ?mail)\b.{0,40}|sent via \S.{0,40}|get outlook for (ios|android)|envoyé de mon \S.{0,30}|von meinem \S.{0,30} gesendet|enviado desde mi \S.{0,30}|inviato da \S.{0,30})\.?(\s*<[^>\s]+>)?$/i;

const SIG_DELIMITER = /^--\s?$/;

const DISCLAIMER =
  /^(this (e-?mail|message|communication)\b.{0,80}\b(confidential|privileged|intended (solely|only))|confidentiality notice|disclaimer\s*:|the information (contained )?in this (e-?mail|message)|if you (are not|have received this)\b.{0,40}(intended recipient|in error)|please consider the environment before printing)/i;

/** A whole line that closes a letter: "Kind regards,", "Thanks,", "Cordialement". */
const CLOSER =
  /^((kind|best|warm|warmest|many|with best|all the)\s+)?(regards|wishes)|^(best|cheers|sincerely|yours (sincerely|truly|faithfully)|take care|all the best|speak soon|thanks( so much| again| in advance| a lot| for (your|the) help)?|thank you( so much| in advance| for (your|the) help)?|many thanks|ta|cordialement|bien cordialement|bien à vous|salutations|merci( beaucoup| d'avance)?|mit freundlichen grüßen|mfg|viele grüße|liebe grüße|beste grüße|grüße|gruß|danke( schön)?|saludos( cordiales)?|un saludo|atentamente|gracias)$/i;

const MAX_SIGNATURE_LINES = 4;
const MAX_SIGNATURE_LINE_CHARS = 60;

/**
 * Returns the text the customer wrote in this message: quoted replies, reply headers,
 * signatures, client taglines and legal disclaimers removed; blank-line runs collapsed.
 */
export function cleanEmailBody(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const quoteAt = findQuoteStart(lines);
  const own = quoteAt < 0 ? lines : lines.slice(0, quoteAt);
  const cleaned = tidy(stripSignature(own.filter((l) => !isQuotedLine(l))));
  if (hasContent(cleaned)) return cleaned;
  // Conservative fallbacks: the customer's own words are never thrown away.
  const preQuote = tidy(own.filter((l) => !isQuotedLine(l)));
  if (hasContent(preQuote)) return preQuote;
  const preQuoteRaw = tidy(own);
  if (hasContent(preQuoteRaw)) return preQuoteRaw;
  if (quoteAt < 0) return '';
  return forwardedBody(lines, quoteAt) || bottomPosted(lines, quoteAt);
}

/**
 * Bottom-posting ("On … wrote:", the quoted lines, then the reply underneath): when nothing was
 * written above the header, the customer's words are the unquoted lines after the quote.
 */
function bottomPosted(lines: readonly string[], quoteAt: number): string {
  const firstQuoted = lines.findIndex((l, i) => i > quoteAt && isQuotedLine(l));
  if (firstQuoted < 0) return '';
  const after = lines.slice(firstQuoted).filter((l) => !isQuotedLine(l));
  const nested = findQuoteStart(after);
  return tidy(stripSignature(nested < 0 ? after : after.slice(0, nested)));
}

function findQuoteStart(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (QUOTE_HEADER_RULES.some((rule) => rule(lines, i))) return i;
  }
  return -1;
}

/**
 * A message that is nothing but a forward ("---------- Forwarded message ---------" at the
 * top) carries what the customer wants us to read: keep its body without the header lines.
 */
function forwardedBody(lines: readonly string[], quoteAt: number): string {
  const first = (lines[quoteAt] ?? '').trim();
  if (!/forward|transféré|weitergeleitet|reenviado|réexpédié/i.test(first)) return '';
  const body = lines.slice(quoteAt + 1).filter((l) => !FROM_LINE.test(l) && !HEADER_LINE.test(l));
  return tidy(stripSignature(body.map(stripQuoteMarks)));
}

function isQuotedLine(line: string): boolean {
  return /^\s*>/.test(line);
}

function stripQuoteMarks(line: string): string {
  return line.replace(/^(\s*>)+\s?/, '').trim();
}

/** Cuts at the first signature marker; then drops a trailing letter closer and its few lines. */
function stripSignature(lines: readonly string[]): string[] {
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (SIG_DELIMITER.test(lines[i] ?? '') || CLIENT_TAGLINE.test(line) || DISCLAIMER.test(line)) {
      end = i;
      break;
    }
  }
  const kept = lines.slice(0, end);
  return stripCloser(kept);
}

/**
 * "Kind regards,\nAnna Smith\nKestrel customer since 2025" at the very end: the closer line
 * followed by at most four short lines (name, title, phone). A closer with longer text after it
 * is a sentence in the message, not a sign-off, and is kept.
 */
function stripCloser(lines: string[]): string[] {
  const lastText = lastNonBlank(lines);
  for (let i = lastText; i >= 0 && i >= lastText - MAX_SIGNATURE_LINES; i--) {
    const line = (lines[i] ?? '').trim();
    const bare = line.replace(/[\s,.!:;-]+$/, '');
    if (!CLOSER.test(bare)) continue;
    const after = lines.slice(i + 1).filter((l) => l.trim() !== '');
    if (after.length > MAX_SIGNATURE_LINES || after.some((l) => l.trim().length > MAX_SIGNATURE_LINE_CHARS)) return lines;
    // A bare "Thanks" ending the message is part of what was said; "Thanks,\nName" is a sign-off.
    if (after.length === 0 && !line.endsWith(',')) return lines;
    return lines.slice(0, i);
  }
  return lines;
}

function lastNonBlank(lines: readonly string[]): number {
  for (let i = lines.length - 1; i >= 0; i--) if ((lines[i] ?? '').trim() !== '') return i;
  return -1;
}

function nextNonBlank(lines: readonly string[], from: number): number {
  for (let i = from; i < lines.length; i++) if ((lines[i] ?? '').trim() !== '') return i;
  return -1;
}

/** Trailing spaces off, at most one blank line in a row, no blank lines at either end. */
function tidy(lines: readonly string[]): string {
  return lines
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function hasContent(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}
