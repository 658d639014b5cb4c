import { arrayBufferBacked, decryptionFailed, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';
import { CURVE25519_ALGORITHMS, type PrivateKeyFacts, unsupportedInRuntime } from './keys.js';

/**
 * ECDH (RFC 5753) and X25519 (RFC 8418) on WebCrypto: ECDH or X25519 deriveBits for the shared secret,
 * AES-KW for the key wrap. Core's engine does the rest (the KDF, the structures, every length check).
 */

/** The WebCrypto algorithm of a curve's agreement. */
function agreementAlgorithm(curve: kit.AgreementCurve): EcKeyImportParams | Algorithm {
  return curve === 'X25519' ? CURVE25519_ALGORITHMS.x25519 : { name: 'ECDH', namedCurve: curve };
}

/** A runtime without X25519 (some browsers) refuses it typed; every other failure is `otherwise`. */
function refusal(error: unknown, curve: kit.AgreementCurve, otherwise: () => Error): Error {
  return (curve === 'X25519' ? unsupportedInRuntime(error, 'ERR_UNSUPPORTED_KEY_AGREEMENT', 'X25519') : null) ?? otherwise();
}

/** Z with the sender's ephemeral point. A point off the curve and a failed derivation are the generic error. */
export async function deriveSharedSecret(ctx: Context, input: kit.SharedSecretDerivation): Promise<Bytes> {
  const facts = ctx.keys.privateFacts(kit.pkcs8Of(input.privateKey));
  // The engine has refused other keys already; anything else here is a wrong key like any other.
  const fits = input.curve === 'X25519' ? facts.kind === 'x25519' : facts.kind === 'ec' && facts.curve === input.curve;
  if (!fits || (facts.kind !== 'ec' && facts.kind !== 'x25519')) throw decryptionFailed();
  const privateKey = await importAgreementPrivateKey(ctx, facts, input.curve);
  let publicKey: CryptoKey;
  try {
    // WebCrypto checks that the point lies on the curve, which is what stops invalid-curve attacks.
    publicKey = await ctx.subtle.importKey('raw', arrayBufferBacked(input.publicKey), agreementAlgorithm(input.curve), false, []);
  } catch (error) {
    throw refusal(error, input.curve, decryptionFailed);
  }
  return derive(ctx, input.curve, privateKey, publicKey);
}

/** A fresh, non-extractable key pair for one recipient; only its public point leaves. */
export async function deriveEphemeralSharedSecret(ctx: Context, input: kit.EphemeralAgreement): Promise<{ ephemeralPublicKey: Bytes; sharedSecret: Bytes }> {
  const algorithm = agreementAlgorithm(input.curve);
  let recipient: CryptoKey;
  try {
    recipient = await ctx.keys.publicKey(input.publicKey, `ecdh:${input.curve}`, () => ctx.subtle.importKey('raw', arrayBufferBacked(input.publicKey), algorithm, false, []));
  } catch (error) {
    throw refusal(error, input.curve, () => new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's public key is not a point on its curve"));
  }
  const ephemeral = (await ctx.subtle.generateKey(algorithm, false, ['deriveBits'])) as CryptoKeyPair;
  const ephemeralPublicKey = new Uint8Array(await ctx.subtle.exportKey('raw', ephemeral.publicKey));
  try {
    return { ephemeralPublicKey, sharedSecret: await derive(ctx, input.curve, ephemeral.privateKey, recipient) };
  } catch (error) {
    // The recipient's key gave no secret (a small-order X25519 key makes WebCrypto fail): nothing to encrypt to.
    if (input.curve !== 'X25519') throw error;
    throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's X25519 key is of small order");
  }
}

async function derive(ctx: Context, curve: kit.AgreementCurve, privateKey: CryptoKey, publicKey: CryptoKey): Promise<Bytes> {
  try {
    // The whole x-coordinate: 66 octets, 528 bits, on P-521; X25519's 32 octets.
    const bits = 8 * (curve === 'X25519' ? kit.CURVE25519_KEY_LENGTH : kit.curveSize(curve));
    return new Uint8Array(await ctx.subtle.deriveBits({ name: curve === 'X25519' ? 'X25519' : 'ECDH', public: publicKey }, privateKey, bits));
  } catch {
    // An all-zero X25519 result (a small-order sender key) fails here too: the one decryption failure.
    throw decryptionFailed();
  }
}

async function importAgreementPrivateKey(ctx: Context, key: Extract<PrivateKeyFacts, { kind: 'ec' | 'x25519' }>, curve: kit.AgreementCurve): Promise<CryptoKey> {
  try {
    return await ctx.keys.privateKey(key, `ecdh:${curve}`, () => ctx.subtle.importKey('pkcs8', arrayBufferBacked(key.pkcs8), agreementAlgorithm(curve), false, ['deriveBits']));
  } catch (error) {
    throw refusal(error, curve, () => new SealpostError('ERR_KEY_MALFORMED', 'the private key could not be imported into WebCrypto'));
  }
}

// The content key travels inside WebCrypto as an HMAC key, whose raw form may be any length: an AES key
// of 24 octets would not import where a browser leaves out AES-192.
const CARRIER = { name: 'HMAC', hash: 'SHA-256' } as const;

/** RFC 3394 AES key wrap (WebCrypto AES-KW). */
export async function wrapKeyAes(ctx: Context, input: kit.AesKeyWrap): Promise<Bytes> {
  const kek = await ctx.subtle.importKey('raw', arrayBufferBacked(input.kek), 'AES-KW', false, ['wrapKey']);
  const carried = await ctx.subtle.importKey('raw', arrayBufferBacked(input.key), CARRIER, true, ['sign']);
  return new Uint8Array(await ctx.subtle.wrapKey('raw', carried, kek, 'AES-KW'));
}

/** RFC 3394 AES key unwrap; a failed integrity check (and any other failure) is the generic error. */
export async function unwrapKeyAes(ctx: Context, input: kit.AesKeyWrap): Promise<Bytes> {
  try {
    const kek = await ctx.subtle.importKey('raw', arrayBufferBacked(input.kek), 'AES-KW', false, ['unwrapKey']);
    const carried = await ctx.subtle.unwrapKey('raw', arrayBufferBacked(input.key), kek, 'AES-KW', CARRIER, true, ['sign']);
    return new Uint8Array(await ctx.subtle.exportKey('raw', carried));
  } catch {
    throw decryptionFailed();
  }
}
