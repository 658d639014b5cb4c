import { backendKit as kit, constantTimeEqual, decryptionFailed, SealpostError } from '@sealpost/core';
import forge from 'node-forge';
import { fromBinaryString, toBinaryString } from './bytes.js';
import type { Context } from './context.js';

/** AES-CBC (RFC 3565) and AES-GCM (RFC 5084) content encryption on node-forge's AES. */

const BLOCK = 16;
const GCM_NONCE_LENGTH = 12;
const GCM_TAG_LENGTH = 16;

export interface EncryptedContent {
  /** DER of the algorithm parameters: the IV, or GCMParameters. */
  readonly parameters: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** The GCM tag, which AuthEnvelopedData carries in its mac field, apart from the ciphertext. */
  readonly mac: Uint8Array | null;
}

function keyBuffer(cek: Uint8Array): forge.util.ByteStringBuffer {
  return forge.util.createBuffer(toBinaryString(cek));
}

export function encryptContent(ctx: Context, cipher: kit.CipherSpec, cek: Uint8Array, content: Uint8Array): EncryptedContent {
  if (cipher.mode === 'cbc') {
    const iv = ctx.random(BLOCK);
    const aes = forge.cipher.createCipher('AES-CBC', keyBuffer(cek));
    aes.start({ iv: toBinaryString(iv) });
    aes.update(forge.util.createBuffer(toBinaryString(content)));
    if (!aes.finish()) throw new SealpostError('ERR_BACKEND', 'AES-CBC encryption failed');
    return { parameters: kit.cbcParameters(iv), ciphertext: fromBinaryString(aes.output.getBytes()), mac: null };
  }
  const nonce = ctx.random(GCM_NONCE_LENGTH);
  const aes = forge.cipher.createCipher('AES-GCM', keyBuffer(cek));
  aes.start({ iv: toBinaryString(nonce), tagLength: GCM_TAG_LENGTH * 8 });
  aes.update(forge.util.createBuffer(toBinaryString(content)));
  if (!aes.finish()) throw new SealpostError('ERR_BACKEND', 'AES-GCM encryption failed');
  return {
    parameters: kit.gcmParameters(nonce, GCM_TAG_LENGTH),
    ciphertext: fromBinaryString(aes.output.getBytes()),
    mac: fromBinaryString(aes.mode.tag.getBytes()),
  };
}

/**
 * Decrypts content. Every failure (wrong key, bad CBC padding, bad GCM tag, bad length, anything
 * node-forge throws) is the one generic decryption error, with no cause. GCM output is released
 * only after the tag has been checked.
 */
export function decryptContent(
  cipher: kit.CipherSpec,
  cek: Uint8Array,
  parameters: kit.ContentParameters,
  ciphertext: Uint8Array,
  mac: Uint8Array | null,
  additionalData: Uint8Array | null,
): Uint8Array {
  try {
    return parameters.mode === 'cbc' ? decryptCbc(cek, parameters.iv, ciphertext) : decryptGcm(cek, parameters, ciphertext, mac, additionalData);
  } catch {
    throw decryptionFailed();
  }
}

function decryptCbc(cek: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  // RFC 5652 6.3 always pads, so the ciphertext is one or more whole blocks.
  if (ciphertext.length === 0 || ciphertext.length % BLOCK !== 0) throw decryptionFailed();
  const aes = forge.cipher.createDecipher('AES-CBC', keyBuffer(cek));
  aes.start({ iv: toBinaryString(iv) });
  aes.update(forge.util.createBuffer(toBinaryString(ciphertext)));
  if (!aes.finish()) throw decryptionFailed();
  return fromBinaryString(aes.output.getBytes());
}

function decryptGcm(
  cek: Uint8Array,
  parameters: Extract<kit.ContentParameters, { mode: 'gcm' }>,
  ciphertext: Uint8Array,
  mac: Uint8Array | null,
  additionalData: Uint8Array | null,
): Uint8Array {
  if (mac === null || mac.length !== parameters.icvLength) throw decryptionFailed();
  const aes = forge.cipher.createDecipher('AES-GCM', keyBuffer(cek));
  aes.start({
    iv: toBinaryString(parameters.nonce),
    tagLength: parameters.icvLength * 8,
    tag: forge.util.createBuffer(toBinaryString(mac)),
    ...(additionalData === null ? {} : { additionalData: toBinaryString(additionalData) }),
  });
  aes.update(forge.util.createBuffer(toBinaryString(ciphertext)));
  // finish() is false when the tag does not match. The computed tag is compared once more here, in
  // constant time and over the whole ICV length, so that a change in how node-forge truncates or
  // compares tags cannot let a wrong one through. Only then is any output read.
  const tagMatches = aes.finish();
  const computed = fromBinaryString(aes.mode.tag.getBytes());
  if (!tagMatches || !constantTimeEqual(computed, mac)) throw decryptionFailed();
  return fromBinaryString(aes.output.getBytes());
}
