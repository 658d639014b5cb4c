import { describe, expect, it } from 'vitest';
import { latin1Decode, toHex } from '../bytes.js';
import { oidOf } from './accessors.js';
import { parseBer } from './ber-reader.js';
import {
  algorithmIdentifier,
  bitString,
  bmpString,
  boolean,
  encodeLength,
  explicit,
  implicitConstructed,
  implicitPrimitive,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
  time,
  tlv,
  unsignedInteger,
  utf8String,
} from './der-writer.js';

describe('DER writer', () => {
  it('encodes lengths in the shortest form', () => {
    expect(toHex(encodeLength(0))).toBe('00');
    expect(toHex(encodeLength(0x7f))).toBe('7f');
    expect(toHex(encodeLength(0x80))).toBe('8180');
    expect(toHex(encodeLength(0x1234))).toBe('821234');
    expect(toHex(encodeLength(0x123456))).toBe('83123456');
    expect(() => encodeLength(-1)).toThrow(RangeError);
    expect(() => encodeLength(1.5)).toThrow(RangeError);
  });

  it('writes a TLV around the concatenation of its contents, long form past 127 octets', () => {
    expect(toHex(tlv(0x04, Uint8Array.of(1), Uint8Array.of(2, 3)))).toBe('0403010203');
    const long = tlv(0x04, new Uint8Array(200));
    expect(toHex(long.subarray(0, 3))).toBe('0481c8');
    expect(long.length).toBe(203);
  });

  it('encodes object identifiers that the BER reader reads back', () => {
    for (const dotted of ['1.2.840.113549.1.9.16.1.23', '2.16.840.1.101.3.4.2.1', '0.9.2342.19200300.100.1.1', '2.999.1', '1.3.6.1.4.1.99999999999999']) {
      expect(oidOf(parseBer(oid(dotted)))).toBe(dotted);
    }
    expect(toHex(oid('1.2.840.113549'))).toBe('06062a864886f70d');
    expect(() => oid('3.1')).toThrow(TypeError);
    expect(() => oid('1')).toThrow(TypeError);
    expect(() => oid('1.2.x')).toThrow(TypeError);
  });

  it('encodes integers in the fewest octets, with a sign octet where the high bit is set', () => {
    expect(toHex(integer(0))).toBe('020100');
    expect(toHex(integer(127))).toBe('02017f');
    expect(toHex(integer(128))).toBe('02020080');
    expect(toHex(integer(65537))).toBe('0203010001');
    expect(toHex(integer(2n ** 64n))).toBe('0209010000000000000000');
    expect(() => integer(-1)).toThrow(RangeError);
    expect(toHex(unsignedInteger(Uint8Array.of(0, 0, 0x80)))).toBe('02020080');
    expect(toHex(unsignedInteger(Uint8Array.of(0, 0)))).toBe('020100');
    expect(toHex(unsignedInteger(new Uint8Array(0)))).toBe('020100');
  });

  it('sorts SET OF by encoding, under SET or an implicit tag', () => {
    const a = octetString(Uint8Array.of(2));
    const b = octetString(Uint8Array.of(1, 0));
    const c = octetString(Uint8Array.of(1));
    expect(toHex(setOf([a, b, c]))).toBe(`310a${toHex(c)}${toHex(a)}${toHex(b)}`);
    expect(toHex(setOf([b, c], 0xa0))).toBe(`a007${toHex(c)}${toHex(b)}`);
    expect(toHex(setOf([]))).toBe('3100');
  });

  it('writes context-specific tags, refusing numbers that need a second identifier octet', () => {
    expect(toHex(explicit(0, integer(1)))).toBe('a003020101');
    expect(toHex(explicit(3, integer(1), nullValue()))).toBe('a3050201010500');
    expect(toHex(implicitPrimitive(1, Uint8Array.of(0xaa)))).toBe('8101aa');
    expect(toHex(implicitConstructed(2, integer(1)))).toBe('a203020101');
    expect(() => explicit(31, integer(1))).toThrow(RangeError);
    expect(() => implicitPrimitive(-1, new Uint8Array(0))).toThrow(RangeError);
  });

  it('writes the simple types', () => {
    expect(toHex(sequence())).toBe('3000');
    expect(toHex(nullValue())).toBe('0500');
    expect(toHex(boolean(true))).toBe('0101ff');
    expect(toHex(boolean(false))).toBe('010100');
    expect(toHex(bitString(Uint8Array.of(0xff)))).toBe('030200ff');
    expect(toHex(utf8String('é'))).toBe('0c02c3a9');
    expect(toHex(bmpString('Aé'))).toBe('1e04004100e9');
    expect(toHex(algorithmIdentifier('1.2.840.113549.1.1.11', nullValue()))).toBe('300d06092a864886f70d01010b0500');
    expect(toHex(algorithmIdentifier('2.16.840.1.101.3.4.2.1'))).toBe('300b0609608648016503040201');
  });

  it('drops trailing zero bits of a named bit list (keyUsage)', () => {
    // digitalSignature (0) and keyEncipherment (2): 101 then five unused bits.
    expect(toHex(namedBits([0, 2]))).toBe('030205a0');
    // keyCertSign (5) and cRLSign (6).
    expect(toHex(namedBits([5, 6]))).toBe('03020106');
    expect(toHex(namedBits([8]))).toBe('0303070080');
    expect(toHex(namedBits([]))).toBe('030100');
  });

  it('writes UTCTime until 2049 and GeneralizedTime from 2050, whole seconds', () => {
    const utc = time(new Date('2026-01-02T03:04:05.678Z'));
    expect(utc[0]).toBe(0x17);
    expect(latin1Decode(utc.subarray(2))).toBe('260102030405Z');
    expect(latin1Decode(time(new Date('1950-01-01T00:00:00Z')).subarray(2))).toBe('500101000000Z');
    const generalized = time(new Date('2050-01-01T00:00:00Z'));
    expect(generalized[0]).toBe(0x18);
    expect(latin1Decode(generalized.subarray(2))).toBe('20500101000000Z');
    expect(latin1Decode(time(new Date('1949-12-31T23:59:59Z')).subarray(2))).toBe('19491231235959Z');
    expect(() => time(new Date('invalid'))).toThrow(RangeError);
    expect(() => time(new Date(Date.UTC(10000, 0, 1)))).toThrow(RangeError);
  });
});
