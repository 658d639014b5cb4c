import { arrayBufferBacked, backendKit as kit, concatBytes, decryptionFailed, SealpostError } from '@sealpost/core';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';

/** AES-CBC (RFC 3565) and AES-GCM (RFC 5084) content encryption through WebCrypto. */

const GCM_NONCE_LENGTH = 12;
const GCM_TAG_LENGTH = 16;

export interface EncryptedContent {
  /** DER of the algorithm parameters: the IV, or GCMParameters. */
  readonly parameters: Bytes;
  readonly ciphertext: Bytes;
  /** The GCM tag, carried apart from the ciphertext in AuthEnvelopedData's mac field. */
  readonly mac: Bytes | null;
}

export async function encryptContent(ctx: Context, cipher: kit.CipherSpec, cek: Bytes, content: Uint8Array): Promise<EncryptedContent> {
  const key = await importAesKey(ctx, cipher, cek, 'encrypt');
  if (cipher.mode === 'cbc') {
    const iv = ctx.random(16);
    const ciphertext = new Uint8Array(await ctx.subtle.encrypt({ name: 'AES-CBC', iv }, key, arrayBufferBacked(content)));
    return { parameters: kit.cbcParameters(iv), ciphertext, mac: null };
  }
  const nonce = ctx.random(GCM_NONCE_LENGTH);
  const sealed = new Uint8Array(await ctx.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: GCM_TAG_LENGTH * 8 }, key, arrayBufferBacked(content)));
  return {
    parameters: kit.gcmParameters(nonce, GCM_TAG_LENGTH),
    ciphertext: sealed.slice(0, sealed.length - GCM_TAG_LENGTH),
    mac: sealed.slice(sealed.length - GCM_TAG_LENGTH),
  };
}

/**
 * Decrypts content; any failure (wrong key, bad CBC padding, bad GCM tag, bad length) is the one
 * generic decryption error. WebCrypto checks the GCM tag before it returns anything, so a failed
 * tag releases no plaintext.
 */
export async function decryptContent(
  ctx: Context,
  cipher: kit.CipherSpec,
  cek: Bytes,
  parameters: kit.ContentParameters,
  ciphertext: Uint8Array,
  mac: Uint8Array | null,
  additionalData: Uint8Array | null,
): Promise<Bytes> {
  const key = await importAesKey(ctx, cipher, cek, 'decrypt');
  try {
    if (parameters.mode === 'cbc') return new Uint8Array(await ctx.subtle.decrypt({ name: 'AES-CBC', iv: parameters.iv }, key, arrayBufferBacked(ciphertext)));
    if (mac === null || mac.length !== parameters.icvLength) throw decryptionFailed();
    const algorithm: AesGcmParams = { name: 'AES-GCM', iv: parameters.nonce, tagLength: parameters.icvLength * 8 };
    if (additionalData !== null) algorithm.additionalData = arrayBufferBacked(additionalData);
    return new Uint8Array(await ctx.subtle.decrypt(algorithm, key, concatBytes(ciphertext, mac)));
  } catch {
    throw decryptionFailed();
  }
}

// Only the key length, a public fact, can make the import fail (Chromium has no 192-bit AES).
async function importAesKey(ctx: Context, cipher: kit.CipherSpec, cek: Bytes, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  try {
    return await ctx.subtle.importKey('raw', cek, { name: cipher.mode === 'cbc' ? 'AES-CBC' : 'AES-GCM' }, false, [usage]);
  } catch {
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `this runtime's WebCrypto cannot use ${cipher.name}`);
  }
}
