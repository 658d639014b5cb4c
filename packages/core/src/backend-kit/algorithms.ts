import type { ContentCipher, DigestAlgorithm } from '../backend.js';
import { SealpostError } from '../errors.js';
import { CIPHER_BY_OID, DIGEST_BY_OID, OID } from '../asn1/oids.js';

/** Names, OIDs and sizes of the digests and content ciphers CMS names; no implementations. */

interface DigestSpec {
  readonly oid: string;
  readonly length: number;
}

const DIGESTS: Readonly<Record<DigestAlgorithm, DigestSpec>> = {
  md5: { oid: OID.md5, length: 16 },
  'sha-1': { oid: OID.sha1, length: 20 },
  'sha-224': { oid: OID.sha224, length: 28 },
  'sha-256': { oid: OID.sha256, length: 32 },
  'sha-384': { oid: OID.sha384, length: 48 },
  'sha-512': { oid: OID.sha512, length: 64 },
};

function digestSpec(digest: DigestAlgorithm): DigestSpec {
  const spec = Object.hasOwn(DIGESTS, digest) ? DIGESTS[digest] : undefined;
  if (spec === undefined) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this backend`);
  return spec;
}

/** The digest's OID; ERR_UNSUPPORTED_DIGEST for a name outside DigestAlgorithm. */
export function digestOid(digest: DigestAlgorithm): string {
  return digestSpec(digest).oid;
}

/** The digest's output length in octets; ERR_UNSUPPORTED_DIGEST for a name outside DigestAlgorithm. */
export function digestLength(digest: DigestAlgorithm): number {
  return digestSpec(digest).length;
}

export function digestFromOid(oid: string): DigestAlgorithm | null {
  return DIGEST_BY_OID[oid] ?? null;
}

export interface CipherSpec {
  readonly name: ContentCipher;
  readonly oid: string;
  readonly mode: 'cbc' | 'gcm';
  /** The content-encryption key's length in octets. */
  readonly keyLength: number;
  /** RC2 only (RFC 2268): the effective key bits, which may be fewer than the key's. */
  readonly effectiveBits?: number;
}

/** An AES content cipher: the only kind the engine writes. */
export interface AesCipherSpec extends CipherSpec {
  readonly keyLength: 16 | 24 | 32;
}

/** The AES content ciphers (RFC 3565 CBC, RFC 5084 GCM) with what a backend needs to run them. */
export const AES_CIPHERS: readonly AesCipherSpec[] = [
  { name: 'aes-128-cbc', oid: OID.aes128Cbc, mode: 'cbc', keyLength: 16 },
  { name: 'aes-192-cbc', oid: OID.aes192Cbc, mode: 'cbc', keyLength: 24 },
  { name: 'aes-256-cbc', oid: OID.aes256Cbc, mode: 'cbc', keyLength: 32 },
  { name: 'aes-128-gcm', oid: OID.aes128Gcm, mode: 'gcm', keyLength: 16 },
  { name: 'aes-192-gcm', oid: OID.aes192Gcm, mode: 'gcm', keyLength: 24 },
  { name: 'aes-256-gcm', oid: OID.aes256Gcm, mode: 'gcm', keyLength: 32 },
];

export function aesCipherByName(name: ContentCipher): AesCipherSpec | null {
  return AES_CIPHERS.find((c) => c.name === name) ?? null;
}

export function contentCipherFromOid(oid: string): ContentCipher | null {
  return CIPHER_BY_OID[oid] ?? null;
}

/** Whether the content cipher authenticates (AuthEnvelopedData, RFC 5083) rather than only encrypts. */
export function isAuthenticatedCipher(cipher: ContentCipher | string): boolean {
  return cipher.endsWith('-gcm') || cipher === 'chacha20-poly1305';
}
