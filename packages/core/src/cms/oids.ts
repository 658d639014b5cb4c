import type { ContentCipher, DigestAlgorithm, KeyTransport } from '../backend.js';
import { CONTENT_CIPHER_OIDS } from '../backend-kit/algorithms.js';
import { OID as KIT_OID } from '../backend-kit/oids.js';

/** The names core's CMS reader uses; the values come from the one OID table in backend-kit/oids.ts. */
export const OID = {
  data: KIT_OID.data,
  signedData: KIT_OID.signedData,
  envelopedData: KIT_OID.envelopedData,
  authEnvelopedData: KIT_OID.authEnvelopedData,
  contentTypeAttr: KIT_OID.contentType,
  messageDigestAttr: KIT_OID.messageDigest,
  signingTimeAttr: KIT_OID.signingTime,
  smimeCapabilitiesAttr: KIT_OID.smimeCapabilities,
  rsaEncryption: KIT_OID.rsaEncryption,
  rsaesOaep: KIT_OID.rsaesOaep,
  rsassaPss: KIT_OID.rsassaPss,
} as const;

export const DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = {
  [KIT_OID.md5]: 'md5',
  [KIT_OID.sha1]: 'sha-1',
  [KIT_OID.sha224]: 'sha-224',
  [KIT_OID.sha256]: 'sha-256',
  [KIT_OID.sha384]: 'sha-384',
  [KIT_OID.sha512]: 'sha-512',
};

/** Signature algorithm OIDs that fix their own digest (the weak ones matter for policy). */
export const SIGNATURE_DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = {
  [KIT_OID.md5WithRsa]: 'md5',
  [KIT_OID.sha1WithRsa]: 'sha-1',
  [KIT_OID.ecdsaWithSha1]: 'sha-1',
  '1.2.840.10040.4.3': 'sha-1',
  [KIT_OID.sha224WithRsa]: 'sha-224',
  [KIT_OID.sha256WithRsa]: 'sha-256',
  [KIT_OID.sha384WithRsa]: 'sha-384',
  [KIT_OID.sha512WithRsa]: 'sha-512',
  [KIT_OID.ecdsaWithSha256]: 'sha-256',
  [KIT_OID.ecdsaWithSha384]: 'sha-384',
  [KIT_OID.ecdsaWithSha512]: 'sha-512',
};

export const SIGNATURE_NAME_BY_OID: Readonly<Record<string, string>> = {
  [KIT_OID.rsaEncryption]: 'rsa-pkcs1',
  [KIT_OID.md5WithRsa]: 'rsa-pkcs1',
  [KIT_OID.sha1WithRsa]: 'rsa-pkcs1',
  [KIT_OID.sha256WithRsa]: 'rsa-pkcs1',
  [KIT_OID.sha384WithRsa]: 'rsa-pkcs1',
  [KIT_OID.sha512WithRsa]: 'rsa-pkcs1',
  [KIT_OID.sha224WithRsa]: 'rsa-pkcs1',
  [KIT_OID.rsassaPss]: 'rsa-pss',
  [KIT_OID.ecPublicKey]: 'ecdsa',
  [KIT_OID.ecdsaWithSha1]: 'ecdsa',
  [KIT_OID.ecdsaWithSha256]: 'ecdsa',
  [KIT_OID.ecdsaWithSha384]: 'ecdsa',
  [KIT_OID.ecdsaWithSha512]: 'ecdsa',
  '1.2.840.10040.4.1': 'dsa',
  '1.2.840.10040.4.3': 'dsa',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
};

export const CIPHER_BY_OID: Readonly<Record<string, ContentCipher>> = Object.fromEntries(
  Object.entries(CONTENT_CIPHER_OIDS).map(([name, oid]) => [oid, name as ContentCipher]),
);

export const KEY_TRANSPORT_BY_OID: Readonly<Record<string, KeyTransport>> = {
  [OID.rsaEncryption]: 'rsa-pkcs1',
  [OID.rsaesOaep]: 'rsa-oaep',
};

export function cipherOid(cipher: ContentCipher): string {
  if (!Object.hasOwn(CONTENT_CIPHER_OIDS, cipher)) throw new RangeError(`unknown cipher ${cipher}`);
  return CONTENT_CIPHER_OIDS[cipher];
}

export function isAuthenticatedCipher(cipher: ContentCipher | string): boolean {
  return cipher.endsWith('-gcm') || cipher === 'chacha20-poly1305';
}
