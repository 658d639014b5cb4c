import { describe, expect, it } from 'vitest';
import { latin1Decode, latin1Encode } from '../bytes.js';
import { isSevenBitSafe, toCrlf } from './lines.js';

const b = latin1Encode;

describe('toCrlf', () => {
  it('turns bare LF into CRLF and keeps CRLF and bare CR', () => {
    expect(latin1Decode(toCrlf(b('a\nb\r\nc\rd\n\n')))).toBe('a\r\nb\r\nc\rd\r\n\r\n');
    expect(latin1Decode(toCrlf(b('\n')))).toBe('\r\n');
  });

  it('returns the input itself when there is nothing to change', () => {
    const input = b('a\r\nb\r\n');
    expect(toCrlf(input)).toBe(input);
  });
});

describe('isSevenBitSafe', () => {
  it('accepts CRLF text of short lines, with or without a final line ending', () => {
    expect(isSevenBitSafe(b('Hello\r\nWorld\r\n'))).toBe(true);
    expect(isSevenBitSafe(b('Hello'))).toBe(true);
    expect(isSevenBitSafe(new Uint8Array(0))).toBe(true);
  });

  it('refuses 8-bit bytes, NUL, bare CR and bare LF', () => {
    expect(isSevenBitSafe(b('caf\u00e9\r\n'))).toBe(false);
    expect(isSevenBitSafe(b('a\u0000b\r\n'))).toBe(false);
    expect(isSevenBitSafe(b('a\rb\r\n'))).toBe(false);
    expect(isSevenBitSafe(b('a\nb'))).toBe(false);
    expect(isSevenBitSafe(b('a\r'))).toBe(false);
  });

  it('allows 998 octets on a line and no more', () => {
    expect(isSevenBitSafe(b(`${'x'.repeat(998)}\r\nshort`))).toBe(true);
    expect(isSevenBitSafe(b(`${'x'.repeat(999)}\r\nshort`))).toBe(false);
    expect(isSevenBitSafe(b(`short\r\n${'x'.repeat(998)}`))).toBe(true);
    expect(isSevenBitSafe(b(`short\r\n${'x'.repeat(999)}`))).toBe(false);
  });
});
