import type { ContentCipher, KeyAgreement, KeyTransport } from '@sealpost/core';

export type OperationId = 'sign-detached' | 'sign-opaque' | 'encrypt-cbc' | 'encrypt-gcm' | 'encrypt-oaep' | 'encrypt-ecdh' | 'sign-encrypt' | 'read-3des' | 'read-rc2';

export type CipherFamily = 'aes-cbc' | 'aes-gcm' | 'des-ede3' | 'rc2';

export interface Operation {
  readonly id: OperationId;
  readonly title: string;
  /** What the operation means, for the generated page. */
  readonly definition: string;
  /** The consumer verifies a signature. */
  readonly verifies: boolean;
  /** The consumer decrypts; the cipher families a producer may choose from, in order of preference. */
  readonly cipherFamilies: readonly CipherFamily[];
  readonly keyTransport: KeyTransport | null;
  /** Key agreement instead of key transport: the recipient is then carol, whose key is EC P-256. */
  readonly keyAgreement?: KeyAgreement;
  /** Old mail: Sealpost consumers read it under the legacy policy (it is refused by default), and never write it. */
  readonly legacy?: boolean;
}

export const OPERATIONS: readonly Operation[] = [
  {
    id: 'sign-detached',
    title: 'Detached signature (multipart/signed)',
    definition: 'RSA PKCS#1 v1.5 with SHA-256 over the whole MIME entity, signature in an application/pkcs7-signature part.',
    verifies: true,
    cipherFamilies: [],
    keyTransport: null,
  },
  {
    id: 'sign-opaque',
    title: 'Opaque signature (signed-data)',
    definition: 'RSA PKCS#1 v1.5 with SHA-256; the entity travels inside SignedData as application/pkcs7-mime; smime-type=signed-data.',
    verifies: true,
    cipherFamilies: [],
    keyTransport: null,
  },
  {
    id: 'encrypt-cbc',
    title: 'Encryption, AES-CBC with RSA PKCS#1 v1.5',
    definition: 'EnvelopedData with AES-CBC (AES-256 where the producer can choose, NSS always uses AES-128) and RSA PKCS#1 v1.5 key transport.',
    verifies: false,
    cipherFamilies: ['aes-cbc'],
    keyTransport: 'rsa-pkcs1',
  },
  {
    id: 'encrypt-gcm',
    title: 'Encryption, AES-GCM with RSA PKCS#1 v1.5',
    definition: 'AuthEnvelopedData (RFC 5083/5084) with AES-256-GCM and RSA PKCS#1 v1.5 key transport; consumers must report it authenticated.',
    verifies: false,
    cipherFamilies: ['aes-gcm'],
    keyTransport: 'rsa-pkcs1',
  },
  {
    id: 'encrypt-oaep',
    title: 'RSA-OAEP key transport',
    definition:
      'RSAES-OAEP key transport (SHA-256, MGF1-SHA-256), with AES-256-GCM AuthEnvelopedData where both sides have GCM and AES-CBC EnvelopedData otherwise, so that the cell tests OAEP alone; each cell shows the cipher used.',
    verifies: false,
    cipherFamilies: ['aes-gcm', 'aes-cbc'],
    keyTransport: 'rsa-oaep',
  },
  {
    id: 'encrypt-ecdh',
    title: 'ECDH key agreement (EC P-256 recipient)',
    definition:
      'Encryption to an EC P-256 certificate (carol): a KeyAgreeRecipientInfo with ephemeral-static ECDH, the X9.63 KDF and AES key wrap (RFC 5753), with AES-256-GCM AuthEnvelopedData where both sides have GCM and AES-CBC EnvelopedData otherwise; each cell shows the cipher and the KDF hash the producer chose.',
    verifies: false,
    cipherFamilies: ['aes-gcm', 'aes-cbc'],
    keyTransport: null,
    keyAgreement: 'ecdh-p256',
  },
  {
    id: 'sign-encrypt',
    title: 'Sign, then encrypt',
    definition: 'A detached signature (as above) wrapped in EnvelopedData with AES-CBC and RSA PKCS#1 v1.5, the combination every client reads; consumers decrypt, then verify.',
    verifies: true,
    cipherFamilies: ['aes-cbc'],
    keyTransport: 'rsa-pkcs1',
  },
  {
    id: 'read-3des',
    title: 'Reading old mail: 3DES',
    definition:
      'EnvelopedData with 3DES-CBC (des-ede3-cbc, RFC 3370) and RSA PKCS#1 v1.5, as mail clients wrote it before AES. Sealpost reads it under the legacy policy (`policy: { legacy: true }`, `--legacy`; refused by default) and never writes it, so its rows are refusals.',
    verifies: false,
    cipherFamilies: ['des-ede3'],
    keyTransport: 'rsa-pkcs1',
    legacy: true,
  },
  {
    id: 'read-rc2',
    title: 'Reading old mail: RC2',
    definition:
      'EnvelopedData with RC2-CBC (RFC 3370; 128 effective key bits where the producer can choose) and RSA PKCS#1 v1.5. Sealpost reads RC2 of 40, 64 and 128 bits under the legacy policy and never writes it.',
    verifies: false,
    cipherFamilies: ['rc2'],
    keyTransport: 'rsa-pkcs1',
    legacy: true,
  },
];

const CIPHERS_BY_FAMILY: Readonly<Record<CipherFamily, readonly ContentCipher[]>> = {
  // Strongest first: a producer uses the first one it has.
  'aes-cbc': ['aes-256-cbc', 'aes-192-cbc', 'aes-128-cbc'],
  'aes-gcm': ['aes-256-gcm', 'aes-192-gcm', 'aes-128-gcm'],
  'des-ede3': ['des-ede3-cbc'],
  rc2: ['rc2-128-cbc', 'rc2-64-cbc', 'rc2-40-cbc'],
};

export function operationById(id: OperationId): Operation {
  const op = OPERATIONS.find((o) => o.id === id);
  if (op === undefined) throw new RangeError(`unknown operation ${id}`);
  return op;
}

export function isOperationId(value: string): value is OperationId {
  return OPERATIONS.some((o) => o.id === value);
}

export function ciphersOf(family: CipherFamily): readonly ContentCipher[] {
  return CIPHERS_BY_FAMILY[family];
}

export function familyOf(cipher: string): CipherFamily | null {
  const families = Object.keys(CIPHERS_BY_FAMILY) as CipherFamily[];
  return families.find((family) => CIPHERS_BY_FAMILY[family].includes(cipher as ContentCipher)) ?? null;
}
