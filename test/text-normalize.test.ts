import { describe, expect, it } from 'vitest';
import { htmlToText } from '../src/text/html.js';
import { looksLikeHtml, normalizeText } from '../src/text/normalize.js';

describe('normalizeText', () => {
  it('composes to NFC but keeps compatibility characters such as ½ (no NFKC)', () => {
    const decomposed = 'cafe\u0301 ½ portion, x²';
    const out = normalizeText(decomposed);
    expect(out).toBe('caf\u00e9 ½ portion, x²');
    expect(out.length).toBe(decomposed.length - 1);
  });

  it('unifies line endings and collapses blank lines', () => {
    expect(normalizeText('a\r\nb\rc\n\n\n\n\nd')).toBe('a\nb\nc\n\nd');
  });

  it('removes control, zero-width and BOM characters but keeps newlines', () => {
    expect(normalizeText('\uFEFFhel\u200Blo\u0007 wor\u00ADld\u0000\nnext')).toBe('hello world\nnext');
  });

  it('turns tabs and odd spaces into single spaces and trims lines', () => {
    expect(normalizeText('  late\u00A0box\t\tagain   \n\u3000 cold\u202Fbox  ')).toBe('late box again\ncold box');
  });

  it('converts HTML first when asked', () => {
    expect(normalizeText('<p>Box &amp; bag</p><p>were&nbsp;late</p>', { html: true })).toBe('Box & bag\n\nwere late');
  });

  it('leaves HTML-looking text alone when not asked', () => {
    expect(normalizeText('<b>hi</b>')).toBe('<b>hi</b>');
  });

  it('returns an empty string for whitespace only', () => {
    expect(normalizeText(' \n\t\u200B \r\n')).toBe('');
  });
});

describe('htmlToText', () => {
  const html =
    '<html><body><h2>Order problem</h2><p>My box was <b>late</b> &amp; warm. See <a href="https://x.example/track?id=1">tracking page</a>' +
    '<img src="a.png" alt="photo"></p><ul><li>first</li><li>second</li></ul><p>Thanks&nbsp;&mdash; Ann<br>Kestrel fan</p></body></html>';
  const text = htmlToText(html);

  it('keeps link text but not the URL, and drops images', () => {
    expect(text).toContain('See tracking page');
    expect(text).not.toContain('x.example');
    expect(text).not.toContain('photo');
    expect(text).not.toContain('a.png');
  });

  it('decodes entities, keeps heading case, lists as lines, paragraphs separated by blank lines', () => {
    expect(normalizeText(text)).toBe('Order problem\n\nMy box was late & warm. See tracking page\n\n- first\n- second\n\nThanks — Ann\nKestrel fan');
  });

  it('drops head, style, script and comments, and marks blockquotes with >', () => {
    const mail =
      '<html><head><title>Re: order</title><style>p{color:red}</style><script>var x=1;</script></head><body>' +
      '<!--[if mso]><p>mso only</p><![endif]--><p class=MsoNormal>Hello<o:p></o:p></p><blockquote>quoted reply</blockquote></body></html>';
    expect(normalizeText(mail, { html: true })).toBe('Hello\n\n> quoted reply');
  });

  it('does not wrap long lines', () => {
    const long = 'word '.repeat(60).trim();
    expect(htmlToText(`<p>${long}</p>`).trim()).toBe(long);
  });
});

describe('looksLikeHtml', () => {
  it.each(['<p>hi</p>', 'line<br>next', '<div class="x">a</div>', 'AT&amp;T', 'caf&#233;', '<BR/>'])('true for %s', (t) => {
    expect(looksLikeHtml(t)).toBe(true);
  });
  it.each(['I <3 the recipes', 'mail <ann@example.com>', 'Tom & Jerry', 'a < b > c', 'x&y; z'])('false for %s', (t) => {
    expect(looksLikeHtml(t)).toBe(false);
  });
});
