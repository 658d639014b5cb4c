import type { ContentCipher, DigestAlgorithm, KeyTransport } from '../backend.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  contentTypeAttr: '1.2.840.113549.1.9.3',
  messageDigestAttr: '1.2.840.113549.1.9.4',
  signingTimeAttr: '1.2.840.113549.1.9.5',
  smimeCapabilitiesAttr: '1.2.840.113549.1.9.15',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  rsassaPss: '1.2.840.113549.1.1.10',
} as const;

export const DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha-1',
  '2.16.840.1.101.3.4.2.4': 'sha-224',
  '2.16.840.1.101.3.4.2.1': 'sha-256',
  '2.16.840.1.101.3.4.2.2': 'sha-384',
  '2.16.840.1.101.3.4.2.3': 'sha-512',
};

/** Signature algorithm OIDs that fix their own digest (the weak ones matter for policy). */
export const SIGNATURE_DIGEST_BY_OID: Readonly<Record<string, DigestAlgorithm>> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha-1',
  '1.2.840.10045.4.1': 'sha-1',
  '1.2.840.10040.4.3': 'sha-1',
  '1.2.840.113549.1.1.14': 'sha-224',
  '1.2.840.113549.1.1.11': 'sha-256',
  '1.2.840.113549.1.1.12': 'sha-384',
  '1.2.840.113549.1.1.13': 'sha-512',
  '1.2.840.10045.4.3.2': 'sha-256',
  '1.2.840.10045.4.3.3': 'sha-384',
  '1.2.840.10045.4.3.4': 'sha-512',
};

export const SIGNATURE_NAME_BY_OID: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'rsa-pkcs1',
  '1.2.840.113549.1.1.4': 'rsa-pkcs1',
  '1.2.840.113549.1.1.5': 'rsa-pkcs1',
  '1.2.840.113549.1.1.11': 'rsa-pkcs1',
  '1.2.840.113549.1.1.12': 'rsa-pkcs1',
  '1.2.840.113549.1.1.13': 'rsa-pkcs1',
  '1.2.840.113549.1.1.14': 'rsa-pkcs1',
  '1.2.840.113549.1.1.10': 'rsa-pss',
  '1.2.840.10045.2.1': 'ecdsa',
  '1.2.840.10045.4.1': 'ecdsa',
  '1.2.840.10045.4.3.2': 'ecdsa',
  '1.2.840.10045.4.3.3': 'ecdsa',
  '1.2.840.10045.4.3.4': 'ecdsa',
  '1.2.840.10040.4.1': 'dsa',
  '1.2.840.10040.4.3': 'dsa',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
};

export const CIPHER_BY_OID: Readonly<Record<string, ContentCipher>> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
  '2.16.840.1.101.3.4.1.6': 'aes-128-gcm',
  '2.16.840.1.101.3.4.1.26': 'aes-192-gcm',
  '2.16.840.1.101.3.4.1.46': 'aes-256-gcm',
  '1.2.840.113549.3.7': 'des-ede3-cbc',
  '1.2.840.113549.3.2': 'rc2-cbc',
  '1.2.840.113549.1.9.16.3.18': 'chacha20-poly1305',
};

export const KEY_TRANSPORT_BY_OID: Readonly<Record<string, KeyTransport>> = {
  [OID.rsaEncryption]: 'rsa-pkcs1',
  [OID.rsaesOaep]: 'rsa-oaep',
};

export function cipherOid(cipher: ContentCipher): string {
  for (const [oid, name] of Object.entries(CIPHER_BY_OID)) if (name === cipher) return oid;
  throw new RangeError(`unknown cipher ${cipher}`);
}

export function isAuthenticatedCipher(cipher: ContentCipher | string): boolean {
  return cipher.endsWith('-gcm') || cipher === 'chacha20-poly1305';
}
