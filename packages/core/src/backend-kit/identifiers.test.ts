import { describe, expect, it } from 'vitest';
import * as der from '../asn1/der-writer.js';
import { decodeElement } from '../asn1/accessors.js';
import { identifierOf, identifies, issuerAndSerialNumber, recipientFor } from './identifiers.js';

const issuer = der.sequence(der.setOf([der.sequence(der.oid('2.5.4.3'), der.utf8String('Test CA'))]));
const certificate = { issuer, serial: Uint8Array.of(0x01, 0x23), subjectKeyId: Uint8Array.of(9, 8, 7, 6) };

function read(bytes: Uint8Array) {
  return identifierOf(decodeElement(bytes) ?? undefined);
}

describe('SignerIdentifier and RecipientIdentifier', () => {
  it('reads and matches issuerAndSerialNumber on exact octets', () => {
    const id = read(issuerAndSerialNumber(certificate));
    expect(id).toEqual({ type: 'issuerAndSerialNumber', issuer, serial: certificate.serial });
    expect(id !== null && identifies(id, certificate)).toBe(true);
    const otherSerial = read(issuerAndSerialNumber({ issuer, serial: Uint8Array.of(0x01, 0x24) }));
    expect(otherSerial !== null && identifies(otherSerial, certificate)).toBe(false);
  });

  it('reads [0] subjectKeyIdentifier, primitive or constructed, and matches it only against a certificate that has one', () => {
    const primitive = read(der.implicitPrimitive(0, certificate.subjectKeyId));
    const constructed = read(der.implicitConstructed(0, der.octetString(Uint8Array.of(9, 8)), der.octetString(Uint8Array.of(7, 6))));
    for (const id of [primitive, constructed]) {
      expect(id).toEqual({ type: 'subjectKeyIdentifier', keyId: certificate.subjectKeyId });
      expect(id !== null && identifies(id, certificate)).toBe(true);
      expect(id !== null && identifies(id, { ...certificate, subjectKeyId: null })).toBe(false);
    }
  });

  it('returns null for anything else', () => {
    expect(read(der.integer(5))).toBeNull();
    expect(read(der.sequence(issuer))).toBeNull();
  });

  it('finds the recipient entry for a certificate, or throws ERR_NO_RECIPIENT', () => {
    const mine = { rid: read(issuerAndSerialNumber(certificate)), n: 2 };
    const other = { rid: read(der.implicitPrimitive(0, Uint8Array.of(1))), n: 1 };
    expect(recipientFor([other, { rid: null, n: 0 }, mine], certificate)).toBe(mine);
    expect(() => recipientFor([other], certificate)).toThrow(expect.objectContaining({ code: 'ERR_NO_RECIPIENT' }));
  });
});
