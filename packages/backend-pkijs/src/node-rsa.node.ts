/// <reference types="node" />
import { type KeyObject, constants, createHash, createPrivateKey, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { rsaPublicJwkOfSpki } from '@sealpost/core/backend-kit';

/**
 * c^d mod n by Node's OpenSSL (RSA_NO_PADDING: allowed for decryption on Node 20, unlike
 * RSA_PKCS1_PADDING since CVE-2023-46809; OpenSSL blinds it). The backend checks the padding itself, in
 * constant time, with the RFC 3218 countermeasure. The backend hands over the same key array for the
 * same key, so each key is loaded into OpenSSL once (a WeakMap: it goes when the backend drops the key).
 */
export async function nodeRsaDecryptRaw(pkcs8: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(privateDecrypt({ key: nodeKeyOf(pkcs8), padding: constants.RSA_NO_PADDING }, ciphertext));
}

const NODE_KEYS = new WeakMap<Uint8Array, KeyObject>();

function nodeKeyOf(pkcs8: Uint8Array): KeyObject {
  let key = NODE_KEYS.get(pkcs8);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
    NODE_KEYS.set(pkcs8, key);
  }
  return key;
}

/**
 * m^e mod n by Node's OpenSSL, for PKCS#1 v1.5 key transport when encrypting: the backend pads the
 * block itself, OpenSSL only exponentiates (RSA_NO_PADDING). Public keys are loaded once per key array.
 */
export async function nodeRsaEncryptRaw(spki: Uint8Array, block: Uint8Array): Promise<Uint8Array> {
  let key = PUBLIC_KEYS.get(spki);
  if (key === undefined) {
    // A JWK loads some 20 times faster than an SPKI (OpenSSL 3's decoder search), and a campaign loads one per recipient.
    const jwk = rsaPublicJwkOfSpki(spki);
    key = jwk === null ? createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }) : createPublicKey({ key: jwk, format: 'jwk' });
    PUBLIC_KEYS.set(spki, key);
  }
  return new Uint8Array(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block));
}

const PUBLIC_KEYS = new WeakMap<Uint8Array, KeyObject>();

const NODE_HASHES = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' } as const;

/** SHA-1/SHA-2 by node:crypto, synchronously: no WebCrypto job (and its thread-pool round trip) per digest. */
export function nodeDigest(algorithm: keyof typeof NODE_HASHES, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(NODE_HASHES[algorithm]).update(data).digest());
}
