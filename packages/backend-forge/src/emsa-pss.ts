import { constantTimeEqual, joinBytes } from '@sealpost/core';
import type { DigestAlgorithm } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { computeDigest } from './digest.js';

/**
 * EMSA-PSS (RFC 8017 9.1) over byte arrays, written here rather than taken from forge.pss: its
 * verifier drops the leading octet of a block without checking that it is zero (when the modulus
 * length is 1 mod 8) and mistakes an empty salt for the whole data block. This one follows the RFC
 * step by step and says only "consistent" or "inconsistent".
 */

/** MGF1 (RFC 8017 B.2.1) over the same hash as the signature. */
export function mgf1(digest: DigestAlgorithm, seed: Uint8Array, maskLength: number): Uint8Array {
  const hLen = kit.digestLength(digest);
  const blocks: Uint8Array[] = [];
  for (let counter = 0; counter * hLen < maskLength; counter++) {
    const c = Uint8Array.of((counter >>> 24) & 0xff, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
    blocks.push(computeDigest(digest, joinBytes([seed, c])));
  }
  return joinBytes(blocks).subarray(0, maskLength);
}

/** Octets set to zero at the front of maskedDB: the 8*emLen - emBits leftmost bits. */
function topBitsMask(emLength: number, emBits: number): number {
  return (0xff00 >> (8 * emLength - emBits)) & 0xff;
}

function hashOfPrefixedSalt(digest: DigestAlgorithm, mHash: Uint8Array, salt: Uint8Array): Uint8Array {
  return computeDigest(digest, joinBytes([new Uint8Array(8), mHash, salt]));
}

/** EMSA-PSS-ENCODE (9.1.1) of a message hash into emBits bits (modBits - 1). */
export function emsaPssEncode(digest: DigestAlgorithm, mHash: Uint8Array, emBits: number, salt: Uint8Array): Uint8Array {
  const hLen = kit.digestLength(digest);
  const emLength = Math.ceil(emBits / 8);
  if (emLength < hLen + salt.length + 2) throw new RangeError('the key is too small for this PSS hash and salt length');
  const h = hashOfPrefixedSalt(digest, mHash, salt);
  const db = new Uint8Array(emLength - hLen - 1);
  db[db.length - salt.length - 1] = 0x01;
  db.set(salt, db.length - salt.length);
  const mask = mgf1(digest, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] ?? 0) ^ (mask[i] ?? 0);
  db[0] = (db[0] ?? 0) & ~topBitsMask(emLength, emBits) & 0xff;
  return joinBytes([db, h, Uint8Array.of(0xbc)]);
}

/**
 * RSASSA-PSS-VERIFY's steps 2c and 3 (8.1.2, 9.1.2) on the block s^e mod n of the modulus length:
 * true only if the block is a consistent encoding of `mHash` with a salt of exactly `saltLength`.
 */
export function emsaPssVerify(digest: DigestAlgorithm, mHash: Uint8Array, block: Uint8Array, modBits: number, saltLength: number): boolean {
  const hLen = kit.digestLength(digest);
  const emBits = modBits - 1;
  const emLength = Math.ceil(emBits / 8);
  // I2OSP(m, emLen) fails unless the octets in front of EM are zero.
  for (let i = 0; i < block.length - emLength; i++) if (block[i] !== 0) return false;
  const em = block.subarray(block.length - emLength);
  if (mHash.length !== hLen || saltLength < 0 || emLength < hLen + saltLength + 2) return false;
  if (em[emLength - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLength - hLen - 1);
  const h = em.subarray(emLength - hLen - 1, emLength - 1);
  const topBits = topBitsMask(emLength, emBits);
  if (((maskedDb[0] ?? 0) & topBits) !== 0) return false;
  const mask = mgf1(digest, h, maskedDb.length);
  const db = maskedDb.map((b, i) => b ^ (mask[i] ?? 0));
  db[0] = (db[0] ?? 0) & ~topBits & 0xff;
  const separator = emLength - hLen - saltLength - 2;
  for (let i = 0; i < separator; i++) if (db[i] !== 0) return false;
  if (db[separator] !== 0x01) return false;
  const salt = db.subarray(db.length - saltLength);
  return constantTimeEqual(h, hashOfPrefixedSalt(digest, mHash, salt));
}
