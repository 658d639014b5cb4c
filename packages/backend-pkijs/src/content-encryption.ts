import { arrayBufferBacked, concatBytes, decryptionFailed, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';

/** AES-CBC (RFC 3565) and AES-GCM (RFC 5084) content encryption through WebCrypto. */

/**
 * Encrypts content with the key and the fresh IV or nonce core's engine chose; for GCM the tag comes
 * back apart from the ciphertext, as AuthEnvelopedData carries it in its mac field.
 */
export async function encryptContent(ctx: Context, cipher: kit.CipherSpec, cek: Bytes, parameters: kit.ContentParameters, content: Uint8Array): Promise<{ ciphertext: Bytes; mac: Bytes | null }> {
  const key = await importAesKey(ctx, cipher, cek, 'encrypt');
  if (parameters.mode === 'cbc') {
    return { ciphertext: new Uint8Array(await ctx.subtle.encrypt({ name: 'AES-CBC', iv: parameters.iv }, key, arrayBufferBacked(content))), mac: null };
  }
  const tagLength = parameters.icvLength;
  const sealed = new Uint8Array(await ctx.subtle.encrypt({ name: 'AES-GCM', iv: parameters.nonce, tagLength: tagLength * 8 }, key, arrayBufferBacked(content)));
  // Views, not copies: the ciphertext is as large as the message.
  return { ciphertext: sealed.subarray(0, sealed.length - tagLength), mac: sealed.slice(sealed.length - tagLength) };
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
