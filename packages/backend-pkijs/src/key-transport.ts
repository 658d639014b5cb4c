import type { KeyTransport } from '@sealpost/core';
import { arrayBufferBacked, decryptionFailed, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { webCryptoHash } from './algorithms.js';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';
import { importPublicKey, type PrivateKeyFacts, type PublicKeyFacts } from './keys.js';
import { bigIntToBytes, bytesToBigInt, modPow } from '@sealpost/core/backend-kit';
import { rsaPrivateRaw } from './rsa-private.js';

/** RSA key transport of the content-encryption key: PKCS#1 v1.5 and RSAES-OAEP. */

type RsaPublicKey = Extract<PublicKeyFacts, { kind: 'rsa' }>;
type RsaPrivateKey = Extract<PrivateKeyFacts, { kind: 'rsa' }>;

export interface WrappedKey {
  readonly keyEncryptionAlgorithm: Bytes;
  readonly encryptedKey: Bytes;
}

export async function wrapKey(ctx: Context, transport: KeyTransport, key: RsaPublicKey, cek: Bytes): Promise<WrappedKey> {
  if (transport === 'rsa-oaep') {
    const publicKey = await ctx.keys.publicKey(key.spki, 'encrypt:RSA-OAEP:SHA-256', () => importPublicKey(ctx, key, { name: 'RSA-OAEP', hash: 'SHA-256' }, 'encrypt'));
    const encryptedKey = new Uint8Array(await ctx.subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, cek));
    return { keyEncryptionAlgorithm: kit.oaepKeyTransportIdentifier('sha-256'), encryptedKey };
  }
  // WebCrypto has no RSAES-PKCS1-v1_5: the block is padded here, and m^e mod n (no secret involved) is
  // the rsaEncryptRaw hook's (Node's OpenSSL from the Node entry) or BigInt arithmetic's.
  const size = key.modulus.length;
  const em = kit.pkcs1v15Pad(cek, size, (length) => ctx.random(length));
  const encryptedKey =
    ctx.rsaEncryptRaw === undefined ? bigIntToBytes(modPow(bytesToBigInt(em), bytesToBigInt(key.exponent), bytesToBigInt(key.modulus)), size) : await rawPublic(ctx.rsaEncryptRaw, key.spki, em, size);
  return { keyEncryptionAlgorithm: kit.rsaPkcs1KeyTransportIdentifier(), encryptedKey };
}

/**
 * Recovers a content-encryption key of `keyLength` octets. OAEP failures are the generic error.
 * PKCS#1 v1.5 never fails here: a bad block yields a random key (RFC 3218 2.3.2), drawn before the
 * RSA operation, so the failure only shows later as a content that does not decrypt.
 */
export async function unwrapKey(ctx: Context, params: kit.KeyTransportParams, rsa: RsaPrivateKey, encryptedKey: Bytes, keyLength: number): Promise<Bytes> {
  const { pkcs8, rsaPrivateKey } = rsa;
  if (params.kind === 'rsa-oaep') {
    let key: Bytes;
    try {
      const hash = webCryptoHash(params.hash);
      const privateKey = await ctx.keys.privateKey(rsa, `decrypt:RSA-OAEP:${hash}`, () => ctx.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-OAEP', hash }, false, ['decrypt']));
      key = new Uint8Array(await ctx.subtle.decrypt({ name: 'RSA-OAEP', label: params.label }, privateKey, encryptedKey));
    } catch {
      throw decryptionFailed();
    }
    if (key.length !== keyLength) throw decryptionFailed();
    return key;
  }
  const fallback = ctx.random(keyLength);
  const block = await rawRsaBlock(ctx, pkcs8, rsaPrivateKey, encryptedKey);
  return kit.pkcs1v15UnpadKey(block, keyLength, fallback);
}

/**
 * c^d mod n as a block of the ciphertext's length; an all-zero block (which no unpadding accepts)
 * when the operation cannot be done, so every failure takes the same path as a bad padding.
 */
async function rawRsaBlock(ctx: Context, pkcs8: Bytes, rsaPrivateKey: Bytes, encryptedKey: Bytes): Promise<Bytes> {
  const size = encryptedKey.length;
  let raw: Uint8Array | null;
  try {
    raw = ctx.rsaDecryptRaw === undefined ? rsaPrivateRaw(rsaPrivateKey, encryptedKey, (n) => ctx.random(n)) : await ctx.rsaDecryptRaw(pkcs8, encryptedKey);
  } catch {
    raw = null;
  }
  const block = new Uint8Array(size);
  if (raw instanceof Uint8Array && raw.length <= size) block.set(raw, size - raw.length);
  return arrayBufferBacked(block);
}

/** The hook's m^e mod n, left-padded to the modulus length; anything else is a backend failure, not a short key block. */
async function rawPublic(hook: NonNullable<Context['rsaEncryptRaw']>, spki: Uint8Array, block: Uint8Array, size: number): Promise<Bytes> {
  const out = await hook(spki, block);
  if (!(out instanceof Uint8Array) || out.length > size) throw new SealpostError('ERR_BACKEND', 'the RSA public-key hook returned something other than one block');
  const padded = new Uint8Array(size);
  padded.set(out, size - out.length);
  return padded;
}
