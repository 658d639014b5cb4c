import type { DigestAlgorithm, KeyTransport } from '@sealpost/core';
import { arrayBufferBacked, decryptionFailed, der, SealpostError } from '@sealpost/core';
import { algorithmOf, explicitFields, isUniversal, octetsOf, type AlgorithmNode } from './asn1.js';
import { digestFromOid, webCryptoHash } from './algorithms.js';
import type { Bytes } from './bytes.js';
import type { Context } from './context.js';
import type { PublicKeyFacts } from './keys.js';
import { OID } from './oids.js';
import { pkcs1v15Pad, pkcs1v15UnpadKey } from './pkcs1v15.js';
import { rsaPrivateRaw } from './rsa-private.js';
import { bigIntToBytes, bytesToBigInt, modPow } from './rsa-math.js';
import { hashIdentifierWithNull } from './signature-algorithms.js';

/** RSA key transport of the content-encryption key: PKCS#1 v1.5 and RSAES-OAEP. */

type RsaPublicKey = Extract<PublicKeyFacts, { kind: 'rsa' }>;

export interface WrappedKey {
  readonly keyEncryptionAlgorithm: Bytes;
  readonly encryptedKey: Bytes;
}

// RSAES-OAEP with SHA-256 and MGF1-SHA-256, the parameters `openssl cms -keyopt rsa_oaep_md:sha256` writes.
const OAEP_SHA256_IDENTIFIER = der.algorithmIdentifier(
  OID.rsaesOaep,
  der.sequence(der.explicit(0, hashIdentifierWithNull('sha-256')), der.explicit(1, der.algorithmIdentifier(OID.mgf1, hashIdentifierWithNull('sha-256')))),
);

export async function wrapKey(ctx: Context, transport: KeyTransport, key: RsaPublicKey, cek: Bytes): Promise<WrappedKey> {
  if (transport === 'rsa-oaep') {
    const publicKey = await ctx.subtle.importKey('spki', key.spki, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['encrypt']);
    const encryptedKey = new Uint8Array(await ctx.subtle.encrypt({ name: 'RSA-OAEP' }, publicKey, cek));
    return { keyEncryptionAlgorithm: OAEP_SHA256_IDENTIFIER, encryptedKey };
  }
  // WebCrypto has no RSAES-PKCS1-v1_5; the public operation involves no secret, so BigInt is fine.
  const n = bytesToBigInt(key.modulus);
  const size = key.modulus.length;
  const em = pkcs1v15Pad(cek, size, (length) => ctx.random(length));
  const encryptedKey = bigIntToBytes(modPow(bytesToBigInt(em), bytesToBigInt(key.exponent), n), size);
  return { keyEncryptionAlgorithm: der.algorithmIdentifier(OID.rsaEncryption, der.nullValue()), encryptedKey };
}

export type KeyTransportParams =
  | { readonly kind: 'rsa-pkcs1' }
  | { readonly kind: 'rsa-oaep'; readonly hash: DigestAlgorithm; readonly label: Bytes };

function unsupportedTransport(message: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', message);
}

/** Resolves a keyEncryptionAlgorithm; anything else throws ERR_UNSUPPORTED_KEY_TRANSPORT. */
export function keyTransportOf(algorithm: AlgorithmNode): KeyTransportParams {
  if (algorithm.oid === OID.rsaEncryption) return { kind: 'rsa-pkcs1' };
  if (algorithm.oid !== OID.rsaesOaep) throw unsupportedTransport(`key transport ${algorithm.oid} is not supported by this backend`);
  // RFC 8017 A.2.1 / RFC 4055 4.1: every field defaults to the SHA-1 choice and an empty label.
  const fields = algorithm.parameters === undefined ? new Map() : explicitFields(algorithm.parameters);
  if (fields === null) throw unsupportedTransport('malformed RSAES-OAEP parameters');
  const hashAlgorithm = fields.has(0) ? algorithmOf(fields.get(0)) : null;
  const hash = fields.has(0) ? (hashAlgorithm === null ? null : digestFromOid(hashAlgorithm.oid)) : 'sha-1';
  const mgf = fields.has(1) ? algorithmOf(fields.get(1)) : null;
  const mgfHashAlgorithm = mgf === null || mgf.oid !== OID.mgf1 ? null : algorithmOf(mgf.parameters);
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
 * RSA operation, so the failure only shows later as a content that does not decrypt.
 */
export async function unwrapKey(ctx: Context, params: KeyTransportParams, pkcs8: Bytes, rsaPrivateKey: Bytes, encryptedKey: Bytes, keyLength: number): Promise<Bytes> {
  if (params.kind === 'rsa-oaep') {
    let key: Bytes;
    try {
      const privateKey = await ctx.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-OAEP', hash: webCryptoHash(params.hash) }, false, ['decrypt']);
      key = new Uint8Array(await ctx.subtle.decrypt({ name: 'RSA-OAEP', label: params.label }, privateKey, encryptedKey));
    } catch {
      throw decryptionFailed();
    }
    if (key.length !== keyLength) throw decryptionFailed();
    return key;
  }
  const fallback = ctx.random(keyLength);
  const block = await rawRsaBlock(ctx, pkcs8, rsaPrivateKey, encryptedKey);
  return pkcs1v15UnpadKey(block, keyLength, fallback);
}

/**
 * c^d mod n as a block of the ciphertext's length; an all-zero block (which no unpadding accepts)
 * when the operation cannot be done, so every failure takes the same path as a bad padding.
 */
async function rawRsaBlock(ctx: Context, pkcs8: Bytes, rsaPrivateKey: Bytes, encryptedKey: Bytes): Promise<Bytes> {
  const size = encryptedKey.length;
  let raw: Uint8Array | null = null;
  try {
    raw = ctx.rsaDecryptRaw === undefined ? rsaPrivateRaw(rsaPrivateKey, encryptedKey, (n) => ctx.random(n)) : await ctx.rsaDecryptRaw(pkcs8, encryptedKey);
  } catch {
    raw = null;
  }
  const block = new Uint8Array(size);
  if (raw instanceof Uint8Array && raw.length <= size) block.set(raw, size - raw.length);
  return arrayBufferBacked(block);
}
