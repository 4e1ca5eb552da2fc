/**
 * Phone numbers for redact.ts: a permissive candidate pattern, then shape and context checks that
 * keep dates, years, prices, thousands, ZIP+4, ranges and order/ticket numbers out.
 */
import { hasDigit, type Pass } from './redact-pass.js';

/**
 * A phone candidate: optional "+" or "(", then digits with single spaces, dots, dashes or
 * parentheses between them, ending in a digit. It may not start inside a word, after "#", a
 * currency sign, a dash, a dot or a slash (order numbers, prices, ranges, decimals, paths).
 * A slash is only taken right after a trunk-0 area code (German `030/1234567`), so dates and
 * fractions (`01/12/2023`, `24/7`) do not join a candidate.
 */
const PHONE_CANDIDATE =
  /(?<![\p{L}\p{N}_#$€£¥+\-\u2010-\u2013./@])(?:\+|\()?\d(?:[ .\-\u2010-\u2013()]{0,2}\d|(?<=(?<![\d/])0\d{1,4})\/ ?\d){5,20}(?![\p{L}\p{N}_\-\u2010-\u2013/@]|[.,:]\d)/gu;
/** Hyphens and en dashes (word processors turn 555-123 into 555–123) count as "-". */
const DASHES = /[\u2010-\u2013]/g;
const DATE_PATTERNS = [
  /^\d{4}[-. ]\d{1,2}[-. ]\d{1,2}$/, // 2026-05-03
  /^\d{1,2}[-. ]\d{1,2}[-. ]\d{2,4}$/, // 03.05.2026, 5-3-26
];
const YEARS_ONLY = /^(?:(?:19|20)\d\d[ -]?)+$/; // "2024 2025 2026", "1999-2005"
const THOUSANDS = /^\d{1,3}(?:[.,]\d{3})+$/; // 1.234.567
const THOUSANDS_SPACED = /^[1-9]\d{0,2}(?: \d{3})+$/; // 2 500 000 (but 612 345 678 is a Spanish mobile)
const ZIP_PLUS_4 = /^\d{5}-\d{4}$/; // 90210-1234
const ROUND_RANGE = /^(\d{2,3}0)-(\d{2,3}0)$/; // 1200-1500 (calories), 800-1000

/** Words naming an identifier: a number right after them is that identifier, not a phone. */
const ID_WORDS =
  'order|invoice|ref|reference|ticket|case|tracking|parcel|booking|confirmation|account|id|sku|customer|client|member|membership|loyalty|po|policy|contract|serial|batch|lot|voucher|coupon|promo|claim|return|rma|transaction|receipt|shipment|consignment|waybill|reservation|subscription';
/** ... also "order is 2023-000123"; "account is" is left out ("the number on my account is …"). */
const STRONG_ID_WORDS = 'order|invoice|ticket|case|booking|reference|ref|tracking|confirmation|po|batch|lot';
const ID_NUMBER_WORD = String.raw`(?:no\.?|nr\.?|number|num|id|code)`;
const ID_BEFORE = new RegExp(
  String.raw`(?:\b(?:${ID_WORDS})\s*${ID_NUMBER_WORD}?\s*[:#=]?|\b(?:${ID_WORDS})\s*${ID_NUMBER_WORD}\s+(?:is|was)|\b(?:${STRONG_ID_WORDS})\s+(?:is|was)|#)\s*$`,
  'i',
);
/** A phone word before a number that could be something else (ZIP+4, a range) makes it a phone. */
const PHONE_WORD_BEFORE = /\b(?:phone|tel|telephone|telefon|mobile|cell|call|ring|text|sms|whatsapp|fax)\b/i;
const CURRENCY_BEFORE = /[$€£¥]\s?$/;
const CURRENCY_AFTER = /^\s?(?:[$€£¥%]|(?:eur|euros?|usd|gbp|dollars?|pounds?|kr|chf)\b)/i;

/** Phone rules on the candidate itself: see docs/text-preparation.md. */
function phoneShapeValid(m: string): boolean {
  const digits = m.replace(/\D/g, '');
  const international = m.startsWith('+') || /^\(?00/.test(m);
  const nationalMax = /^\(?0/.test(m) ? 12 : 11;
  if (digits.length < 7 || digits.length > (international ? 15 : nationalMax)) return false;
  const separated = /[ .\-()/]/.test(m);
  // A bare run of 7-9 digits is more often an order or customer number than a phone.
  if (!separated && !international && digits.length < 10) return false;
  // A bare 10-digit run starting with 1 is a Unix timestamp (2001-2033); no national number looks so.
  if (!separated && !international && digits.length === 10 && digits.startsWith('1')) return false;
  if (DATE_PATTERNS.some((re) => re.test(m)) || YEARS_ONLY.test(m) || THOUSANDS.test(m)) return false;
  if (THOUSANDS_SPACED.test(m) && digits.length <= 8) return false;
  // Dots only: phones like 555.123.4567 have 3+ groups of 2+ digits; "3.14159265" is a decimal,
  // "119.0.6045.159" a version.
  if (m.includes('.') && /^[\d.]+$/.test(m)) {
    const groups = m.split('.');
    if (groups.length < 3 || groups.some((g) => g.length < 2)) return false;
  }
  return true;
}

/** Shapes that are a phone only when a phone word comes before them. */
function phoneNeedsContext(m: string): boolean {
  if (ZIP_PLUS_4.test(m)) return true;
  const range = ROUND_RANGE.exec(m);
  return range !== null && Number(range[1]) < Number(range[2]);
}

/** Drops an unbalanced leading "(" and a trailing lone digit ("555-123-4567 2 times"). */
function trimPhone(m: string): { lead: string; core: string; tail: string } {
  let lead = '';
  let core = m;
  if (core.startsWith('(') && !core.includes(')')) {
    lead = '(';
    core = core.slice(1);
  }
  const lone = / \d$/.exec(core);
  const tail = lone ? lone[0] : '';
  if (lone) core = core.slice(0, -tail.length);
  return { lead, core, tail };
}

export function phonePass(): Pass {
  return {
    key: 'phone',
    label: 'PHONE',
    maybe: hasDigit,
    run: (text, hit) =>
      text.replace(PHONE_CANDIDATE, (m, offset: number) => {
        const { lead, core, tail } = trimPhone(m);
        if (!phoneShapeValid(core.replace(DASHES, '-'))) return m;
        const before = text.slice(Math.max(0, offset - 40), offset);
        const after = text.slice(offset + m.length, offset + m.length + 10);
        if (ID_BEFORE.test(before) || CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after)) return m;
        if (phoneNeedsContext(core.replace(DASHES, '-')) && !PHONE_WORD_BEFORE.test(before)) return m;
        return `${lead}${hit(core, offset + lead.length, text)}${tail}`;
      }),
  };
}
