import { describe, expect, it } from 'vitest';
import * as der from '../asn1/der-writer.js';
import { algorithmOf, decodeElement, type AlgorithmNode } from '../asn1/accessors.js';
import { keyTransportOf, oaepKeyTransportIdentifier, rsaPkcs1KeyTransportIdentifier } from './key-transport.js';
import { OID } from '../asn1/oids.js';

// The keyEncryptionAlgorithm of a message made by
// `openssl cms -encrypt -keyopt rsa_padding_mode:oaep -keyopt rsa_oaep_md:sha256` (OpenSSL 3).
const OPENSSL_OAEP_SHA256 = '303806092a864886f70d010107302ba00d300b0609608648016503040201a11a301806092a864886f70d010108300b0609608648016503040201';

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
}

function read(bytes: Uint8Array): AlgorithmNode {
  const algorithm = algorithmOf(decodeElement(bytes) ?? undefined);
  if (algorithm === null) throw new Error('not an AlgorithmIdentifier');
  return algorithm;
}

function oaep(hashParameters: Uint8Array | undefined, mgfHash: string = OID.sha256): Uint8Array {
  const hash = (oid: string) => der.algorithmIdentifier(oid, hashParameters);
  return der.algorithmIdentifier(OID.rsaesOaep, der.sequence(der.explicit(0, hash(OID.sha256)), der.explicit(1, der.algorithmIdentifier(OID.mgf1, hash(mgfHash)))));
}

describe('RSA key-transport identifiers', () => {
  it('writes RSAES-OAEP byte for byte as openssl cms does (hash identifiers without parameters)', () => {
    expect(hex(oaepKeyTransportIdentifier('sha-256'))).toBe(OPENSSL_OAEP_SHA256);
  });

  it('writes rsaEncryption with NULL parameters for PKCS#1 v1.5', () => {
    expect(hex(rsaPkcs1KeyTransportIdentifier())).toBe('300d06092a864886f70d0101010500');
  });

  it("reads openssl's form, the NULL-parameter form RFC 4055 also allows, and what it writes itself", () => {
    const expected = { kind: 'rsa-oaep', hash: 'sha-256', label: new Uint8Array(0) };
    expect(keyTransportOf(read(fromHex(OPENSSL_OAEP_SHA256)))).toEqual(expected);
    expect(keyTransportOf(read(oaep(der.nullValue())))).toEqual(expected);
    expect(keyTransportOf(read(oaep(undefined)))).toEqual(expected);
    expect(keyTransportOf(read(oaepKeyTransportIdentifier('sha-384')))).toEqual({ ...expected, hash: 'sha-384' });
  });

  it('takes the RFC 8017 defaults (SHA-1, MGF1-SHA-1, empty label) for absent parameters', () => {
    expect(keyTransportOf(read(der.algorithmIdentifier(OID.rsaesOaep)))).toEqual({ kind: 'rsa-oaep', hash: 'sha-1', label: new Uint8Array(0) });
    expect(keyTransportOf(read(rsaPkcs1KeyTransportIdentifier()))).toEqual({ kind: 'rsa-pkcs1' });
  });

  it('refuses MGF1 over another hash and unknown algorithms with ERR_UNSUPPORTED_KEY_TRANSPORT', () => {
    expect(() => keyTransportOf(read(oaep(undefined, OID.sha1)))).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_KEY_TRANSPORT' }));
    expect(() => keyTransportOf(read(der.algorithmIdentifier(OID.rsassaPss)))).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_KEY_TRANSPORT' }));
  });
});
