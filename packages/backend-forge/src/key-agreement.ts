import { aeskw } from '@noble/ciphers/aes.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { decryptionFailed, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Context } from './context.js';
import { type NamedCurve, privateKeyFacts } from './keys.js';

/**
 * ECDH (RFC 5753) and X25519 (RFC 8418) in JavaScript: @noble/curves for the shared secret (node-forge
 * has no elliptic curves), @noble/ciphers for the AES key wrap. Core's engine does the KDF, the
 * structures and every length check.
 */

const CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/** Z, the shared point's x-coordinate. noble checks that `point` lies on the curve and is not the identity. */
function sharedX(curve: NamedCurve, scalar: Uint8Array, point: Uint8Array): Uint8Array {
  const shared = CURVES[curve].getSharedSecret(scalar, point, true);
  const x = shared.slice(1);
  shared.fill(0);
  return x;
}

/** Z with the sender's ephemeral point; a point off the curve (or any other failure) is the generic error. */
export function deriveSharedSecret(input: kit.SharedSecretDerivation): Uint8Array {
  const key = privateKeyFacts(kit.pkcs8Of(input.privateKey));
  const secret = key.kind === 'ec' ? key.scalar : key.kind === 'x25519' ? key.key : null;
  try {
    // The engine has refused other keys already; anything else here is a wrong key like any other.
    if (secret === null || (input.curve === 'X25519' ? key.kind !== 'x25519' : key.kind !== 'ec' || key.curve !== input.curve)) throw decryptionFailed();
    // noble refuses the small-order X25519 keys, whose secret would be all zeros, before using the scalar.
    return input.curve === 'X25519' ? x25519.getSharedSecret(secret, input.publicKey) : sharedX(input.curve, secret, input.publicKey);
  } catch {
    throw decryptionFailed();
  } finally {
    secret?.fill(0);
  }
}

/** A fresh key pair from the backend's random source, used for this one recipient and wiped. */
export function deriveEphemeralSharedSecret(ctx: Context, input: kit.EphemeralAgreement): { ephemeralPublicKey: Uint8Array; sharedSecret: Uint8Array } {
  if (input.curve === 'X25519') return ephemeralX25519(ctx, input.publicKey);
  const curve = CURVES[input.curve];
  // noble maps a seed half again as long as the order onto a scalar, with negligible bias (FIPS 186-5 A.4.1).
  const seed = ctx.random(curve.lengths.seed ?? 0);
  const scalar = curve.utils.randomSecretKey(seed);
  seed.fill(0);
  try {
    const ephemeralPublicKey = curve.getPublicKey(scalar, false);
    let sharedSecret: Uint8Array;
    try {
      sharedSecret = sharedX(input.curve, scalar, input.publicKey);
    } catch {
      throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's EC public key is not a point on its curve");
    }
    return { ephemeralPublicKey, sharedSecret };
  } finally {
    scalar.fill(0);
  }
}

/** X25519's ephemeral key: 32 random octets (RFC 7748 5, clamped by noble), used once and wiped. */
function ephemeralX25519(ctx: Context, recipient: Uint8Array): { ephemeralPublicKey: Uint8Array; sharedSecret: Uint8Array } {
  const scalar = ctx.random(32);
  try {
    const ephemeralPublicKey = x25519.getPublicKey(scalar);
    let sharedSecret: Uint8Array;
    try {
      sharedSecret = x25519.getSharedSecret(scalar, recipient);
    } catch {
      throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's X25519 key is of small order");
    }
    return { ephemeralPublicKey, sharedSecret };
  } finally {
    scalar.fill(0);
  }
}

/** RFC 3394 AES key wrap. */
export function wrapKeyAes(input: kit.AesKeyWrap): Uint8Array {
  return aeskw(input.kek).encrypt(input.key);
}

/** RFC 3394 AES key unwrap; a failed integrity check (and any other failure) is the generic error. */
export function unwrapKeyAes(input: kit.AesKeyWrap): Uint8Array {
  try {
    return new Uint8Array(aeskw(input.kek).decrypt(input.key));
  } catch {
    throw decryptionFailed();
  }
}
