import { p256, p384, p521 } from '@noble/curves/nist.js';
import type { ECDSA } from '@noble/curves/abstract/weierstrass.js';
import type { NamedCurve } from './keys.js';

/**
 * ECDSA through @noble/curves: node-forge has no ECDSA for the NIST curves. noble is audited, pure
 * JavaScript, and uses the same @noble/hashes as core. Hashing stays with this backend (prehash
 * off), so any CMS digest can go with any curve, the hash truncated to the order's length as
 * FIPS 186-5 says.
 */

const CURVES: Readonly<Record<NamedCurve, ECDSA>> = { 'P-256': p256, 'P-384': p384, 'P-521': p521 };

/**
 * A DER ECDSA-Sig-Value over `hash`. The nonce is RFC 6979 deterministic and hedged with fresh
 * random octets (RFC 6979 3.6): safe with a weak random source, and no fixed nonce for a fault
 * attack to work on.
 */
export function ecdsaSign(curve: NamedCurve, scalar: Uint8Array, hash: Uint8Array, entropy: Uint8Array): Uint8Array {
  return CURVES[curve].sign(hash, scalar, { prehash: false, lowS: true, format: 'der', extraEntropy: entropy });
}

/**
 * True iff the DER ECDSA-Sig-Value verifies over `hash` with the SEC 1 encoded `point`. Anything
 * malformed (a BER or non-minimal encoding, r or s out of range, a point off the curve) is false.
 * High-S signatures are accepted: CMS signers such as OpenSSL do not normalise S.
 */
export function ecdsaVerify(curve: NamedCurve, point: Uint8Array, hash: Uint8Array, signature: Uint8Array): boolean {
  try {
    return CURVES[curve].verify(signature, hash, point, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false;
  }
}
