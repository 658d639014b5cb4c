import { describe, expect, it } from 'vitest';
import { toHex } from '../bytes.js';
import { oidText, parseBer, parseBerSequence, readOctets, readOid } from './ber-reader.js';
import { integer, octetString, sequence } from './der-writer.js';

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
});
