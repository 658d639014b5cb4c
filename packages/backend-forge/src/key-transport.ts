import type { KeyTransport } from '@sealpost/core';
import { decryptionFailed, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import { messageDigest } from './algorithms.js';
import { fromBinaryString, toBinaryString } from './bytes.js';
import type { Context } from './context.js';
import type { RsaPrivateKey, RsaPublicKey } from './keys.js';
import { forgePublicKey, rsaPrivateBlock, rsaPublicBlock } from './rsa.js';

/** RSA key transport of the content-encryption key: PKCS#1 v1.5 and RSAES-OAEP. */

export interface WrappedKey {
  readonly keyEncryptionAlgorithm: Uint8Array;
  readonly encryptedKey: Uint8Array;
}

export function wrapKey(ctx: Context, transport: KeyTransport, key: RsaPublicKey, cek: Uint8Array): WrappedKey {
  if (transport === 'rsa-oaep') {
    if (key.modulus.length < cek.length + 2 * kit.digestLength('sha-256') + 2) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is too small for RSAES-OAEP with SHA-256');
    // node-forge's OAEP encoder, given the seed from this backend's random source.
    const options = { md: messageDigest('sha-256'), mgf1: { md: messageDigest('sha-256') }, seed: toBinaryString(ctx.random(kit.digestLength('sha-256'))) };
    const encryptedKey = fromBinaryString(forgePublicKey(key).encrypt(toBinaryString(cek), 'RSA-OAEP', options));
    return { keyEncryptionAlgorithm: kit.oaepKeyTransportIdentifier('sha-256'), encryptedKey };
  }
  let em: Uint8Array;
  try {
    em = kit.pkcs1v15Pad(cek, key.modulus.length, (length) => ctx.random(length));
  } catch {
    throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is too small for PKCS#1 v1.5 key transport');
  }
  const encryptedKey = rsaPublicBlock(key, em);
  if (encryptedKey === null) throw new SealpostError('ERR_BACKEND', 'RSA encryption failed');
  return { keyEncryptionAlgorithm: kit.rsaPkcs1KeyTransportIdentifier(), encryptedKey };
}

/**
 * Recovers a content-encryption key of `keyLength` octets. OAEP failures are the generic error.
 * PKCS#1 v1.5 never fails here: a bad block yields a random key (RFC 3218 2.3.2), drawn before the
 * RSA operation, so the failure shows only later, as content that does not decrypt.
 */
export function unwrapKey(ctx: Context, params: kit.KeyTransportParams, key: RsaPrivateKey, encryptedKey: Uint8Array, keyLength: number): Uint8Array {
  if (params.kind === 'rsa-oaep') {
    let cek: Uint8Array;
    try {
      const options = { md: messageDigest(params.hash), mgf1: { md: messageDigest(params.hash) }, label: toBinaryString(params.label) };
      cek = fromBinaryString(key.key.decrypt(toBinaryString(encryptedKey), 'RSA-OAEP', options));
    } catch {
      throw decryptionFailed();
    }
    if (cek.length !== keyLength) throw decryptionFailed();
    return cek;
  }
  const fallback = ctx.random(keyLength);
  return kit.pkcs1v15UnpadKey(rawBlock(key, encryptedKey), keyLength, fallback);
}

/**
 * c^d mod n, never unpadded by node-forge (whose v1.5 decoder throws "Encryption block is invalid."
 * and so would be an oracle). An all-zero block, which no unpadding accepts, stands in when the
 * operation cannot be done, so that every failure takes the same path as a bad padding.
 */
function rawBlock(key: RsaPrivateKey, encryptedKey: Uint8Array): Uint8Array {
  try {
    return rsaPrivateBlock(key, encryptedKey);
  } catch {
    return new Uint8Array(key.size);
  }
}
