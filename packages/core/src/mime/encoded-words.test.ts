import { describe, expect, it } from 'vitest';
import { decodeHeaderWords, encodeHeaderWords } from './encoded-words.js';

describe('decodeHeaderWords', () => {
  it('decodes B and Q words in UTF-8 and ISO-8859-1', () => {
    expect(decodeHeaderWords('=?UTF-8?B?R3LDvMOfZQ==?=')).toBe('Grüße');
    expect(decodeHeaderWords('=?iso-8859-1?q?caf=E9_au_lait?=')).toBe('café au lait');
    expect(decodeHeaderWords('=?us-ascii?Q?plain=20text?=')).toBe('plain text');
    expect(decodeHeaderWords('=?utf-8*en?Q?lang?=')).toBe('lang');
  });

  it('drops whitespace between adjacent words and keeps it around plain text', () => {
    expect(decodeHeaderWords('=?utf-8?Q?a?= =?utf-8?Q?b?=\r\n =?utf-8?Q?c?=')).toBe('abc');
    expect(decodeHeaderWords('Re: =?utf-8?Q?a?= and =?utf-8?Q?b?= ok')).toBe('Re: a and b ok');
  });

  it('joins a character split across two words', () => {
    // "€" is E2 82 AC; the split is illegal but common.
    expect(decodeHeaderWords('=?utf-8?Q?=E2=82?= =?utf-8?Q?=AC?=')).toBe('€');
    expect(decodeHeaderWords('=?utf-8?B?4oI=?= =?utf-8?B?rA==?=')).toBe('€');
  });

  it('decodes charsets the runtime knows through TextDecoder', () => {
    expect(decodeHeaderWords('=?iso-8859-15?Q?=A4?=')).toBe('€');
    expect(decodeHeaderWords('=?windows-1252?Q?=93hi=94?=')).toBe('“hi”');
  });

  it('leaves unknown charsets and broken words as written', () => {
    expect(decodeHeaderWords('=?x-no-such-charset?Q?abc?=')).toBe('=?x-no-such-charset?Q?abc?=');
    expect(decodeHeaderWords('=?utf-8?B?***?=')).toBe('=?utf-8?B?***?=');
    expect(decodeHeaderWords('=?utf-8?Q?bad=ZZ?=')).toBe('=?utf-8?Q?bad=ZZ?=');
    expect(decodeHeaderWords('no words here')).toBe('no words here');
  });

  it('turns raw UTF-8 read as latin1 back into text', () => {
    expect(decodeHeaderWords('Gr\u00c3\u00bc\u00c3\u009fe')).toBe('Grüße');
    // Not valid UTF-8: stays latin1.
    expect(decodeHeaderWords('caf\u00e9')).toBe('café');
  });
});

describe('encodeHeaderWords', () => {
  it('leaves printable ASCII alone', () => {
    expect(encodeHeaderWords('Quarterly report')).toBe('Quarterly report');
  });

  it('encodes anything else as UTF-8 B words of at most 75 characters that decode back', () => {
    for (const text of ['Grüße', '€'.repeat(100), 'a'.repeat(40) + '𝄞'.repeat(30), 'looks like =?utf-8?Q?x?=']) {
      const encoded = encodeHeaderWords(text);
      expect(encoded).toMatch(/^[\x20-\x7e]+$/);
      for (const word of encoded.split(' ')) expect(word.length).toBeLessThanOrEqual(75);
      expect(decodeHeaderWords(encoded)).toBe(text);
    }
  });
});
