import type { BackendCapabilities, ContentCipher, DigestAlgorithm, KeyTransport, PrivateKeyRef, SignatureScheme } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';

/**
 * What this backend can do, as data: the same signature and encryption algorithms as the PKI.js
 * backend, all in JavaScript. SHA-1 is listed so that old archives stay readable; whether a SHA-1
 * signature counts (by default it does not) is core's policy, and core refuses to sign with it.
 */
export const FORGE_CAPABILITIES: BackendCapabilities = Object.freeze({
  digests: Object.freeze(['sha-1', 'sha-256', 'sha-384', 'sha-512'] as const),
  signatureSchemes: Object.freeze(['rsa-pkcs1', 'rsa-pss', 'ecdsa'] as const),
  contentCiphers: Object.freeze(['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm'] as const),
  keyTransport: Object.freeze(['rsa-pkcs1', 'rsa-oaep'] as const),
  // ECDH (RFC 5753) and X25519 (RFC 8418) key agreement are not implemented.
  keyAgreement: Object.freeze([] as const),
  keyTypes: Object.freeze(['rsa', 'ec-p256', 'ec-p384'] as const),
  runtimes: Object.freeze(['node', 'browser', 'worker'] as const),
  keyUris: false,
});

export function assertDigest(digest: DigestAlgorithm): void {
  if (!FORGE_CAPABILITIES.digests.includes(digest))
    throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this backend`);
}

export function assertSignatureScheme(scheme: SignatureScheme): void {
  if (!FORGE_CAPABILITIES.signatureSchemes.includes(scheme))
    throw new SealpostError('ERR_UNSUPPORTED_SIGNATURE', `signature scheme ${String(scheme)} is not supported by this backend`);
}

export function assertContentCipher(cipher: ContentCipher): void {
  if (!FORGE_CAPABILITIES.contentCiphers.includes(cipher))
    throw new SealpostError('ERR_UNSUPPORTED_CIPHER', `content cipher ${String(cipher)} is not supported by this backend`);
}

export function assertKeyTransport(transport: KeyTransport): void {
  if (!FORGE_CAPABILITIES.keyTransport.includes(transport))
    throw new SealpostError('ERR_UNSUPPORTED_KEY_TRANSPORT', `key transport ${String(transport)} is not supported by this backend`);
}

/** The PKCS#8 bytes of a key reference; key URIs need a backend that resolves them. */
export function pkcs8Of(key: PrivateKeyRef): Uint8Array {
  if (typeof key === 'object' && key !== null) {
    if (key.type === 'pkcs8' && key.der instanceof Uint8Array) return key.der;
    if (key.type === 'uri') throw new SealpostError('ERR_UNSUPPORTED_KEY', 'this backend takes PKCS#8 keys, not key URIs');
  }
  throw new TypeError('privateKey must be { type: "pkcs8", der: Uint8Array } or { type: "uri", uri }');
}
