import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes, equalBytes } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';

/**
 * Ed25519 (RFC 8032 PureEdDSA, no context, as RFC 8419 uses it) through @noble/curves: node-forge has no
 * Edwards curves. Core has already checked the encodings (64 octets, S < L, a canonical key not of small
 * order); verification here is RFC 8032 5.1.7's equation without the cofactor, R compared as encoded,
 * which is what OpenSSL (and so Node's WebCrypto and the openssl backend) computes. noble's own verify
 * checks the cofactored equation, which accepts some signatures OpenSSL refuses: the same bytes would
 * get different verdicts on different backends.
 */

const { Point } = ed25519;
const ORDER = Point.Fn.ORDER;

/** The 64-octet signature over `data` with the 32-octet private key (the RFC 8032 seed). */
export function ed25519Sign(seed: Uint8Array, data: Uint8Array): Uint8Array {
  return ed25519.sign(data, seed);
}

/** True iff [S]B - [k]A encodes to R, with k = SHA-512(R || A || data) mod L. Anything malformed is false. */
export function ed25519Verify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const r = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32));
  if (s >= ORDER) return false;
  try {
    const a = Point.fromBytes(publicKey, false);
    const k = bytesToNumberLE(sha512(concatBytes(r, publicKey, data))) % ORDER;
    return equalBytes(Point.BASE.multiplyUnsafe(s).subtract(a.multiplyUnsafe(k)).toBytes(), r);
  } catch {
    return false;
  }
}
