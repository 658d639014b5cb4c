import type { ContentCipher, DigestAlgorithm } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';
import { OID } from './oids.js';

/** Names, OIDs and WebCrypto spellings of the algorithms this backend knows. */

export type WebCryptoHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

interface DigestSpec {
  readonly oid: string;
  /** Null where WebCrypto has no such hash. */
  readonly webCrypto: WebCryptoHash | null;
  readonly length: number;
}

const DIGESTS: Readonly<Record<DigestAlgorithm, DigestSpec>> = {
  md5: { oid: OID.md5, webCrypto: null, length: 16 },
  'sha-1': { oid: OID.sha1, webCrypto: 'SHA-1', length: 20 },
  'sha-224': { oid: OID.sha224, webCrypto: null, length: 28 },
  'sha-256': { oid: OID.sha256, webCrypto: 'SHA-256', length: 32 },
  'sha-384': { oid: OID.sha384, webCrypto: 'SHA-384', length: 48 },
  'sha-512': { oid: OID.sha512, webCrypto: 'SHA-512', length: 64 },
};

export function digestOid(digest: DigestAlgorithm): string {
  return DIGESTS[digest].oid;
}

export function digestLength(digest: DigestAlgorithm): number {
  return DIGESTS[digest].length;
}

export function digestFromOid(oid: string): DigestAlgorithm | null {
  for (const [name, spec] of Object.entries(DIGESTS)) if (spec.oid === oid) return name as DigestAlgorithm;
  return null;
}

/** The WebCrypto name of a digest, or ERR_UNSUPPORTED_DIGEST where WebCrypto lacks it. */
export function webCryptoHash(digest: DigestAlgorithm): WebCryptoHash {
  const name = DIGESTS[digest]?.webCrypto ?? null;
  if (name === null) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this backend`);
  return name;
}

export interface CipherSpec {
  readonly name: ContentCipher;
  readonly oid: string;
  readonly mode: 'cbc' | 'gcm';
  readonly keyLength: 16 | 24 | 32;
}

/** The content ciphers this backend encrypts and decrypts with (WebCrypto AES-CBC and AES-GCM). */
export const AES_CIPHERS: readonly CipherSpec[] = [
  { name: 'aes-128-cbc', oid: OID.aes128Cbc, mode: 'cbc', keyLength: 16 },
  { name: 'aes-192-cbc', oid: OID.aes192Cbc, mode: 'cbc', keyLength: 24 },
  { name: 'aes-256-cbc', oid: OID.aes256Cbc, mode: 'cbc', keyLength: 32 },
  { name: 'aes-128-gcm', oid: OID.aes128Gcm, mode: 'gcm', keyLength: 16 },
  { name: 'aes-192-gcm', oid: OID.aes192Gcm, mode: 'gcm', keyLength: 24 },
  { name: 'aes-256-gcm', oid: OID.aes256Gcm, mode: 'gcm', keyLength: 32 },
];

export function aesCipherByName(name: ContentCipher): CipherSpec | null {
  return AES_CIPHERS.find((c) => c.name === name) ?? null;
}

/** Every content cipher's OID, for naming ciphers in SMIMECapabilities and in error messages. */
export const CONTENT_CIPHER_OIDS: Readonly<Record<ContentCipher, string>> = {
  'aes-128-cbc': OID.aes128Cbc,
  'aes-192-cbc': OID.aes192Cbc,
  'aes-256-cbc': OID.aes256Cbc,
  'aes-128-gcm': OID.aes128Gcm,
  'aes-192-gcm': OID.aes192Gcm,
  'aes-256-gcm': OID.aes256Gcm,
  'des-ede3-cbc': OID.desEde3Cbc,
  'rc2-cbc': OID.rc2Cbc,
  'chacha20-poly1305': OID.chacha20Poly1305,
};

export function contentCipherFromOid(oid: string): ContentCipher | null {
  for (const [name, value] of Object.entries(CONTENT_CIPHER_OIDS)) if (value === oid) return name as ContentCipher;
  return null;
}
