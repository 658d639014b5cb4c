import { arrayBufferBacked, concatBytes, decryptionFailed, der, SealpostError } from '@sealpost/core';
import { childrenOf, isUniversal, octetsOf, smallIntegerOf, type Node } from './asn1.js';
import type { CipherSpec } from './algorithms.js';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';

/** AES-CBC (RFC 3565) and AES-GCM (RFC 5084) content encryption through WebCrypto. */

export type ContentParameters =
  | { readonly mode: 'cbc'; readonly iv: Bytes }
  | { readonly mode: 'gcm'; readonly nonce: Bytes; readonly icvLength: number };

const GCM_NONCE_LENGTH = 12;
const GCM_TAG_LENGTH = 16;

export interface EncryptedContent {
  /** DER of the algorithm parameters: the IV, or GCMParameters. */
  readonly parameters: Bytes;
  readonly ciphertext: Bytes;
  /** The GCM tag, carried apart from the ciphertext in AuthEnvelopedData's mac field. */
  readonly mac: Bytes | null;
}

export async function encryptContent(ctx: Context, cipher: CipherSpec, cek: Bytes, content: Uint8Array): Promise<EncryptedContent> {
  const key = await importAesKey(ctx, cipher, cek, 'encrypt');
  if (cipher.mode === 'cbc') {
    const iv = ctx.random(16);
    const ciphertext = new Uint8Array(await ctx.subtle.encrypt({ name: 'AES-CBC', iv }, key, arrayBufferBacked(content)));
    return { parameters: der.octetString(iv), ciphertext, mac: null };
  }
  const nonce = ctx.random(GCM_NONCE_LENGTH);
  const sealed = new Uint8Array(await ctx.subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: GCM_TAG_LENGTH * 8 }, key, arrayBufferBacked(content)));
  return {
    parameters: der.sequence(der.octetString(nonce), der.integer(GCM_TAG_LENGTH)),
    ciphertext: sealed.slice(0, sealed.length - GCM_TAG_LENGTH),
    mac: sealed.slice(sealed.length - GCM_TAG_LENGTH),
  };
}

/** Reads the cipher's parameters; malformed ones are a structural error, found before any key work. */
export function contentParametersOf(cipher: CipherSpec, parameters: Node | undefined): ContentParameters {
  if (cipher.mode === 'cbc') {
    const iv = isUniversal(parameters, 4) ? octetsOf(parameters) : null;
    if (iv === null || iv.length !== 16) throw new SealpostError('ERR_CMS_MALFORMED', 'the AES-CBC parameters are not a 16-octet IV');
    return { mode: 'cbc', iv };
  }
  const parts = isUniversal(parameters, 16) ? childrenOf(parameters) : null;
  const nonce = isUniversal(parts?.[0], 4) ? octetsOf(parts?.[0]) : null;
  // RFC 5084 3.2: aes-ICVlen is 12..16 and defaults to 12.
  const icvLength = parts?.[1] === undefined ? 12 : smallIntegerOf(parts[1]);
  if (parts === null || parts.length > 2 || nonce === null || nonce.length === 0 || icvLength === null || icvLength < 12 || icvLength > 16)
    throw new SealpostError('ERR_CMS_MALFORMED', 'the AES-GCM parameters are malformed');
  return { mode: 'gcm', nonce, icvLength };
}

/**
 * Decrypts content; any failure (wrong key, bad CBC padding, bad GCM tag, bad length) is the one
 * generic decryption error. WebCrypto checks the GCM tag before it returns anything, so a failed
 * tag releases no plaintext.
 */
export async function decryptContent(
  ctx: Context,
  cipher: CipherSpec,
  cek: Bytes,
  parameters: ContentParameters,
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
async function importAesKey(ctx: Context, cipher: CipherSpec, cek: Bytes, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  try {
    return await ctx.subtle.importKey('raw', cek, { name: cipher.mode === 'cbc' ? 'AES-CBC' : 'AES-GCM' }, false, [usage]);
  } catch {
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `this runtime's WebCrypto cannot use ${cipher.name}`);
  }
}
