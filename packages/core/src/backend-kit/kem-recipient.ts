import * as der from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';
import type { MlKemParameterSet } from '../backend.js';
import { decryptionFailed, SealpostError } from '../errors.js';
import type { CertificateFacts } from './certificate-facts.js';
import { cmsMalformed, type KemRecipient } from './cms-reader.js';
import { issuerAndSerialNumber } from './identifiers.js';
import { type Digest, hkdf, type KeyWrapLength } from './key-agreement.js';
import { ML_KEM_SHARED_SECRET_LENGTH, mlKemCiphertextLength, mlKemOid, mlKemParameterSetOf } from './post-quantum.js';
import type { KemPrimitives } from './primitives.js';
import type { AbortSignalLike } from '../runtime-types.js';

/**
 * KEMRecipientInfo (RFC 9629) with ML-KEM (RFC 9936), read and written once for every backend: the KEM
 * names the recipient key's parameter set, the KDF is HKDF (RFC 8619; HKDF-SHA256 is the one RFC 9936 asks
 * every implementation to support) with no salt over CMSORIforKEMOtherInfo, the wrap is AES key wrap and
 * kekLength its key size. A backend only encapsulates, decapsulates and wraps.
 */

type HkdfHash = 'sha-256' | 'sha-384' | 'sha-512';

const HKDF_BY_OID: ReadonlyMap<string, HkdfHash> = new Map([
  [OID.hkdfWithSha256, 'sha-256'],
  [OID.hkdfWithSha384, 'sha-384'],
  [OID.hkdfWithSha512, 'sha-512'],
]);

const AES_WRAP_BY_OID: ReadonlyMap<string, KeyWrapLength> = new Map([
  [OID.aes128Wrap, 16],
  [OID.aes192Wrap, 24],
  [OID.aes256Wrap, 32],
]);

const AES_WRAP_BY_LENGTH: Readonly<Record<KeyWrapLength, string>> = { 16: OID.aes128Wrap, 24: OID.aes192Wrap, 32: OID.aes256Wrap };

/** What a KEMRecipientInfo asks for, checked against the recipient's key. */
export interface KemRecipientParams {
  readonly parameterSet: MlKemParameterSet;
  readonly hash: HkdfHash;
  readonly kekLength: KeyWrapLength;
}

function unsupportedKem(message: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_KEM', message);
}

/**
 * Resolves a KEMRecipientInfo addressed to a certificate with an ML-KEM key of `keySet`, before any key is
 * used: ERR_UNSUPPORTED_KEM for a KEM, KDF or wrap outside ML-KEM, HKDF and AES key wrap; ERR_CMS_MALFORMED
 * for parameters where the RFCs have none, a KEM other than the key's parameter set, or a kekLength that is
 * not the wrap's key size (RFC 9936 3: implementations MUST confirm that L is consistent with the wrap).
 */
export function kemRecipientParams(recipient: KemRecipient, keySet: MlKemParameterSet): KemRecipientParams {
  const parameterSet = mlKemParameterSetOf(recipient.kem.oid);
  if (parameterSet === null) throw unsupportedKem(`KEM ${recipient.kem.oid} is not supported (ML-KEM-512, -768 and -1024 only)`);
  if (recipient.kem.parameters !== undefined) throw cmsMalformed('ML-KEM algorithm parameters must be absent');
  if (parameterSet !== keySet) throw cmsMalformed(`the KEMRecipientInfo names ${parameterSet}, the recipient key is ${keySet}`);
  const hash = HKDF_BY_OID.get(recipient.kdf.oid);
  if (hash === undefined) throw unsupportedKem(`KDF ${recipient.kdf.oid} is not supported (HKDF with SHA-256, SHA-384 or SHA-512 only)`);
  if (recipient.kdf.parameters !== undefined) throw cmsMalformed('HKDF parameters must be absent (RFC 8619)');
  const kekLength = AES_WRAP_BY_OID.get(recipient.wrap.oid);
  if (kekLength === undefined) throw unsupportedKem(`key wrap ${recipient.wrap.oid} is not supported (AES key wrap only)`);
  if (recipient.wrap.parameters !== undefined) throw cmsMalformed('AES key-wrap parameters must be absent');
  if (recipient.kekLength !== kekLength) throw cmsMalformed(`kekLength ${recipient.kekLength} is not the key size of the key wrap (${kekLength})`);
  return { parameterSet, hash, kekLength };
}

/** CMSORIforKEMOtherInfo ::= SEQUENCE { wrap, kekLength INTEGER, ukm [0] EXPLICIT UserKeyingMaterial OPTIONAL } (RFC 9629 5). */
export function cmsOriForKemOtherInfo(wrapAlgorithm: Uint8Array, kekLength: number, ukm: Uint8Array | null): Uint8Array<ArrayBuffer> {
  return der.sequence(wrapAlgorithm, der.integer(kekLength), ...(ukm === null ? [] : [der.explicit(0, der.octetString(ukm))]));
}

/** The KEK: HKDF with no salt (RFC 9936 3.1), the shared secret as IKM, CMSORIforKEMOtherInfo as info. */
export async function kemKeyEncryptionKey(digest: Digest, hash: HkdfHash, sharedSecret: Uint8Array, info: Uint8Array, kekLength: number): Promise<Uint8Array<ArrayBuffer>> {
  return hkdf(digest, hash, sharedSecret, info, kekLength);
}

/**
 * The content-encryption key of `keyLength` octets from a KEMRecipientInfo: decapsulate, derive the KEK,
 * unwrap. A kemct of the wrong length, a wrong key or a tampered kemct (which ML-KEM's implicit rejection
 * turns into a random secret), a failed unwrap and an unwrapped key of the wrong length are all the one
 * decryption failure.
 */
export async function kemUnwrapKey(
  primitives: KemPrimitives,
  recipient: KemRecipient,
  params: KemRecipientParams,
  privateKey: Parameters<KemPrimitives['kemDecapsulate']>[0]['privateKey'],
  keyLength: number,
  signal: AbortSignalLike | undefined,
): Promise<Uint8Array> {
  if (recipient.kemct.length !== mlKemCiphertextLength(params.parameterSet) || recipient.encryptedKey.length !== keyLength + 8) throw decryptionFailed();
  const sharedSecret = await primitives.kemDecapsulate({ parameterSet: params.parameterSet, privateKey, ciphertext: recipient.kemct, signal });
  let kek: Uint8Array;
  try {
    if (sharedSecret.length !== ML_KEM_SHARED_SECRET_LENGTH) throw decryptionFailed();
    kek = await kemKeyEncryptionKey(primitives.digest, params.hash, sharedSecret, cmsOriForKemOtherInfo(recipient.wrapEncoding, recipient.kekLength, recipient.ukm), params.kekLength);
  } finally {
    sharedSecret.fill(0);
  }
  let key: Uint8Array;
  try {
    key = await primitives.unwrapKeyAes({ kek, key: recipient.encryptedKey });
  } finally {
    kek.fill(0);
  }
  if (key.length !== keyLength) {
    key.fill(0);
    throw decryptionFailed();
  }
  return key;
}

/**
 * What Sealpost writes for an ML-KEM recipient (RFC 9936 3): HKDF-SHA256, and AES-128 key wrap for ML-KEM-512
 * unless the content key is longer (then AES-256, so the wrap is never the weaker link), AES-256 key wrap for
 * ML-KEM-768 and ML-KEM-1024.
 */
export function kemWrapLength(parameterSet: MlKemParameterSet, contentKeyLength: number): KeyWrapLength {
  return parameterSet === 'ml-kem-512' && contentKeyLength <= 16 ? 16 : 32;
}

/**
 * ori [4] { id-ori-kem, KEMRecipientInfo } for one recipient: a fresh encapsulation to its key, the KEK from
 * HKDF-SHA256, the content key wrapped with it; version 0, no ukm, the recipient named by issuerAndSerialNumber.
 */
export async function kemRecipientInfo(
  primitives: KemPrimitives,
  recipient: { readonly certificate: CertificateFacts; readonly parameterSet: MlKemParameterSet; readonly publicKey: Uint8Array },
  key: Uint8Array,
  signal: AbortSignalLike | undefined,
): Promise<Uint8Array<ArrayBuffer>> {
  const kekLength = kemWrapLength(recipient.parameterSet, key.length);
  const wrapAlgorithm = der.algorithmIdentifier(AES_WRAP_BY_LENGTH[kekLength]);
  const { ciphertext, sharedSecret } = await primitives.kemEncapsulate({ parameterSet: recipient.parameterSet, publicKey: recipient.publicKey, signal });
  let kek: Uint8Array;
  try {
    kek = await kemKeyEncryptionKey(primitives.digest, 'sha-256', sharedSecret, cmsOriForKemOtherInfo(wrapAlgorithm, kekLength, null), kekLength);
  } finally {
    sharedSecret.fill(0);
  }
  let encryptedKey: Uint8Array;
  try {
    encryptedKey = await primitives.wrapKeyAes({ kek, key });
  } finally {
    kek.fill(0);
  }
  const kemri = der.sequence(
    der.integer(0),
    issuerAndSerialNumber(recipient.certificate),
    der.algorithmIdentifier(mlKemOid(recipient.parameterSet)),
    der.octetString(ciphertext),
    der.algorithmIdentifier(OID.hkdfWithSha256),
    der.integer(kekLength),
    wrapAlgorithm,
    der.octetString(encryptedKey),
  );
  return der.implicitConstructed(4, der.oid(OID.oriKem), kemri);
}

/** The primitives as KemPrimitives; ERR_UNSUPPORTED_KEM for a backend without them. */
export function kemPrimitives<T extends object>(primitives: T & Partial<KemPrimitives>): T & KemPrimitives {
  const { digest, kemEncapsulate, kemDecapsulate, wrapKeyAes, unwrapKeyAes } = primitives;
  if (digest === undefined || kemEncapsulate === undefined || kemDecapsulate === undefined || wrapKeyAes === undefined || unwrapKeyAes === undefined)
    throw unsupportedKem('this backend has no KEM (KEMRecipientInfo)');
  return primitives as T & KemPrimitives;
}
