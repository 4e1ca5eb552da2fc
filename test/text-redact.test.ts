import { describe, expect, it } from 'vitest';
import { RedactionConfig } from '../src/config/pipeline.js';
import { createRedactor, ibanChecksumValid, luhnValid, stableHash } from '../src/text/redact.js';
import { UserError } from '../src/util/errors.js';
import { evaluatePii, PII_TYPES, readPiiSet, scorePii } from '../scripts/eval/pii.js';

const redact = createRedactor(RedactionConfig.parse({}));
const withUrl = createRedactor(RedactionConfig.parse({ types: ['email', 'phone', 'card', 'iban', 'ip', 'url'] }));
const r = (text: string): string => redact(text).text;

describe('email', () => {
  it('redacts plain addresses, plus-addresses and addresses in angle brackets', () => {
    expect(r('Mail ann.lee+kk@example.co.uk or <bob@kestrel-kitchen.com>.')).toBe('Mail [EMAIL] or <[EMAIL]>.');
    expect(redact('a@b.io and c@d.fr').counts).toEqual({ email: 2 });
  });
  it('leaves @mentions and addresses without a top-level domain alone', () => {
    expect(r('thanks @KestrelKitchen, see user@localhost')).toBe('thanks @KestrelKitchen, see user@localhost');
  });
  it("keeps an apostrophe of the local part inside the match, and leaves asset names alone", () => {
    expect(r("mail sam.o'neill@example.com or 'jdoe@example.com'")).toBe("mail [EMAIL] or '[EMAIL]'");
    expect(r('the logo@2x.png and box@front-door.jpeg files')).toBe('the logo@2x.png and box@front-door.jpeg files');
  });
});

describe('phone', () => {
  it.each([
    ['+44 20 7946 0958'],
    ['(555) 123-4567'],
    ['555-123-4567'],
    ['07700 900123'],
    ['+33 6 12 34 56 78'],
    ['+1 (555) 123-4567'],
    ['555.123.4567'],
    ['+4915112345678'],
    ['0612345678'],
    ['+44 (0)20 7946 0958'],
    ['00 44 20 7946 0958'],
    ['1-800-555-0199'],
    ['555–123–4567'],
    ['030/1234567'],
    ['+49 30 123456'],
    ['06 12 34 56 78'],
    ['+31 6 12345678'],
    ['612 345 678'],
  ])('redacts %s', (phone) => {
    const out = redact(`call me on ${phone} today`);
    expect(out.text).toBe('call me on [PHONE] today');
    expect(out.counts).toEqual({ phone: 1 });
  });

  it.each([
    ['a date', 'Delivered 2026-05-03 instead of 2026-05-01.'],
    ['a date with en dashes', 'Delivered 2026–05–03.'],
    ['a dotted date', 'Box arrived 03.05.2026, late.'],
    ['a date and time', 'at 2026-05-03 10:30:00 the courier came'],
    ['a time', 'between 10:30 and 12:45'],
    ['years', 'customer since 2019, 2024 2025 2026, and 1999-2005'],
    ['an order number with #', 'order #123456 and #12345678'],
    ['an order number with a keyword', 'order 5551234567, ticket no. 07700900123'],
    ['a bare 8-digit number', 'reference 12345678 was lost'],
    ['prices', 'paid $1,299.00 then €1 234 567 and 1 234 567 EUR'],
    ['versions', 'since app v5.2.1 and version 5.2.1.4'],
    ['decimals and thousands', 'pi is 3.14159265 and 1.234.567 people'],
    ['a Unix timestamp', 'created 1788566911 by the system'],
    ['a date in a word', 'invoice INV2026050312 issued'],
    ['slashed dates and 24/7', 'from 01/12/2023 to 05/2024, open 24/7'],
    ['a ZIP+4 code', 'Beverly Hills, CA 90210-4321'],
    ['a round range', 'the 1200-1500 calories plan, 800-1000 kcal'],
    ['thousands with spaces', 'trusted by 2 500 000 customers'],
    ['a dotted version with a 1-digit part', 'Chrome 119.0.6045.159 on Windows'],
    ['an id after "is"', 'My order is 2023-000123 and my customer number is 5551234567'],
    ['an id after other id words', 'membership no. 1234 5678, PO 4500012345, batch 231119-04, confirmation code is 8492 1177'],
  ])('does not redact %s', (_what, text) => {
    expect(redact(text)).toEqual({ text, counts: {} });
  });

  it('redacts an ambiguous shape (ZIP+4 or a range) after a phone word', () => {
    expect(r('call 02161-5432 please')).toBe('call [PHONE] please');
    expect(r('my ZIP is 02161-5432')).toBe('my ZIP is 02161-5432');
  });

  it('keeps a trailing lone digit and unbalanced parenthesis outside the placeholder', () => {
    expect(r('called 555-123-4567 2 times')).toBe('called [PHONE] 2 times');
    expect(r('(call 555-123-4567)')).toBe('(call [PHONE])');
  });
});

describe('card', () => {
  it('redacts Luhn-valid numbers with spaces or dashes', () => {
    expect(r('card 4111 1111 1111 1111 exp 12/27')).toBe('card [CARD] exp 12/27');
    expect(r('card 5500-0000-0000-0004.')).toBe('card [CARD].');
    expect(r('amex 378282246310005')).toBe('amex [CARD]');
  });
  it('does not redact a Luhn-invalid 16-digit number, nor eat it as a phone', () => {
    const text = 'ref 4111 1111 1111 1112 was charged';
    expect(redact(text)).toEqual({ text, counts: {} });
  });
  it('redacts the card and keeps a following year', () => {
    expect(r('4111 1111 1111 1111 2027')).toBe('[CARD] 2027');
  });
  it('runs before phone so a card is not half-eaten as a phone', () => {
    expect(redact('pay 4111 1111 1111 1111 or call 555-123-4567').counts).toEqual({ card: 1, phone: 1 });
  });
  it('only redacts numbers in a card network range for their length', () => {
    // An IMEI is 15 digits and passes Luhn by design, but 15-digit cards are Amex (34, 37).
    expect(r('IMEI 356938035643809')).toBe('IMEI 356938035643809');
    expect(r('diners 3056 930902 5904, visa 4012888888881881')).toBe('diners [CARD], visa [CARD]');
  });
  it('does not cut a longer run of groups down to a card, nor take the tail of a mistyped IBAN', () => {
    for (const text of ['tracking 9400 1000 0000 0000 0000 00', 'USPS 4111 1111 1111 1111 0000 00', 'DE88 3704 0044 0532 0130 00 bounced']) {
      expect(redact(text), text).toEqual({ text, counts: {} });
    }
  });
  it('implements Luhn', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });
});

describe('iban', () => {
  it('redacts valid IBANs, grouped or compact', () => {
    expect(r('IBAN GB82 WEST 1234 5698 7654 32 please')).toBe('IBAN [IBAN] please');
    expect(r('to DE89370400440532013000.')).toBe('to [IBAN].');
    expect(r('FR14 2004 1010 0505 0001 3M02 606 and NL91ABNA0417164300')).toBe('[IBAN] and [IBAN]');
  });
  it('does not redact an IBAN with a wrong check digit', () => {
    const text = 'IBAN GB83 WEST 1234 5698 7654 32';
    expect(redact(text)).toEqual({ text, counts: {} });
  });
  it('finds a second IBAN right after the first', () => {
    expect(redact('GB82 WEST 1234 5698 7654 32 and DE89 3704 0044 0532 0130 00').counts).toEqual({ iban: 2 });
  });
  it('implements mod-97', () => {
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true);
    expect(ibanChecksumValid('GB82WEST12345698765433')).toBe(false);
  });
});

describe('ip', () => {
  it('redacts IPv4 and IPv6 addresses', () => {
    expect(r('from 192.168.1.20, then 2001:db8::ff00:42:8329 and fe80::1.')).toBe('from [IP], then [IP] and [IP].');
  });
  it('keeps an embedded IPv4 tail in the IPv6 match and leaves firmware versions alone', () => {
    expect(redact('flagged ::ffff:192.0.2.128 as odd').text).toBe('flagged [IP] as odd');
    expect(r('Firmware 1.0.2.13 and app 10.0.0.1')).toBe('Firmware 1.0.2.13 and app 10.0.0.1');
  });
  it('rejects octets over 255 and times', () => {
    const text = 'bad 999.1.1.1 at 10:30:00';
    expect(redact(text)).toEqual({ text, counts: {} });
  });
});

describe('url', () => {
  it('is only redacted when enabled, keeping sentence punctuation', () => {
    const text = 'see https://kestrel.example/help?id=42. Or www.kestrel.example!';
    expect(r(text)).toBe(text);
    expect(withUrl(text).text).toBe('see [URL]. Or [URL]!');
  });
});

describe('custom rules and config', () => {
  it('applies custom rules with their name as the placeholder', () => {
    const red = createRedactor(RedactionConfig.parse({ custom: [{ name: 'ORDER_ID', pattern: 'KK-\\d{6}', flags: 'i' }] }));
    expect(red('order kk-123456 late')).toEqual({ text: 'order [ORDER_ID] late', counts: { ORDER_ID: 1 } });
  });
  it('throws a UserError naming the rule for an invalid pattern', () => {
    const cfg = RedactionConfig.parse({ custom: [{ name: 'BROKEN', pattern: '(unclosed' }] });
    expect(() => createRedactor(cfg)).toThrow(UserError);
    expect(() => createRedactor(cfg)).toThrow(/BROKEN/);
  });
  it('ignores empty matches of a custom rule', () => {
    const red = createRedactor(RedactionConfig.parse({ custom: [{ name: 'X', pattern: 'z*' }] }));
    expect(red('abc zz')).toEqual({ text: 'abc [X]', counts: { X: 1 } });
  });
  it('returns the text unchanged when disabled', () => {
    const off = createRedactor(RedactionConfig.parse({ enabled: false }));
    expect(off('ann@example.com 555-123-4567')).toEqual({ text: 'ann@example.com 555-123-4567', counts: {} });
  });
  it('only applies the configured types', () => {
    const emailOnly = createRedactor(RedactionConfig.parse({ types: ['email'] }));
    expect(emailOnly('ann@example.com 555-123-4567').text).toBe('[EMAIL] 555-123-4567');
  });
});

describe('stable placeholders', () => {
  it('carry the first 16 hex digits of the sha256 of the exact match', () => {
    expect(redact('id jane@x.com', { stable: true })).toEqual({ text: `id [EMAIL:${stableHash('jane@x.com')}]`, counts: { email: 1 } });
    expect(stableHash('jane@x.com')).toMatch(/^[0-9a-f]{16}$/);
  });
  it('give the same placeholder for the same value and different ones for different values', () => {
    const a = redact('jane@x.com', { stable: true }).text;
    expect(redact('jane@x.com', { stable: true }).text).toBe(a);
    expect(redact('john@x.com', { stable: true }).text).not.toBe(a);
    expect(redact('call +44 20 7946 0958', { stable: true }).text).toMatch(/^call \[PHONE:[0-9a-f]{16}\]$/);
  });
  it('are never matched again by a later pass', () => {
    // A hash made only of digits could pass for a card or phone number; it stays as it is.
    const text = '[EMAIL:4111111111111111] and [PHONE:5551234567000000]';
    expect(redact(text, { stable: true })).toEqual({ text, counts: {} });
  });
  it('report every match to onMatch with its type and exact text', () => {
    const seen: string[] = [];
    redact('(call 555-123-4567) or ann@x.io', { onMatch: (k, m) => seen.push(`${k}:${m}`) });
    expect(seen).toEqual(['email:ann@x.io', 'phone:555-123-4567']);
  });
});

describe('quality on the labelled set (test/data/pii-labelled.jsonl)', () => {
  it('is big enough and covers every type and many near-misses', () => {
    const items = readPiiSet();
    expect(items.length).toBeGreaterThanOrEqual(200);
    expect(items.filter((i) => i.pii.length === 0).length).toBeGreaterThanOrEqual(100);
    for (const t of PII_TYPES) expect(items.filter((i) => i.pii.some((s) => s.type === t)).length, t).toBeGreaterThanOrEqual(15);
  });
  it('scores spans by type and exact text: a span cut short is a false alarm and a miss', () => {
    const items = [
      { text: 'a +44 20 7946 0958', pii: [{ type: 'phone' as const, text: '+44 20 7946 0958' }] },
      { text: 'b x@y.io', pii: [{ type: 'email' as const, text: 'x@y.io' }] },
      { text: 'c 2023-11-19', pii: [] },
    ];
    const s = scorePii(items, [[{ type: 'phone', text: '20 7946 0958' }], [{ type: 'email', text: 'x@y.io' }], [{ type: 'phone', text: '2023-11-19' }]]);
    expect(s).toMatchObject({ goldSpans: 2, predictedSpans: 3, recall: 0.5, precision: 1 / 3 });
    expect(s.misses.map((m) => m.item)).toEqual([1]);
    expect(s.falseAlarms.map((m) => m.item)).toEqual([1, 3]);
  });
  it('reaches recall >= 0.99 and precision >= 0.98 at the span level', () => {
    const s = evaluatePii();
    expect(s.recall).toBeGreaterThanOrEqual(0.99);
    expect(s.precision).toBeGreaterThanOrEqual(0.98);
  });
});

describe('regular expressions', () => {
  // A guard against catastrophic backtracking (ReDoS): linear patterns take milliseconds here, an
  // exponential one would take minutes, so the generous bound is not a speed measurement.
  // Throughput is measured by `npm run bench` (scripts/bench/text.ts).
  it('stays linear on pathological inputs (no catastrophic backtracking)', () => {
    const inputs = ['a'.repeat(20_000) + '@', "a'".repeat(10_000) + '@', '030/'.repeat(5_000), '1 '.repeat(10_000), '1.'.repeat(10_000), 'GB82 '.repeat(4_000), '1a:'.repeat(7_000), `http://${'a'.repeat(20_000)}`];
    const t0 = performance.now();
    for (const input of inputs) withUrl(input);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
