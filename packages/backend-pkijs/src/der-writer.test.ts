import * as asn1js from 'asn1js';
import { describe, expect, it } from 'vitest';
import { encodeLength, integer, objectIdentifier, octetString, setOf, time } from './der-writer.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('DER writer', () => {
  it('encodes lengths in the shortest form', () => {
    expect(hex(encodeLength(0x7f))).toBe('7f');
    expect(hex(encodeLength(0x80))).toBe('8180');
    expect(hex(encodeLength(0x1234))).toBe('821234');
    expect(hex(encodeLength(0x123456))).toBe('83123456');
  });

  it('encodes object identifiers and integers as asn1js reads them', () => {
    const oid = '1.2.840.113549.1.9.16.1.23';
    expect((asn1js.fromBER(objectIdentifier(oid)).result as asn1js.ObjectIdentifier).valueBlock.toString()).toBe(oid);
    expect(hex(integer(0))).toBe('020100');
    expect(hex(integer(127))).toBe('02017f');
    expect(hex(integer(128))).toBe('02020080');
    expect(hex(integer(65537))).toBe('0203010001');
  });

  it('sorts SET OF by encoding', () => {
    const a = octetString(Uint8Array.of(2));
    const b = octetString(Uint8Array.of(1, 0));
    const c = octetString(Uint8Array.of(1));
    expect(hex(setOf([a, b, c]))).toBe(`31${'0a'}${hex(c)}${hex(a)}${hex(b)}`);
  });

  it('writes UTCTime until 2049 and GeneralizedTime from 2050', () => {
    expect(Buffer.from(time(new Date('2026-01-02T03:04:05.678Z'))).toString('latin1').slice(2)).toBe('260102030405Z');
    expect(time(new Date('2026-01-02T03:04:05Z'))[0]).toBe(0x17);
    expect(Buffer.from(time(new Date('2050-01-01T00:00:00Z'))).toString('latin1').slice(2)).toBe('20500101000000Z');
    expect(time(new Date('2050-01-01T00:00:00Z'))[0]).toBe(0x18);
    expect(() => time(new Date('invalid'))).toThrow(RangeError);
  });
});
