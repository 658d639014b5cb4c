import type { DigestAlgorithm, KeyTransport } from '@sealpost/core';
import { decryptionFailed, der, SealpostError } from '@sealpost/core';
import { algorithmOf, explicitFields, isUniversal, octetsOf, type AlgorithmNode } from './asn1.js';
import { digestFromOid, digestLength, digestOid, messageDigest } from './algorithms.js';
import { fromBinaryString, toBinaryString } from './bytes.js';
import type { Context } from './context.js';
import type { RsaPrivateKey, RsaPublicKey } from './keys.js';
import { OID } from './oids.js';
import { pkcs1v15Pad, pkcs1v15UnpadKey } from './pkcs1v15.js';
import { forgePublicKey, rsaPrivateBlock, rsaPublicBlock } from './rsa.js';

/** RSA key transport of the content-encryption key: PKCS#1 v1.5 and RSAES-OAEP. */

export interface WrappedKey {
  readonly keyEncryptionAlgorithm: Uint8Array;
  readonly encryptedKey: Uint8Array;
}

// RSAES-OAEP with SHA-256 and MGF1-SHA-256, byte for byte as `openssl cms -keyopt rsa_oaep_md:sha256`
// writes it: the hash identifiers without parameters, which RFC 4055 2.1 calls the correct encoding
// (every implementation must accept both that and NULL).
const OAEP_SHA256_IDENTIFIER = der.algorithmIdentifier(
  OID.rsaesOaep,
  der.sequence(der.explicit(0, der.algorithmIdentifier(digestOid('sha-256'))), der.explicit(1, der.algorithmIdentifier(OID.mgf1, der.algorithmIdentifier(digestOid('sha-256'))))),
);

export function wrapKey(ctx: Context, transport: KeyTransport, key: RsaPublicKey, cek: Uint8Array): WrappedKey {
  if (transport === 'rsa-oaep') {
    if (key.modulus.length < cek.length + 2 * digestLength('sha-256') + 2) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is too small for RSAES-OAEP with SHA-256');
    // node-forge's OAEP encoder, given the seed from this backend's random source.
    const options = { md: messageDigest('sha-256'), mgf1: { md: messageDigest('sha-256') }, seed: toBinaryString(ctx.random(digestLength('sha-256'))) };
    const encryptedKey = fromBinaryString(forgePublicKey(key).encrypt(toBinaryString(cek), 'RSA-OAEP', options));
    return { keyEncryptionAlgorithm: OAEP_SHA256_IDENTIFIER, encryptedKey };
  }
  let em: Uint8Array;
  try {
    em = pkcs1v15Pad(cek, key.modulus.length, (length) => ctx.random(length));
  } catch {
    throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the recipient key is too small for PKCS#1 v1.5 key transport');
  }
  const encryptedKey = rsaPublicBlock(key, em);
  if (encryptedKey === null) throw new SealpostError('ERR_BACKEND', 'RSA encryption failed');
  return { keyEncryptionAlgorithm: der.algorithmIdentifier(OID.rsaEncryption, der.nullValue()), encryptedKey };
}

export type KeyTransportParams =
  | { readonly kind: 'rsa-pkcs1' }
  | { readonly kind: 'rsa-oaep'; readonly hash: DigestAlgorithm; readonly label: Uint8Array };

function unsupportedTransport(message: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', message);
}

/** Resolves a keyEncryptionAlgorithm; anything else is ERR_UNSUPPORTED_KEY_TRANSPORT. */
export function keyTransportOf(algorithm: AlgorithmNode): KeyTransportParams {
  if (algorithm.oid === OID.rsaEncryption) return { kind: 'rsa-pkcs1' };
  if (algorithm.oid !== OID.rsaesOaep) throw unsupportedTransport(`key transport ${algorithm.oid} is not supported by this backend`);
  // RFC 8017 A.2.1 / RFC 4055 4.1: each field defaults to SHA-1, MGF1-SHA-1 and an empty label.
  const fields = algorithm.parameters === undefined ? new Map() : explicitFields(algorithm.parameters);
  if (fields === null) throw unsupportedTransport('malformed RSAES-OAEP parameters');
  const hashAlgorithm = fields.has(0) ? algorithmOf(fields.get(0)) : null;
  const hash = fields.has(0) ? (hashAlgorithm === null ? null : digestFromOid(hashAlgorithm.oid)) : 'sha-1';
  const mgf = fields.has(1) ? algorithmOf(fields.get(1)) : null;
  const mgfHashAlgorithm = mgf?.oid === OID.mgf1 ? algorithmOf(mgf.parameters) : null;
  const mgfHash = fields.has(1) ? (mgfHashAlgorithm === null ? null : digestFromOid(mgfHashAlgorithm.oid)) : 'sha-1';
  if (hash === null || hash === 'md5' || hash === 'sha-224' || mgfHash !== hash)
    throw unsupportedTransport('RSAES-OAEP is supported with SHA-1, SHA-256, SHA-384 or SHA-512 and MGF1 over the same hash');
  const source = fields.has(2) ? algorithmOf(fields.get(2)) : null;
  const label = fields.has(2) ? (source?.oid === OID.pSpecified && isUniversal(source.parameters, 4) ? octetsOf(source.parameters) : null) : new Uint8Array(0);
  if (label === null) throw unsupportedTransport('malformed RSAES-OAEP label source');
  return { kind: 'rsa-oaep', hash, label };
}

/**
 * Recovers a content-encryption key of `keyLength` octets. OAEP failures are the generic error.
 * PKCS#1 v1.5 never fails here: a bad block yields a random key (RFC 3218 2.3.2), drawn before the
 * RSA operation, so the failure shows only later, as content that does not decrypt.
 */
export function unwrapKey(ctx: Context, params: KeyTransportParams, key: RsaPrivateKey, encryptedKey: Uint8Array, keyLength: number): Uint8Array {
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
  return pkcs1v15UnpadKey(rawBlock(key, encryptedKey), keyLength, fallback);
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
