import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import { decodeAsn1, expectBitString, expectOid, expectSequence, readAs, splitConcatenated } from './shape.js';

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

function codeOf(read: () => unknown): string | undefined {
  try {
    readAs('ERR_CERTIFICATE_MALFORMED', 'certificate is malformed', read);
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('shape readers', () => {
  it('gives views of the exact received bytes, as plain Uint8Arrays even from a subclass', () => {
    class Sub extends Uint8Array {}
    const input = new Sub(hexBytes('3006300402020080'));
    const inner = expectSequence(decodeAsn1(input, 'outer'), 'outer')[0];
    expect(inner).toBeDefined();
    const encoding = inner!.raw;
    expect(toHex(encoding)).toBe('300402020080');
    expect(encoding.constructor).toBe(Uint8Array);
    expect(encoding.buffer).toBe(input.buffer);
  });

  it('reports a parse failure with the caller code, not the reader one', () => {
    expect(codeOf(() => decodeAsn1(hexBytes('3003020101ff'), 'x'))).toBe('ERR_CERTIFICATE_MALFORMED');
    expect(codeOf(() => decodeAsn1(new Uint8Array(0), 'x'))).toBe('ERR_CERTIFICATE_MALFORMED');
    expect(codeOf(() => expectOid(decodeAsn1(hexBytes('06022a86'), 'x'), 'x'))).toBe('ERR_CERTIFICATE_MALFORMED');
  });

  it('refuses encodings X.690 forbids even where nothing reads them', () => {
    for (const bad of [
      '30030f0100', // reserved universal tag 15
      '30031f2500', // universal tag 37 and above are reserved
      '30052203020101', // constructed INTEGER
      '3004030208ff', // BIT STRING with 8 unused bits
      '3007240502030a0b0c', // OCTET STRING segment that is an INTEGER
      '3003060180', // truncated OBJECT IDENTIFIER
    ]) {
      expect(
        codeOf(() => decodeAsn1(hexBytes(bad), 'x')),
        bad,
      ).toBe('ERR_CERTIFICATE_MALFORMED');
    }
    expect(toHex(decodeAsn1(hexBytes('3007240504030a0b0c'), 'x').raw)).toBe('3007240504030a0b0c');
  });

  it('reads BIT STRINGs, an empty one included', () => {
    expect(expectBitString(decodeAsn1(hexBytes('030205a0'), 'x'), 'x')).toEqual({ bytes: Uint8Array.of(0xa0), unusedBits: 5 });
    expect(expectBitString(decodeAsn1(hexBytes('0300'), 'x'), 'x')).toEqual({ bytes: new Uint8Array(0), unusedBits: 0 });
    expect(codeOf(() => expectBitString(decodeAsn1(hexBytes('030103'), 'x'), 'x'))).toBe('ERR_CERTIFICATE_MALFORMED');
  });

  it('splits a concatenation of values into their exact encodings', () => {
    expect(splitConcatenated(hexBytes('0201013000'), 'bundle').map(toHex)).toEqual(['020101', '3000']);
    expect(codeOf(() => splitConcatenated(hexBytes('02010130'), 'bundle'))).toBe('ERR_CERTIFICATE_MALFORMED');
  });
});
