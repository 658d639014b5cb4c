import { describe, expect, it } from 'vitest';
import { latin1Encode, utf8Encode } from '../bytes.js';
import { decodeCharset, latin1AsUtf8 } from './charset.js';

describe('decodeCharset', () => {
  it('decodes UTF-8, ISO-8859-1 and US-ASCII byte for byte', () => {
    expect(decodeCharset(utf8Encode('Grüße'), 'UTF-8')).toBe('Grüße');
    expect(decodeCharset(Uint8Array.of(0x63, 0xe9, 0x80), 'iso-8859-1')).toBe('c\u00e9\u0080');
    expect(decodeCharset(Uint8Array.of(0x41), 'us-ascii')).toBe('A');
  });

  it('decodes windows-1252 including its 0x80..0x9F characters', () => {
    expect(decodeCharset(Uint8Array.of(0x80, 0x93, 0x94, 0x99, 0xe9, 0x81), 'Windows-1252')).toBe('€“”™é\u0081');
  });

  it('uses the runtime for other charsets and refuses unknown ones', () => {
    expect(decodeCharset(Uint8Array.of(0xa4), 'iso-8859-15')).toBe('€');
    expect(decodeCharset(Uint8Array.of(0x41), 'x-no-such-charset')).toBeUndefined();
    expect(decodeCharset(Uint8Array.of(0x41), 'iso-2022-kr')).toBeUndefined();
  });
});

describe('latin1AsUtf8', () => {
  it('reads valid UTF-8 bytes held as latin1 characters as UTF-8', () => {
    expect(latin1AsUtf8(String.fromCharCode(...utf8Encode('José ✉')))).toBe('José ✉');
  });

  it('leaves ASCII, invalid UTF-8 and real Unicode strings alone', () => {
    expect(latin1AsUtf8('plain')).toBe('plain');
    expect(latin1AsUtf8('caf\u00e9')).toBe('caf\u00e9');
    expect(latin1AsUtf8('\u00c3\u00a9 ✉')).toBe('\u00c3\u00a9 ✉');
    expect(latin1Encode(latin1AsUtf8('\u00ff\u00fe'))).toEqual(Uint8Array.of(0xff, 0xfe));
  });
});
