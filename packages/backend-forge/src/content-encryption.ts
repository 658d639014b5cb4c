import { constantTimeEqual, decryptionFailed, der, SealpostError } from '@sealpost/core';
import forge from 'node-forge';
import { childrenOf, isUniversal, octetsOf, smallIntegerOf, type Node } from './asn1.js';
import type { CipherSpec } from './algorithms.js';
import { fromBinaryString, toBinaryString } from './bytes.js';
import type { Context } from './context.js';

/** AES-CBC (RFC 3565) and AES-GCM (RFC 5084) content encryption on node-forge's AES. */

export type ContentParameters =
  | { readonly mode: 'cbc'; readonly iv: Uint8Array }
  | { readonly mode: 'gcm'; readonly nonce: Uint8Array; readonly icvLength: number };

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

export function encryptContent(ctx: Context, cipher: CipherSpec, cek: Uint8Array, content: Uint8Array): EncryptedContent {
  if (cipher.mode === 'cbc') {
    const iv = ctx.random(BLOCK);
    const aes = forge.cipher.createCipher('AES-CBC', keyBuffer(cek));
    aes.start({ iv: toBinaryString(iv) });
    aes.update(forge.util.createBuffer(toBinaryString(content)));
    if (!aes.finish()) throw new SealpostError('ERR_BACKEND', 'AES-CBC encryption failed');
    return { parameters: der.octetString(iv), ciphertext: fromBinaryString(aes.output.getBytes()), mac: null };
  }
  const nonce = ctx.random(GCM_NONCE_LENGTH);
  const aes = forge.cipher.createCipher('AES-GCM', keyBuffer(cek));
  aes.start({ iv: toBinaryString(nonce), tagLength: GCM_TAG_LENGTH * 8 });
  aes.update(forge.util.createBuffer(toBinaryString(content)));
  if (!aes.finish()) throw new SealpostError('ERR_BACKEND', 'AES-GCM encryption failed');
  return {
    parameters: der.sequence(der.octetString(nonce), der.integer(GCM_TAG_LENGTH)),
    ciphertext: fromBinaryString(aes.output.getBytes()),
    mac: fromBinaryString(aes.mode.tag.getBytes()),
  };
}

/** Reads the cipher's parameters; malformed or unusable ones are found before any key work. */
export function contentParametersOf(cipher: CipherSpec, parameters: Node | undefined): ContentParameters {
  if (cipher.mode === 'cbc') {
    const iv = isUniversal(parameters, 4) ? octetsOf(parameters) : null;
    if (iv === null || iv.length !== BLOCK) throw new SealpostError('ERR_CMS_MALFORMED', 'the AES-CBC parameters are not a 16-octet IV');
    return { mode: 'cbc', iv };
  }
  const parts = isUniversal(parameters, 16) ? childrenOf(parameters) : null;
  const nonce = isUniversal(parts?.[0], 4) ? octetsOf(parts?.[0]) : null;
  // RFC 5084 3.2: aes-ICVlen is 12 to 16 and defaults to 12.
  const icvLength = parts?.[1] === undefined ? 12 : smallIntegerOf(parts[1]);
  if (parts === null || parts.length > 2 || nonce === null || nonce.length === 0 || icvLength === null || icvLength < 12 || icvLength > 16)
    throw new SealpostError('ERR_CMS_MALFORMED', 'the AES-GCM parameters are malformed');
  // node-forge hashes other nonce lengths into the counter only when they are whole blocks; RFC 5084
  // recommends 12 octets, and every known writer uses 12.
  if (nonce.length !== GCM_NONCE_LENGTH) throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `AES-GCM nonces of ${nonce.length} octets are not supported by this backend`);
  return { mode: 'gcm', nonce, icvLength };
}

/**
 * Decrypts content. Every failure (wrong key, bad CBC padding, bad GCM tag, bad length, anything
 * node-forge throws) is the one generic decryption error, with no cause. GCM output is released
 * only after the tag has been checked.
 */
export function decryptContent(
  cipher: CipherSpec,
  cek: Uint8Array,
  parameters: ContentParameters,
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
  parameters: Extract<ContentParameters, { mode: 'gcm' }>,
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
