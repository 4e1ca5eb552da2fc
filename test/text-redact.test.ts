import { describe, expect, it } from 'vitest';
import { RedactionConfig } from '../src/config/pipeline.js';
import { createRedactor, ibanChecksumValid, luhnValid } from '../src/text/redact.js';
import { UserError } from '../src/util/errors.js';

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
  ])('does not redact %s', (_what, text) => {
    expect(redact(text)).toEqual({ text, counts: {} });
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

describe('regular expressions', () => {
  // A guard against catastrophic backtracking (ReDoS): linear patterns take milliseconds here, an
  // exponential one would take minutes, so the generous bound is not a speed measurement.
  // Throughput is measured by `npm run bench` (scripts/bench/text.ts).
  it('stays linear on pathological inputs (no catastrophic backtracking)', () => {
    const inputs = ['a'.repeat(20_000) + '@', '1 '.repeat(10_000), '1.'.repeat(10_000), 'GB82 '.repeat(4_000), '1a:'.repeat(7_000), `http://${'a'.repeat(20_000)}`];
    const t0 = performance.now();
    for (const input of inputs) withUrl(input);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
