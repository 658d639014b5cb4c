import { md5 } from '@noble/hashes/legacy.js';
import { sha224 } from '@noble/hashes/sha2.js';
import * as der from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';
import type { DigestAlgorithm } from '../backend.js';
import { bytesEqual } from '../bytes.js';
import { SealpostError } from '../errors.js';
import type { SignatureCheck } from './primitives.js';
import { bigIntToBytes, bytesToBigInt, modPow } from './rsa-math.js';

/**
 * The digests core computes itself, for every backend alike, with the signatures made over them:
 * MD5 (read under a legacy policy) and SHA-224. WebCrypto has neither and node-forge's RSA has no
 * SHA-224, while OpenSSL has both; left to the backends, the same signature would be valid on one and
 * ERR_UNSUPPORTED_DIGEST on another. Verification only needs public-key operations on public data,
 * so nothing here handles a secret: RSA is one modular exponentiation with the public exponent
 * (RFC 8017 8.2.2 and 9.2 for PKCS #1 v1.5, 8.1.2 and 9.1.2 for PSS) and ECDSA is @noble/curves', loaded
 * the first time it is needed (it is 70 KB that every other verification, and every CLI start, can skip).
 * Signing with these digests stays a backend capability.
 */
export type CoreDigest = 'md5' | 'sha-224';

const HASHES: Readonly<Record<CoreDigest, { readonly hash: (data: Uint8Array) => Uint8Array; readonly oid: string; readonly length: number }>> = {
  md5: { hash: (data) => md5(data), oid: OID.md5, length: 16 },
  'sha-224': { hash: (data) => sha224(data), oid: OID.sha224, length: 28 },
};

async function curve(name: 'P-256' | 'P-384' | 'P-521') {
  const { p256, p384, p521 } = await import('@noble/curves/nist.js');
  return name === 'P-256' ? p256 : name === 'P-384' ? p384 : p521;
}

export function isCoreDigest(algorithm: DigestAlgorithm): algorithm is CoreDigest {
  return algorithm === 'md5' || algorithm === 'sha-224';
}

export function coreDigest(algorithm: CoreDigest, data: Uint8Array): Uint8Array {
  return HASHES[algorithm].hash(data);
}

/**
 * Whether the signature verifies, for an RSA (PKCS #1 v1.5 or PSS) or ECDSA check whose hash is a
 * core digest. The engine has already fitted the key to the scheme and checked the signature's shape
 * (an RSA signature as long as the modulus, a DER ECDSA signature within the curve's size).
 */
export async function coreVerifySignature(check: SignatureCheck): Promise<boolean> {
  const { params, publicKey } = check;
  if (!isCoreDigest(params.hash)) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest algorithm ${params.hash} is not one core computes`);
  const digest = HASHES[params.hash];
  const hashed = digest.hash(check.data);
  if (params.scheme === 'ecdsa' && publicKey.kind === 'ec') {
    if (publicKey.curve === null) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the EC key is not on P-256, P-384 or P-521');
    try {
      // lowS: false, as OpenSSL: a signature with a high s is as valid as its twin.
      return (await curve(publicKey.curve)).verify(check.signature, hashed, publicKey.point, { prehash: false, format: 'der', lowS: false });
    } catch {
      return false; // a point not on the curve, an encoding noble refuses: no signature
    }
  }
  if ((params.scheme === 'rsa-pkcs1' || params.scheme === 'rsa-pss') && publicKey.kind === 'rsa') {
    const n = bytesToBigInt(publicKey.modulus);
    const s = bytesToBigInt(check.signature);
    if (s >= n) return false; // RFC 8017 5.2.2: "signature representative out of range"
    const m = modPow(s, bytesToBigInt(publicKey.exponent), n);
    if (params.scheme === 'rsa-pkcs1') {
      const k = publicKey.modulus.length;
      const expected = pkcs1Encoding(digest.oid, hashed, k);
      return expected !== null && bytesEqual(bigIntToBytes(m, k), expected);
    }
    return pssVerifies(m, n, hashed, params.saltLength, digest.hash, digest.length);
  }
  throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${params.scheme} with ${params.hash} is not supported`);
}

/** EMSA-PKCS1-v1_5 (RFC 8017 9.2): 00 01 FF.. 00 DigestInfo, the digest's parameters an explicit NULL. */
function pkcs1Encoding(oid: string, hashed: Uint8Array, k: number): Uint8Array | null {
  const digestInfo = der.sequence(der.sequence(der.oid(oid), der.tlv(0x05, new Uint8Array(0))), der.tlv(0x04, hashed));
  if (k < digestInfo.length + 11) return null;
  const em = new Uint8Array(k).fill(0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[k - digestInfo.length - 1] = 0x00;
  em.set(digestInfo, k - digestInfo.length);
  return em;
}

/** EMSA-PSS-VERIFY (RFC 8017 9.1.2) with MGF1 over the same hash, trailer field 0xBC. */
function pssVerifies(m: bigint, n: bigint, mHash: Uint8Array, saltLength: number, hash: (data: Uint8Array) => Uint8Array, hLen: number): boolean {
  const emBits = n.toString(2).length - 1;
  const emLen = Math.ceil(emBits / 8);
  if (m >> BigInt(emLen * 8) !== 0n) return false;
  const em = bigIntToBytes(m, emLen);
  if (emLen < hLen + saltLength + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const unusedBits = 8 * emLen - emBits;
  const topMask = (0xff << (8 - unusedBits)) & 0xff;
  if (((maskedDb[0] ?? 0) & topMask) !== 0) return false;
  const db = mgf1(h, maskedDb.length, hash);
  for (let i = 0; i < db.length; i++) db[i]! ^= maskedDb[i]!;
  db[0]! &= ~topMask & 0xff;
  const separator = emLen - hLen - saltLength - 2;
  for (let i = 0; i < separator; i++) if (db[i] !== 0) return false;
  if (db[separator] !== 0x01) return false;
  const salt = db.subarray(db.length - saltLength);
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(mHash, 8);
  mPrime.set(salt, 8 + hLen);
  return bytesEqual(hash(mPrime), h);
}

/** MGF1 (RFC 8017 B.2.1). */
function mgf1(seed: Uint8Array, length: number, hash: (data: Uint8Array) => Uint8Array): Uint8Array {
  const out = new Uint8Array(length);
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  for (let counter = 0, offset = 0; offset < length; counter++) {
    new DataView(input.buffer).setUint32(seed.length, counter);
    const block = hash(input);
    out.set(block.subarray(0, Math.min(block.length, length - offset)), offset);
    offset += block.length;
  }
  return out;
}
