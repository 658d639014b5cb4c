import { describe, expect, it } from 'vitest';
import { CIPHER_BY_OID, cipherOid } from './oids.js';

describe('cipherOid', () => {
  it('is the inverse of CIPHER_BY_OID', () => {
    for (const [oid, cipher] of Object.entries(CIPHER_BY_OID)) expect(cipherOid(cipher)).toBe(oid);
    expect(cipherOid('aes-256-gcm')).toBe('2.16.840.1.101.3.4.1.46');
  });

  it('throws RangeError for a name that is not a cipher, inherited properties included', () => {
    for (const name of ['aes-512-cbc', 'toString', '__proto__']) expect(() => cipherOid(name as never)).toThrow(RangeError);
  });
});
