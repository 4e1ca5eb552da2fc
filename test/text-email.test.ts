import { describe, expect, it } from 'vitest';
import { cleanEmailBody } from '../src/text/email.js';

const own = 'My box arrived warm again and the chicken smelled off.\nPlease refund this week.';

describe('cleanEmailBody: quoted replies', () => {
  it('drops ">" quoted lines, also interleaved ones', () => {
    const text = `Answers inline.\n> Did the box arrive?\nNo, it never came.\n> Was it damaged?\n>> earlier stuff\nIt was soaked.`;
    expect(cleanEmailBody(text)).toBe('Answers inline.\nNo, it never came.\nIt was soaked.');
  });

  it('cuts at a Gmail "On ... wrote:" header and everything after it', () => {
    const text = `${own}\n\nOn Mon, 3 Jun 2026 at 10:02, Kestrel Support <support@kestrel.example> wrote:\n> Hi Anna,\n> thanks for reaching out.\nMore quoted text without a marker`;
    expect(cleanEmailBody(text)).toBe(own);
  });

  it('cuts at a "wrote:" header wrapped over two lines', () => {
    const text = `${own}\n\nOn Tue, Jun 4, 2026 at 9:15 AM Kestrel Kitchen Support <\nsupport@kestrel.example> wrote:\n\nHello!`;
    expect(cleanEmailBody(text)).toBe(own);
  });

  it('cuts at Apple Mail "On 3 Jun 2026, at 10:02, X wrote:"', () => {
    expect(cleanEmailBody(`${own}\n\nOn 3 Jun 2026, at 10:02, Kestrel <help@kestrel.example> wrote:\n\nOld text`)).toBe(own);
  });

  it('cuts at "-----Original Message-----"', () => {
    expect(cleanEmailBody(`${own}\n\n-----Original Message-----\nFrom: Kestrel\nAnything`)).toBe(own);
  });

  it('cuts at an Outlook From/Sent/To/Subject block, with or without the underscore line', () => {
    const block = 'From: Kestrel Kitchen <support@kestrel.example>\nSent: Monday, June 3, 2026 10:02 AM\nTo: Anna <anna@mail.example>\nSubject: RE: Late box';
    expect(cleanEmailBody(`${own}\n\n${block}\n\nHi Anna, sorry`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\n________________________________\n${block}\n\nHi Anna`)).toBe(own);
    expect(cleanEmailBody(`${own}\n*From:* Kestrel\n*Sent:* Monday\n*To:* Anna\n\nHi`)).toBe(own);
  });

  it('cuts at separators and header blocks that HTML flattening ran onto one line', () => {
    expect(cleanEmailBody(`${own}\n-----Original Message----- From: Kestrel <s@k.example> Sent: Wed, 28 Oct 2026 21:04`)).toBe(own);
    expect(cleanEmailBody(`${own}\nFrom: Kestrel <s@k.example> Sent: Monday, June 3 To: Anna Subject: RE: box`)).toBe(own);
  });

  it('does not cut at a lone "From:" line that is part of the message', () => {
    const text = 'From: the app, I cannot edit my menu.\nIt crashes every time since v5.';
    expect(cleanEmailBody(text)).toBe(text);
  });

  it('cuts at French, German and Spanish reply headers', () => {
    expect(cleanEmailBody(`Ma boîte est arrivée abîmée.\n\nLe lun. 3 juin 2026 à 10:02, Kestrel <s@k.example> a écrit :\n> Bonjour`)).toBe(
      'Ma boîte est arrivée abîmée.',
    );
    expect(cleanEmailBody(`Die Lieferung kam zu spät.\n\nAm 03.06.2026 um 10:02 schrieb Kestrel Support <s@k.example>:\n> Hallo`)).toBe(
      'Die Lieferung kam zu spät.',
    );
    expect(cleanEmailBody(`Me cobraron dos veces.\n\nEl lun, 3 jun 2026 a las 10:02, Kestrel (<s@k.example>) escribió:\n> Hola`)).toBe(
      'Me cobraron dos veces.',
    );
    expect(cleanEmailBody(`Texte.\n\n-----Ursprüngliche Nachricht-----\nVon: Kestrel\nGesendet: Montag\nAn: mich`)).toBe('Texte.');
    expect(cleanEmailBody(`Texte.\n\nDe : Kestrel\nEnvoyé : lundi 3 juin 2026\nÀ : moi\nObjet : RE: colis`)).toBe('Texte.');
  });
});

describe('cleanEmailBody: signatures', () => {
  it('cuts at the "-- " delimiter', () => {
    expect(cleanEmailBody(`${own}\n\n-- \nAnna Smith\nFlat 2, 10 Long Road`)).toBe(own);
  });

  it('cuts mobile and client taglines', () => {
    expect(cleanEmailBody(`${own}\n\nSent from my iPhone`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nGet Outlook for iOS`)).toBe(own);
    expect(cleanEmailBody(`${own}\nSent from my Samsung Galaxy smartphone.`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nEnvoyé de mon iPhone`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nVon meinem iPhone gesendet`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nGet Outlook for iOS<https://aka.ms/o0ukef>`)).toBe(own);
  });

  it('drops "Kind regards," closers with up to four short lines after', () => {
    expect(cleanEmailBody(`${own}\n\nKind regards,\nAnna Smith`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nThanks,\nTom\nFamily plan\n+44 7700 900123\nLondon`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nCordialement,\nMarie`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nMit freundlichen Grüßen\nJonas Weber`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nThanks for your help,\nRuth`)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nAll the best\nOwen Reid\nFamily plan since May`)).toBe(own);
  });

  it('keeps a closer word that is followed by real text', () => {
    const text = `${own}\nThanks,\nbut honestly this is the third time this month that the courier left the box out in the rain and nobody answers my emails.`;
    expect(cleanEmailBody(text)).toBe(text);
  });

  it('keeps a closer followed by too many lines (it is not a signature)', () => {
    const text = `Regards,\na\nb\nc\nd\ne`;
    expect(cleanEmailBody(`${own}\n${text}`)).toBe(`${own}\n${text}`);
  });

  it('keeps a final bare "Thanks!" (part of what was said)', () => {
    expect(cleanEmailBody('Can I pause next week?\nThanks!')).toBe('Can I pause next week?\nThanks!');
  });

  it('drops legal disclaimers', () => {
    const text = `${own}\n\nThis email and any attachments are confidential and intended solely for the addressee. If you are not the intended recipient, delete it.`;
    expect(cleanEmailBody(text)).toBe(own);
    expect(cleanEmailBody(`${own}\n\nCONFIDENTIALITY NOTICE: blah`)).toBe(own);
  });

  it('handles the whole stack: text, closer, tagline, quoted thread', () => {
    const text = [
      'hi, i was charged twice for my family box AFTER i cancelled!!',
      'order 5512. fix it pls',
      '',
      'Best regards,',
      'Dan',
      '',
      'Sent from my iPhone',
      '',
      'On Wed, 9 Sep 2026 at 08:00, Kestrel Kitchen <billing@kestrel.example> wrote:',
      '> Your subscription has been cancelled.',
    ].join('\r\n');
    expect(cleanEmailBody(text)).toBe('hi, i was charged twice for my family box AFTER i cancelled!!\norder 5512. fix it pls');
  });
});

describe('cleanEmailBody: conservative', () => {
  it('returns plain text unchanged (apart from trimming)', () => {
    expect(cleanEmailBody(`  ${own}  \n\n\n\n`)).toBe(own);
  });

  it('collapses runs of blank lines', () => {
    expect(cleanEmailBody('a\n\n\n\nb')).toBe('a\n\nb');
  });

  it('never returns empty when there was text before the quote', () => {
    // Only a sign-off before the quote: keep it rather than return nothing.
    const text = 'Thanks,\nAnna\n\nOn Mon, 3 Jun 2026 at 10:02, Kestrel <s@k.example> wrote:\n> Your box is on its way';
    expect(cleanEmailBody(text)).toBe('Thanks,\nAnna');
  });

  it('returns empty for a message that is only a quote', () => {
    expect(cleanEmailBody('On Mon, 3 Jun 2026 at 10:02, Kestrel <s@k.example> wrote:\n> old text')).toBe('');
  });

  it('keeps a message made only of ">" lines without a reply header (cannot tell it is a quote)', () => {
    expect(cleanEmailBody('> just quoted\n> lines')).toBe('> just quoted\n> lines');
  });

  it('keeps a bottom-posted reply (header and quote first, the answer underneath)', () => {
    const text = 'On Mon, 3 Jun 2026 at 10:02, Kestrel <s@k.example> wrote:\n> Is the box there now?\n> Thanks, Sam\n\nNo, still nothing on the doorstep.\n\nThanks,\nAnna';
    expect(cleanEmailBody(text)).toBe('No, still nothing on the doorstep.');
  });

  it('keeps the body of a bare forward (what the customer wants us to read)', () => {
    const text = '---------- Forwarded message ---------\nFrom: Kestrel <billing@kestrel.example>\nDate: Tue, 1 Sep 2026\nSubject: Price change\nTo: <me@mail.example>\n\nYour price goes up to £59.99 from 1 October.';
    expect(cleanEmailBody(text)).toBe('Your price goes up to £59.99 from 1 October.');
  });

  it('cuts a forward that follows the customer’s own text', () => {
    const text = 'Why did nobody tell me about this??\n\n---------- Forwarded message ---------\nFrom: Kestrel\n\nYour price goes up.';
    expect(cleanEmailBody(text)).toBe('Why did nobody tell me about this??');
  });
});
