import type { ContentCipher, DigestAlgorithm, KeyAgreement } from '@sealpost/core';

/** The algorithms `openssl cms` (3.0 and later) uses in CMS, with their OIDs and OpenSSL names. */

export const DIGESTS: readonly { readonly name: DigestAlgorithm; readonly oid: string; readonly openssl: string }[] = [
  { name: 'md5', oid: '1.2.840.113549.2.5', openssl: 'md5' },
  { name: 'sha-1', oid: '1.3.14.3.2.26', openssl: 'sha1' },
  { name: 'sha-224', oid: '2.16.840.1.101.3.4.2.4', openssl: 'sha224' },
  { name: 'sha-256', oid: '2.16.840.1.101.3.4.2.1', openssl: 'sha256' },
  { name: 'sha-384', oid: '2.16.840.1.101.3.4.2.2', openssl: 'sha384' },
  { name: 'sha-512', oid: '2.16.840.1.101.3.4.2.3', openssl: 'sha512' },
];

/**
 * Content ciphers `openssl cms` can write and read. ChaCha20-Poly1305 (RFC 8103) is missing on
 * purpose: OpenSSL 3.0 has the cipher but not its CMS encoding ("unsupported content encryption").
 */
export const CIPHERS: readonly { readonly name: ContentCipher; readonly oid: string; readonly openssl: string }[] = [
  { name: 'aes-128-cbc', oid: '2.16.840.1.101.3.4.1.2', openssl: 'aes-128-cbc' },
  { name: 'aes-192-cbc', oid: '2.16.840.1.101.3.4.1.22', openssl: 'aes-192-cbc' },
  { name: 'aes-256-cbc', oid: '2.16.840.1.101.3.4.1.42', openssl: 'aes-256-cbc' },
  { name: 'aes-128-gcm', oid: '2.16.840.1.101.3.4.1.6', openssl: 'aes-128-gcm' },
  { name: 'aes-192-gcm', oid: '2.16.840.1.101.3.4.1.26', openssl: 'aes-192-gcm' },
  { name: 'aes-256-gcm', oid: '2.16.840.1.101.3.4.1.46', openssl: 'aes-256-gcm' },
  { name: 'des-ede3-cbc', oid: '1.2.840.113549.3.7', openssl: 'des-ede3-cbc' },
  { name: 'rc2-cbc', oid: '1.2.840.113549.3.2', openssl: 'rc2-cbc' },
];

export const CURVES: readonly { readonly curve: string; readonly keyType: 'ec-p256' | 'ec-p384' | 'ec-p521'; readonly agreement: KeyAgreement }[] = [
  { curve: 'P-256', keyType: 'ec-p256', agreement: 'ecdh-p256' },
  { curve: 'P-384', keyType: 'ec-p384', agreement: 'ecdh-p384' },
  { curve: 'P-521', keyType: 'ec-p521', agreement: 'ecdh-p521' },
];

export const KEY_OID = {
  rsa: '1.2.840.113549.1.1.1',
  rsaPss: '1.2.840.113549.1.1.10',
  ec: '1.2.840.10045.2.1',
} as const;

export function digestByName(name: DigestAlgorithm): (typeof DIGESTS)[number] | undefined {
  return DIGESTS.find((d) => d.name === name);
}

export function cipherByName(name: ContentCipher): (typeof CIPHERS)[number] | undefined {
  return CIPHERS.find((c) => c.name === name);
}
