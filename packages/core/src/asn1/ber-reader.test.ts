import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import { octetsOf, oidOf, unsignedIntegerOf } from './accessors.js';
import { oidText, parseBer, parseBerSequence } from './ber-reader.js';
import { integer, octetString, sequence, unsignedInteger } from './der-writer.js';

const malformed = expect.objectContaining({ code: 'ERR_ASN1_MALFORMED' });
const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));

describe('BER reader', () => {
  it('keeps the exact bytes of each element, the end-of-contents octets of an indefinite form included', () => {
    const bytes = hexBytes('308002010124800401aa00000000');
    const node = parseBer(bytes);
    expect(node.raw).toEqual(bytes);
    expect(toHex(node.contents)).toBe('02010124800401aa0000');
    expect(toHex(node.children[0]?.raw ?? new Uint8Array(0))).toBe('020101');
    expect(toHex(node.children[1]?.raw ?? new Uint8Array(0))).toBe('24800401aa0000');
  });

  it('joins the segments of a constructed OCTET STRING', () => {
    expect(toHex(octetsOf(parseBer(hexBytes('2480040201020401030000'))) ?? new Uint8Array(0))).toBe('010203');
    expect(octetsOf(parseBer(hexBytes('24800201020000')))).toBeNull(); // a segment that is not an OCTET STRING
  });

  it('refuses trailing data in one element but splits elements written one after another', () => {
    const two = hexBytes(`${toHex(integer(1))}${toHex(sequence(octetString(Uint8Array.of(9))))}`);
    expect(() => parseBer(two)).toThrow(expect.objectContaining({ code: 'ERR_ASN1_MALFORMED' }));
    expect(parseBerSequence(two).map((node) => toHex(node.raw))).toEqual(['020101', '3003040109']);
    expect(parseBerSequence(new Uint8Array(0))).toEqual([]);
    expect(() => parseBerSequence(hexBytes('0201010203'))).toThrow(expect.objectContaining({ code: 'ERR_ASN1_MALFORMED' }));
  });

  it('reads object identifiers, refusing empty or truncated ones', () => {
    expect(oidText(hexBytes('2a864886f70d'))).toBe('1.2.840.113549');
    expect(oidText(hexBytes('8837'))).toBe('2.999');
    expect(oidText(new Uint8Array(0))).toBeNull();
    expect(oidText(hexBytes('2a86'))).toBeNull();
    expect(oidOf(parseBer(hexBytes('0600')))).toBeNull();
    expect(oidOf(parseBer(hexBytes('06032a8001')))).toBeNull(); // an arc that starts with 0x80
    expect(oidText(hexBytes('2a8001'))).toBe('1.2.1');
  });

  it('refuses nesting deeper than 64 levels below the outermost element', () => {
    const nested = (levels: number): Uint8Array => {
      let bytes: Uint8Array = sequence();
      for (let i = 1; i < levels; i++) bytes = sequence(bytes);
      return bytes;
    };
    expect(parseBer(nested(65)).constructed).toBe(true);
    expect(() => parseBer(nested(66))).toThrow(malformed);
  });

  it('refuses lengths that cannot be right', () => {
    expect(() => parseBer(hexBytes('0480'))).toThrow(malformed); // indefinite length on a primitive
    expect(() => parseBer(hexBytes('04850000000001aa'))).toThrow(malformed); // five length octets
    expect(() => parseBer(hexBytes('040201'))).toThrow(malformed); // content runs past the end
    expect(() => parseBer(hexBytes('3080020101'))).toThrow(malformed); // no end-of-contents
  });

  it('reads INTEGER magnitudes without leading zeros', () => {
    expect(toHex(unsignedIntegerOf(parseBer(unsignedInteger(hexBytes('00ff01')))) ?? new Uint8Array(0))).toBe('ff01');
    expect(toHex(unsignedIntegerOf(parseBer(integer(0))) ?? new Uint8Array(0))).toBe('00');
    expect(unsignedIntegerOf(parseBer(hexBytes('0201ff')))).toBeNull(); // -1
  });
});
