/**
 * The PKCS#12 password-based encryption schemes of RFC 7292 appendix C that Windows, macOS Keychain,
 * NSS (pk12util) and `openssl pkcs12 -legacy` still write: 3DES (three- and two-key) and RC2 (128 and
 * 40 bits), each keyed by the PKCS#12 KDF (appendix B) over SHA-1. Read only; Sealpost writes PBES2.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import type { BerNode } from '../asn1/ber-reader.js';
import { at, expectOctetString, expectOid, expectSequence, expectSmallInteger, shapeError } from '../asn1/shape.js';
import { isSealpostError } from '../errors.js';
import { type BlockDecrypt, cbcDecrypt, desEde3Decryptor, rc2Decryptor } from '../legacy-ciphers/index.js';
import { DecryptionFailed, MAX_ITERATIONS, UnsupportedEncryption } from './pbes2.js';
import { KDF_PURPOSE, pkcs12Kdf } from './pkcs12-kdf.js';

interface Pkcs12Pbe {
  /** Key octets the KDF derives. */
  readonly keyLength: number;
  readonly blocks: (key: Uint8Array) => BlockDecrypt;
}

const threeKey = (key: Uint8Array): BlockDecrypt => desEde3Decryptor(key);
// Two-key TDEA: K1 || K2 || K1 (SP 800-67 keying option 2).
const twoKey = (key: Uint8Array): BlockDecrypt => desEde3Decryptor(Uint8Array.from([...key, ...key.subarray(0, 8)]));

/** RFC 7292 appendix C, by OID (pkcs-12PbeIds 1.2.840.113549.1.12.1). RC4 (.1, .2) is a stream cipher nobody writes now. */
const SCHEMES: Readonly<Record<string, Pkcs12Pbe>> = {
  '1.2.840.113549.1.12.1.3': { keyLength: 24, blocks: threeKey },
  '1.2.840.113549.1.12.1.4': { keyLength: 16, blocks: twoKey },
  '1.2.840.113549.1.12.1.5': { keyLength: 16, blocks: (key) => rc2Decryptor(key, 128) },
  '1.2.840.113549.1.12.1.6': { keyLength: 5, blocks: (key) => rc2Decryptor(key, 40) },
};

const IV_LENGTH = 8;

/** True for the PKCS#12 schemes `pkcs12PbeDecrypt` reads. */
export function isPkcs12Pbe(oid: string): boolean {
  return Object.hasOwn(SCHEMES, oid);
}

/**
 * Decrypts under a PKCS#12 PBE AlgorithmIdentifier, `pkcs-12PbeParams ::= SEQUENCE { salt OCTET
 * STRING, iterations INTEGER }`. `password` is the BMPString form the KDF takes (RFC 7292 B.1).
 * A wrong password and damaged data are the same DecryptionFailed; a malformed structure throws the
 * shape error, an iteration count over the limit UnsupportedEncryption.
 */
export function pkcs12PbeDecrypt(algorithm: BerNode, ciphertext: Uint8Array, password: Uint8Array): Uint8Array {
  const parts = expectSequence(algorithm, 'encryptionAlgorithm');
  const scheme = SCHEMES[expectOid(at(parts, 0, 'algorithm'), 'algorithm')];
  if (scheme === undefined) shapeError('not a PKCS#12 PBE scheme');
  const params = expectSequence(at(parts, 1, 'pkcs-12PbeParams'), 'pkcs-12PbeParams');
  if (params.length !== 2) shapeError('pkcs-12PbeParams: expected salt and iterations');
  const salt = expectOctetString(at(params, 0, 'salt'), 'salt');
  const iterations = expectSmallInteger(at(params, 1, 'iterations'), 'iterations', Number.MAX_SAFE_INTEGER);
  if (iterations < 1) shapeError('pkcs-12PbeParams: iteration count below 1');
  if (iterations > MAX_ITERATIONS) throw new UnsupportedEncryption(`a PKCS#12 PBE with ${iterations} iterations (limit ${MAX_ITERATIONS})`);
  const key = pkcs12Kdf(sha1, password, salt, KDF_PURPOSE.key, iterations, scheme.keyLength);
  const iv = pkcs12Kdf(sha1, password, salt, KDF_PURPOSE.iv, iterations, IV_LENGTH);
  try {
    return cbcDecrypt(scheme.blocks(key), iv, ciphertext);
  } catch (error) {
    if (isSealpostError(error, 'ERR_DECRYPTION_FAILED')) throw new DecryptionFailed();
    throw error;
  } finally {
    key.fill(0);
  }
}
