import { describe, expect, it } from 'vitest';
import * as der from '../asn1/der-writer.js';
import { parseBer } from '../asn1/ber-reader.js';
import { OID } from '../asn1/oids.js';
import type { ContentCipher } from '../backend.js';
import { rc2CipherOfKeyBits, rc2CipherOfParameterVersion, rc2KeyBits, smimeCapabilitiesDer, smimeCapabilityCiphers } from './smime-capabilities.js';

const read = (bytes: Uint8Array): ContentCipher[] => smimeCapabilityCiphers(parseBer(bytes));

describe('SMIMECapabilities', () => {
  it('names RC2 by the key size its parameter gives (RFC 8551 2.5.2), not three times rc2-cbc', () => {
    // What Outlook and older Thunderbird send: RC2 at 128, 64 and 40 bits, one capability each.
    const value = der.sequence(
      der.algorithmIdentifier(OID.aes256Cbc),
      der.algorithmIdentifier(OID.rc2Cbc, der.integer(128)),
      der.algorithmIdentifier(OID.rc2Cbc, der.integer(64)),
      der.algorithmIdentifier(OID.rc2Cbc, der.integer(40)),
    );
    expect(read(value)).toEqual(['aes-256-cbc', 'rc2-128-cbc', 'rc2-64-cbc', 'rc2-40-cbc']);
  });

  it('calls RC2 without a known key size rc2-cbc', () => {
    expect(read(der.sequence(der.algorithmIdentifier(OID.rc2Cbc), der.algorithmIdentifier(OID.rc2Cbc, der.integer(56))))).toEqual(['rc2-cbc', 'rc2-cbc']);
  });

  it('writes what it reads, RC2 with its key size', () => {
    const ciphers: ContentCipher[] = ['aes-256-gcm', 'aes-128-cbc', 'des-ede3-cbc', 'rc2-128-cbc', 'rc2-64-cbc', 'rc2-40-cbc'];
    expect(read(smimeCapabilitiesDer(ciphers))).toEqual(ciphers);
    expect(read(smimeCapabilitiesDer(['rc2-cbc']))).toEqual(['rc2-128-cbc']);
  });

  it('leaves out what is not a content cipher, and reads nothing from a value that is not a SEQUENCE', () => {
    const value = der.sequence(der.algorithmIdentifier('1.2.840.113549.1.9.16.3.5'), der.algorithmIdentifier(OID.aes128Gcm), der.integer(1));
    expect(read(value)).toEqual(['aes-128-gcm']);
    expect(read(der.integer(1))).toEqual([]);
    expect(smimeCapabilityCiphers(undefined)).toEqual([]);
  });

  it('maps RC2 key sizes and RC2CBCParameter versions (RFC 2268 6: 160, 120, 58) to the same names', () => {
    expect([40, 64, 128, 56].map(rc2CipherOfKeyBits)).toEqual(['rc2-40-cbc', 'rc2-64-cbc', 'rc2-128-cbc', null]);
    expect([160, 120, 58, 40].map(rc2CipherOfParameterVersion)).toEqual(['rc2-40-cbc', 'rc2-64-cbc', 'rc2-128-cbc', null]);
    expect((['rc2-40-cbc', 'rc2-64-cbc', 'rc2-128-cbc', 'rc2-cbc', 'aes-128-cbc'] as const).map(rc2KeyBits)).toEqual([40, 64, 128, null, null]);
  });
});
