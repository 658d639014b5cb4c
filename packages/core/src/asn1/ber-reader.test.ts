import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import { oidText, parseBer, parseBerSequence, readIntegerHex, readOctets, readOid, readTime } from './ber-reader.js';
import { integer, octetString, sequence, tlv, time, unsignedInteger } from './der-writer.js';

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
    expect(toHex(readOctets(parseBer(hexBytes('2480040201020401030000'))))).toBe('010203');
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
    expect(() => readOid(parseBer(hexBytes('0600')))).toThrow(expect.objectContaining({ code: 'ERR_ASN1_MALFORMED' }));
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

  it('reads INTEGER magnitudes as hex without leading zeros', () => {
    expect(readIntegerHex(parseBer(unsignedInteger(hexBytes('00ff01'))))).toBe('ff01');
    expect(readIntegerHex(parseBer(integer(0)))).toBe('0');
  });

  it('reads UTCTime with the RFC 5280 century pivot, and GeneralizedTime', () => {
    for (const iso of ['1950-01-01T00:00:00.000Z', '2049-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z', '1949-12-31T23:59:59.000Z']) {
      expect(readTime(parseBer(time(new Date(iso)))).toISOString()).toBe(iso);
    }
    expect(readTime(parseBer(tlv(0x17, hexBytes('3439313233313233353935395a')))).toISOString()).toBe('2049-12-31T23:59:59.000Z');
    expect(readTime(parseBer(tlv(0x18, new TextEncoder().encode('20300102030405.123Z')))).toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(() => readTime(parseBer(tlv(0x17, new TextEncoder().encode('2001020304Z'))))).toThrow(malformed);
    expect(() => readTime(parseBer(tlv(0x17, new Uint8Array(200_000).fill(0x30))))).toThrow(malformed);
  });
});
