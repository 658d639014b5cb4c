import type { BackendCapabilities } from '@sealpost/core';

/**
 * What this backend can do, as data: the same signature and encryption algorithms as the PKI.js
 * backend, all in JavaScript. SHA-1 is listed so that old archives stay readable; whether a SHA-1
 * signature counts (by default it does not) is core's policy, and core refuses to sign with it.
 */
export const FORGE_CAPABILITIES: BackendCapabilities = Object.freeze({
  digests: Object.freeze(['sha-1', 'sha-256', 'sha-384', 'sha-512'] as const),
  // Ed25519 (RFC 8419) and X25519 (RFC 8418) on @noble/curves.
  // ML-DSA (RFC 9882) and ML-KEM (RFC 9936) with @noble/post-quantum: experimental until a second implementation agrees.
  signatureSchemes: Object.freeze(['rsa-pkcs1', 'rsa-pss', 'ecdsa', 'ed25519', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87'] as const),
  // 3DES and RC2 (any key size) are decrypted by core's legacy ciphers, never written.
  contentCiphers: Object.freeze(['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-192-gcm', 'aes-256-gcm', 'des-ede3-cbc', 'rc2-cbc'] as const),
  keyTransport: Object.freeze(['rsa-pkcs1', 'rsa-oaep'] as const),
  // ECDH (RFC 5753) on the NIST curves and X25519 (RFC 8418) with @noble/curves; X448 is not implemented.
  keyAgreement: Object.freeze(['ecdh-p256', 'ecdh-p384', 'ecdh-p521', 'x25519'] as const),
  kem: Object.freeze(['ml-kem-512', 'ml-kem-768', 'ml-kem-1024'] as const),
  keyTypes: Object.freeze(['rsa', 'ec-p256', 'ec-p384', 'ed25519', 'ml-dsa-44', 'ml-dsa-65', 'ml-dsa-87', 'ml-kem-512', 'ml-kem-768', 'ml-kem-1024'] as const),
  // Each is where tooling/runtimes runs the round trips: Node, a Chromium page and Web Worker, Deno, Bun.
  runtimes: Object.freeze(['node', 'browser', 'worker', 'deno', 'bun'] as const),
  keyUris: false,
});
