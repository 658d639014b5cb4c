import { arrayBufferBacked, decryptionFailed, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';
import type { PrivateKeyFacts } from './keys.js';

/**
 * ECDH (RFC 5753) on WebCrypto: ECDH deriveBits for the shared secret, AES-KW for the key wrap. Core's
 * engine does the rest (the KDF, the structures, every length check).
 */

/** Z with the sender's ephemeral point. A point off the curve and a failed derivation are the generic error. */
export async function deriveSharedSecret(ctx: Context, input: kit.SharedSecretDerivation): Promise<Bytes> {
  const facts = ctx.keys.privateFacts(kit.pkcs8Of(input.privateKey));
  // The engine has refused other keys already; anything else here is a wrong key like any other.
  if (facts.kind !== 'ec' || facts.curve !== input.curve) throw decryptionFailed();
  const privateKey = await importEcdhPrivateKey(ctx, facts);
  let publicKey: CryptoKey;
  try {
    // WebCrypto checks that the point lies on the curve, which is what stops invalid-curve attacks.
    publicKey = await ctx.subtle.importKey('raw', arrayBufferBacked(input.publicKey), { name: 'ECDH', namedCurve: input.curve }, false, []);
  } catch {
    throw decryptionFailed();
  }
  return derive(ctx, input.curve, privateKey, publicKey);
}

/** A fresh, non-extractable key pair for one recipient; only its public point leaves. */
export async function deriveEphemeralSharedSecret(ctx: Context, input: kit.EphemeralAgreement): Promise<{ ephemeralPublicKey: Bytes; sharedSecret: Bytes }> {
  const algorithm = { name: 'ECDH', namedCurve: input.curve };
  let recipient: CryptoKey;
  try {
    recipient = await ctx.keys.publicKey(input.publicKey, `ecdh:${input.curve}`, () => ctx.subtle.importKey('raw', arrayBufferBacked(input.publicKey), algorithm, false, []));
  } catch {
    throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the recipient certificate's EC public key is not a point on its curve");
  }
  const ephemeral = (await ctx.subtle.generateKey(algorithm, false, ['deriveBits'])) as CryptoKeyPair;
  const ephemeralPublicKey = new Uint8Array(await ctx.subtle.exportKey('raw', ephemeral.publicKey));
  return { ephemeralPublicKey, sharedSecret: await derive(ctx, input.curve, ephemeral.privateKey, recipient) };
}

async function derive(ctx: Context, curve: kit.NamedCurve, privateKey: CryptoKey, publicKey: CryptoKey): Promise<Bytes> {
  try {
    // The whole x-coordinate: 66 octets, 528 bits, on P-521.
    return new Uint8Array(await ctx.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 8 * kit.curveSize(curve)));
  } catch {
    throw decryptionFailed();
  }
}

async function importEcdhPrivateKey(ctx: Context, key: Extract<PrivateKeyFacts, { kind: 'ec' }>): Promise<CryptoKey> {
  const algorithm = { name: 'ECDH', namedCurve: key.curve };
  try {
    return await ctx.keys.privateKey(key, `ecdh:${key.curve}`, () =>
      ctx.subtle.importKey('pkcs8', arrayBufferBacked(key.pkcs8), algorithm, false, ['deriveBits']),
    );
  } catch {
    throw new SealpostError('ERR_KEY_MALFORMED', 'the private key could not be imported into WebCrypto');
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
