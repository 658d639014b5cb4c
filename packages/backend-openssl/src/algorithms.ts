import type { ContentCipher, DigestAlgorithm, KeyAgreement } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';

/** The algorithms `openssl cms` (3.0 and later) uses in CMS, with their OIDs and OpenSSL names. */

export const DIGESTS: readonly { readonly name: DigestAlgorithm; readonly oid: string; readonly openssl: string }[] = [
  { name: 'md5', oid: kit.OID.md5, openssl: 'md5' },
  { name: 'sha-1', oid: kit.OID.sha1, openssl: 'sha1' },
  { name: 'sha-224', oid: kit.OID.sha224, openssl: 'sha224' },
  { name: 'sha-256', oid: kit.OID.sha256, openssl: 'sha256' },
  { name: 'sha-384', oid: kit.OID.sha384, openssl: 'sha384' },
  { name: 'sha-512', oid: kit.OID.sha512, openssl: 'sha512' },
];

/**
 * The content ciphers this backend writes (AES only), claimed when a loaded provider offers them.
 * ChaCha20-Poly1305 (RFC 8103) is missing on purpose: OpenSSL 3.0 has the cipher but not its CMS
 * encoding ("unsupported content encryption"). 3DES and RC2 are read in-process and never written
 * (`LEGACY_READ_CIPHERS`).
 */
export const CIPHERS: readonly { readonly name: ContentCipher; readonly oid: string; readonly openssl: string }[] = [
  { name: 'aes-128-cbc', oid: kit.OID.aes128Cbc, openssl: 'aes-128-cbc' },
  { name: 'aes-192-cbc', oid: kit.OID.aes192Cbc, openssl: 'aes-192-cbc' },
  { name: 'aes-256-cbc', oid: kit.OID.aes256Cbc, openssl: 'aes-256-cbc' },
  { name: 'aes-128-gcm', oid: kit.OID.aes128Gcm, openssl: 'aes-128-gcm' },
  { name: 'aes-192-gcm', oid: kit.OID.aes192Gcm, openssl: 'aes-192-gcm' },
  { name: 'aes-256-gcm', oid: kit.OID.aes256Gcm, openssl: 'aes-256-gcm' },
];

/**
 * Read whatever the providers offer: 3DES on node:crypto (Node's OpenSSL default provider), RC2 by core's
 * legacy ciphers, after `pkeyutl` has unwrapped the key. The legacy provider is not needed for either.
 */
export const LEGACY_READ_CIPHERS: readonly ContentCipher[] = ['des-ede3-cbc', 'rc2-cbc'];

export const CURVES: readonly { readonly curve: string; readonly keyType: 'ec-p256' | 'ec-p384' | 'ec-p521'; readonly agreement: KeyAgreement }[] = [
  { curve: 'P-256', keyType: 'ec-p256', agreement: 'ecdh-p256' },
  { curve: 'P-384', keyType: 'ec-p384', agreement: 'ecdh-p384' },
  { curve: 'P-521', keyType: 'ec-p521', agreement: 'ecdh-p521' },
];

export const KEY_OID = {
  rsa: kit.OID.rsaEncryption,
  rsaPss: kit.OID.rsassaPss,
  ec: kit.OID.ecPublicKey,
} as const;

export function digestByName(name: DigestAlgorithm): (typeof DIGESTS)[number] | undefined {
  return DIGESTS.find((d) => d.name === name);
}

export function cipherByName(name: ContentCipher): (typeof CIPHERS)[number] | undefined {
  return CIPHERS.find((c) => c.name === name);
}
