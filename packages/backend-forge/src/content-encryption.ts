import { cbc, gcm } from '@noble/ciphers/aes.js';
import { concatBytes, constantTimeEqual, decryptionFailed, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import forge from 'node-forge';
import { fromBinaryString, toBinaryString } from './bytes.js';

/** AES-CBC (RFC 3565) and AES-GCM (RFC 5084) content encryption on @noble/ciphers (node-forge's AES for short GCM tags). */

const BLOCK = 16;
const GCM_FULL_TAG = 16;

function keyBuffer(cek: Uint8Array): forge.util.ByteStringBuffer {
  return forge.util.createBuffer(toBinaryString(cek));
}

/**
 * Encrypts content with the key and the fresh IV or nonce core's engine chose; for GCM the 16-octet
 * tag comes back apart from the ciphertext, as AuthEnvelopedData carries it in its mac field. AES runs
 * on @noble/ciphers, on Uint8Arrays: node-forge's AES works on binary strings, which made a 25 MiB
 * attachment cost about twenty times its size in memory and ten seconds.
 */
export function encryptContent(cipher: kit.CipherSpec, cek: Uint8Array, parameters: kit.ContentParameters, content: Uint8Array): { ciphertext: Uint8Array; mac: Uint8Array | null } {
  if (parameters.mode === 'cbc') return { ciphertext: cbc(cek, parameters.iv).encrypt(content), mac: null };
  if (parameters.icvLength !== GCM_FULL_TAG) throw new SealpostError('ERR_BACKEND', 'this backend writes 16-octet GCM tags only');
  const sealed = gcm(cek, parameters.nonce).encrypt(content);
  return { ciphertext: sealed.subarray(0, sealed.length - GCM_FULL_TAG), mac: sealed.slice(sealed.length - GCM_FULL_TAG) };
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
  return cbc(cek, iv).decrypt(ciphertext);
}

function decryptGcm(cek: Uint8Array, parameters: Extract<kit.ContentParameters, { mode: 'gcm' }>, ciphertext: Uint8Array, mac: Uint8Array | null, additionalData: Uint8Array | null): Uint8Array {
  if (mac === null || mac.length !== parameters.icvLength) throw decryptionFailed();
  // The common case, a 16-octet tag, on @noble/ciphers: it checks the tag before it returns anything.
  if (mac.length === GCM_FULL_TAG) return gcm(cek, parameters.nonce, additionalData ?? undefined).decrypt(concatBytes(ciphertext, mac));
  // RFC 5084 also allows 12 to 15 octets, which noble's GCM does not take: node-forge's, for those few.
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
