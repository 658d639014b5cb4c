import { leftPad } from '@sealpost/core';
import forge from 'node-forge';
import { fromBinaryString, fromHex, toBinaryString } from './bytes.js';
import { bigIntegerOf, type RsaPrivateKey, type RsaPublicKey } from './keys.js';

/** The raw RSA operations, on node-forge's BigInteger, with no padding logic of their own. */

/**
 * RSAVP1 / RSAEP: s^e mod n as a block of the modulus length. Null when `input` is not exactly as
 * long as the modulus or not below it (RFC 8017 5.2.2 and 8.2.2 step 1).
 */
export function rsaPublicBlock(key: RsaPublicKey, input: Uint8Array): Uint8Array | null {
  const size = key.modulus.length;
  if (input.length !== size) return null;
  const n = bigIntegerOf(key.modulus);
  const s = bigIntegerOf(input);
  if (s.compareTo(n) >= 0) return null;
  const m = s.modPow(bigIntegerOf(key.exponent), n);
  return leftPad(fromHex(m.toString(16)), size);
}

/**
 * RSADP / RSASP1: c^d mod n through node-forge's private-key operation (CRT, blinded with a fresh
 * random r^e), as a block of the modulus length. It throws when the input is not exactly as long as
 * the modulus or not below it; callers map that to their own error.
 */
export function rsaPrivateBlock(key: RsaPrivateKey, input: Uint8Array): Uint8Array {
  const out = fromBinaryString(key.key.decrypt(toBinaryString(input), 'RAW'));
  if (out.length !== key.size) throw new RangeError('unexpected RSA block length');
  return out;
}

/** A node-forge public key, for node-forge's own OAEP encoder. */
export function forgePublicKey(key: RsaPublicKey): forge.pki.rsa.PublicKey {
  return forge.pki.setRsaPublicKey(bigIntegerOf(key.modulus), bigIntegerOf(key.exponent));
}

/** Bit length of the modulus (modBits in RFC 8017). */
export function modulusBits(modulus: Uint8Array): number {
  const first = modulus[0] ?? 0;
  return (modulus.length - 1) * 8 + (first === 0 ? 0 : 32 - Math.clz32(first));
}
