/**
 * PII redaction: replaces e-mail addresses, phone numbers, payment card numbers, IBANs, IP addresses,
 * optionally URLs, and user-defined patterns with typed placeholders such as `[EMAIL]`.
 *
 * Each built-in type is a cheap candidate regex plus a validator (Luhn for cards, mod-97 for IBANs,
 * octet ranges for IPv4, `net.isIPv6`, digit-count and context rules for phones), so that numbers
 * which only look like PII (dates, order numbers, prices, versions) stay readable. Every candidate
 * regex starts with a look-behind that forbids starting inside a token; this keeps matching linear
 * on long tokens.
 *
 * Order matters: custom rules first (they are the most specific to the user's data), then URL,
 * e-mail, IBAN and card before IP and phone, so that a card number is never half-eaten as a phone.
 */
import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { UserError } from '../util/errors.js';
import { hasDigit, type Hit, type Pass } from './redact-pass.js';
import { phonePass } from './redact-phone.js';

export type RedactResult = { text: string; counts: Record<string, number> };

export interface RedactOptions {
  /**
   * Placeholders carry a stable hash of what they replace, `[EMAIL:3f2a9c1b0d4e5f67]`: the same
   * value always gives the same placeholder, different values different ones. For identifiers and
   * field values (ids, attributes, meta), so that dedup and grouping still work after redaction.
   */
  stable?: boolean;
  /** Called with the type key and the exact matched text of every redaction (for evaluation). */
  onMatch?: (key: string, match: string) => void;
}
export type RedactFn = (text: string, options?: RedactOptions) => RedactResult;

/** Hex digits of the sha256 in a stable placeholder: 64 bits, collision-free for any real volume. */
export const STABLE_HASH_HEX = 16;

/** The stable hash of one redacted value: sha256 of the exact matched text, first 16 hex digits. */
export function stableHash(match: string): string {
  return createHash('sha256').update(match, 'utf8').digest('hex').slice(0, STABLE_HASH_HEX);
}

/** A later pass must not match inside the hash of an earlier pass's `[TYPE:hash]` placeholder. */
const PLACEHOLDER_OPEN = /\[[A-Z][A-Z0-9_]*:[0-9a-f]*$/;
function insidePlaceholder(text: string, index: number): boolean {
  return text[index - 1] !== undefined && PLACEHOLDER_OPEN.test(text.slice(Math.max(0, index - 80), index));
}

const always = (): boolean => true;

/**
 * Like `String.replace` with a global regex, but `accept` says how much of the candidate is PII
 * (0 = none). The rest of the candidate is scanned again, so a candidate that ran on into the next
 * words ("GB82 WEST ... 32 and DE89 ...") does not hide a second match.
 */
function scanReplace(text: string, re: RegExp, hit: Hit, accept: (candidate: string, index: number) => number): string {
  let out = '';
  let last = 0;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const len = accept(m[0], m.index);
    if (len > 0) {
      out += text.slice(last, m.index) + hit(m[0].slice(0, len), m.index, text);
      last = m.index + len;
    }
    re.lastIndex = len > 0 ? last : m.index + 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

// ---------------------------------------------------------------- e-mail and URL

/**
 * The local part may hold apostrophes between other characters (`sam.o'neill@…`). A match never
 * starts right after such an inner apostrophe: that keeps `a'a'a'…` linear (one start, not one per
 * apostrophe); an opening quote after a space (`'jdoe@example.com'`) is not inner.
 */
const EMAIL =
  /(?<![\p{L}\p{N}._%+-]|[\p{L}\p{N}._%+-]')[\p{L}\p{N}._%+-]+(?:'[\p{L}\p{N}._%+-]+)*@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const EMAIL_TLD = /\.\p{L}{2,}$/u;
/** `logo@2x.png`, `icon@3x.webp`: asset names, not addresses (none of these is a top-level domain). */
const FILE_EXTENSION = /\.(?:png|jpe?g|gif|svg|webp|bmp|ico|tiff?|heic|pdf|txt|csv|json|xml|html?|css|js)$/i;

function emailPass(): Pass {
  return {
    key: 'email',
    label: 'EMAIL',
    maybe: (t) => t.includes('@'),
    run: (text, hit) =>
      text.replace(EMAIL, (m, offset: number) => (EMAIL_TLD.test(m) && !FILE_EXTENSION.test(m) ? hit(m, offset, text) : m)),
  };
}

const URL_RE = /(?<![\p{L}\p{N}@._-])(?:https?:\/\/|www\.)[^\s<>"'`]+/giu;
/** Sentence punctuation right after a URL belongs to the sentence, not the URL. */
const URL_TRAILING = /[.,;:!?)\]}'"]+$/;

function urlPass(): Pass {
  return {
    key: 'url',
    label: 'URL',
    maybe: (t) => t.includes('://') || t.toLowerCase().includes('www.'),
    run: (text, hit) =>
      text.replace(URL_RE, (m, offset: number) => {
        const trail = URL_TRAILING.exec(m)?.[0] ?? '';
        const url = m.slice(0, m.length - trail.length);
        if (url.length < 8) return m;
        return `${hit(url, offset, text)}${trail}`;
      }),
  };
}

// ---------------------------------------------------------------- IBAN

/** IBAN length per country (ISO 13616 registry); unknown country codes are not redacted. */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Country code, check digits, then 11+ alphanumerics optionally grouped by single spaces. */
const IBAN_CANDIDATE = /(?<![\p{L}\p{N}_])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}/giu;
const ALNUM = /[\p{L}\p{N}_]/u;

/** ISO 7064 mod 97-10 over the rearranged IBAN, computed in chunks to stay within safe integers. */
export function ibanChecksumValid(compact: string): boolean {
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 ? code - 55 : code - 48; // A=10 .. Z=35, digits as is
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/**
 * The candidate may run on into the next words ("DE89 3704 ... 00 ABC"); the country's fixed length
 * tells where the IBAN ends. Returns the length of the IBAN within `m`, or 0.
 */
function ibanLength(m: string): number {
  const upper = m.toUpperCase();
  const expected = IBAN_LENGTHS[upper.slice(0, 2)];
  if (!expected) return 0;
  let compact = '';
  let i = 0;
  for (; i < upper.length && compact.length < expected; i++) {
    if (upper[i] !== ' ') compact += upper[i];
  }
  if (compact.length < expected || !ibanChecksumValid(compact)) return 0;
  return i;
}

function ibanPass(): Pass {
  return {
    key: 'iban',
    label: 'IBAN',
    maybe: hasDigit,
    run: (text, hit) =>
      scanReplace(text, IBAN_CANDIDATE, hit, (m, index) => {
        const len = ibanLength(m);
        const next = text[index + len];
        // The IBAN must end at a token boundary, not inside a longer code.
        return len && (next === undefined || !ALNUM.test(next)) ? len : 0;
      }),
  };
}

// ---------------------------------------------------------------- payment cards

const CARD_CANDIDATE = /(?<![\p{L}\p{N}_+\-.,/])\d(?:[ -]?\d){12,22}(?![\p{L}\p{N}_])/gu;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/**
 * Card networks' number ranges by length (ISO/IEC 7812 issuer prefixes): 13 digits only old Visa
 * (4), 14 Diners (3), 15 Amex (34, 37), 16-19 the networks starting with 2-6 (Mastercard, Visa,
 * Discover, JCB, UnionPay, Maestro). IMEIs (15 digits, Luhn by design), tracking numbers (9...),
 * EAN barcodes and timestamps mostly fall outside.
 */
function cardRangeValid(digits: string): boolean {
  switch (digits.length) {
    case 13:
      return digits[0] === '4';
    case 14:
      return digits[0] === '3';
    case 15:
      return digits.startsWith('34') || digits.startsWith('37');
    default:
      return digits.length >= 16 && digits.length <= 19 && digits[0]! >= '2' && digits[0]! <= '6';
  }
}

function cardValid(digits: string): boolean {
  return cardRangeValid(digits) && luhnValid(digits);
}

/**
 * Length of the card number in the candidate, or 0: the whole candidate, or all of it but a last
 * group of at most 4 digits ("4111 1111 1111 1111 2027" redacts the card and keeps the year).
 * Longer run-ons (a 22-digit tracking number grouped by 4) are not cut down to a card.
 */
function cardLength(m: string): number {
  let digits = '';
  let lastSep = -1;
  let digitsBeforeLastSep = 0;
  for (let i = 0; i < m.length; i++) {
    const c = m[i]!;
    if (c === ' ' || c === '-') {
      lastSep = i;
      digitsBeforeLastSep = digits.length;
    } else digits += c;
  }
  if (cardValid(digits)) return m.length;
  if (lastSep > 0 && digits.length - digitsBeforeLastSep <= 4 && cardValid(digits.slice(0, digitsBeforeLastSep))) return lastSep;
  return 0;
}

/** "DE88 3704 0044 …" with a wrong check digit is a mistyped IBAN, not a card. */
const IBAN_HEAD_BEFORE = /[A-Z]{2}\d{2} ?$/i;

function cardPass(): Pass {
  return {
    key: 'card',
    label: 'CARD',
    maybe: hasDigit,
    run: (text, hit) =>
      scanReplace(text, CARD_CANDIDATE, hit, (m, index) => (IBAN_HEAD_BEFORE.test(text.slice(Math.max(0, index - 5), index)) ? 0 : cardLength(m))),
  };
}

// ---------------------------------------------------------------- IP addresses

const IPV4 = /(?<![\p{L}\p{N}_.])(?:\d{1,3}\.){3}\d{1,3}(?![\p{L}\p{N}_]|\.\d)/gu;
/** An embedded IPv4 tail (`::ffff:192.0.2.128`) is tried before a hex group, so it is not cut at "192". */
const IPV6 =
  /(?<![\p{L}\p{N}_:.])(?:[0-9a-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{1,4})?(?![\p{L}\p{N}_:]|\.\d)/giu;

/** "version 5.2.1.4", "firmware 1.0.2.13": version numbers, not addresses. */
const VERSION_BEFORE =
  /\b(?:version|ver\.?|v|build|release|firmware|fw|software|update|patch|app|ios|android|windows|macos|chrome|firefox|safari|edge)\s*$/i;

function ipv4Valid(m: string): boolean {
  return m.split('.').every((o) => Number(o) <= 255 && (o.length === 1 || o[0] !== '0'));
}

function ipPass(): Pass {
  return {
    key: 'ip',
    label: 'IP',
    maybe: (t) => t.includes('.') || t.includes(':'),
    run: (text, hit) => {
      const v6 = text.includes(':')
        ? text.replace(IPV6, (m, offset: number) =>
            // "::" alone or times like 10:30:00 are not addresses; isIPv6 does the full grammar.
            /\d/.test(m) && isIPv6(m) ? hit(m, offset, text) : m,
          )
        : text;
      return v6.replace(IPV4, (m, offset: number) => {
        if (!ipv4Valid(m) || VERSION_BEFORE.test(v6.slice(Math.max(0, offset - 16), offset))) return m;
        return hit(m, offset, v6);
      });
    },
  };
}

// ---------------------------------------------------------------- custom rules

/** A researcher's own pattern, replaced by [NAME]. */
interface CustomRule {
  name: string;
  pattern: string;
  flags: string;
}

/** What a redactor is made from: a validated `redaction:` block (config/pipeline.ts RedactionConfig) is one. */
export interface RedactorOptions {
  enabled: boolean;
  types: readonly string[];
  custom: readonly CustomRule[];
}

function customPass(rule: CustomRule): Pass {
  let re: RegExp;
  try {
    re = new RegExp(rule.pattern, rule.flags.includes('g') ? rule.flags : `${rule.flags}g`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new UserError(`redaction rule "${rule.name}": the pattern /${rule.pattern}/${rule.flags} is not a valid regular expression (${why})`);
  }
  return {
    key: rule.name,
    label: rule.name,
    maybe: always,
    run: (text, hit) =>
      text.replace(re, (m, ...rest: unknown[]) => {
        // An empty match (e.g. /x*/) would sprinkle placeholders between every character.
        if (!m) return m;
        // The offset is the first number after the capture groups (named groups add an object).
        const offset = rest.find((a): a is number => typeof a === 'number') ?? 0;
        return hit(m, offset, text);
      }),
  };
}

const BUILT_IN: Record<string, () => Pass> = {
  url: urlPass,
  email: emailPass,
  iban: ibanPass,
  card: cardPass,
  ip: ipPass,
  phone: phonePass,
};
/** Application order of the built-in types (independent of their order in the config). */
const BUILT_IN_ORDER = ['url', 'email', 'iban', 'card', 'ip', 'phone'] as const;

/**
 * Builds a redactor from the (validated) redaction config. Patterns are compiled once here; an
 * invalid custom pattern throws a `UserError` naming the rule. Counts are keyed by type
 * (`email`, `phone`, ...) and by custom rule name; only non-zero counts are present.
 */
export function createRedactor(cfg: RedactorOptions): RedactFn {
  if (!cfg.enabled) return (text) => ({ text, counts: {} });
  const enabled = new Set<string>(cfg.types);
  const passes: Pass[] = [
    ...cfg.custom.map(customPass),
    ...BUILT_IN_ORDER.filter((t) => enabled.has(t)).map((t) => BUILT_IN[t]!()),
  ];
  return (input, options = {}) => {
    const counts: Record<string, number> = {};
    let text = input;
    for (const pass of passes) {
      if (!pass.maybe(text)) continue;
      text = pass.run(text, (match, index, current) => {
        if (options.stable && insidePlaceholder(current, index)) return match;
        counts[pass.key] = (counts[pass.key] ?? 0) + 1;
        options.onMatch?.(pass.key, match);
        return options.stable ? `[${pass.label}:${stableHash(match)}]` : `[${pass.label}]`;
      });
    }
    return { text, counts };
  };
}
