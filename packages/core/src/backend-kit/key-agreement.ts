import * as der from '../asn1/der-writer.js';
import { type AlgorithmNode, type Node, absentOrNull, algorithmOf, bitStringBytes, childrenOf, isContext, oidOf } from '../asn1/accessors.js';
import { NAMED_CURVE_BY_OID, OID } from '../asn1/oids.js';
import type { DigestAlgorithm, KeyAgreement } from '../backend.js';
import { concatBytes } from '../bytes.js';
import { SealpostError } from '../errors.js';
import { digestLength } from './algorithms.js';
import { type AgreementCurve, CURVE25519_KEY_LENGTH, type PublicKeyFacts, curveSize } from './certificate-facts.js';
import { keyAgreementUnsupported } from './capabilities.js';
import { cmsMalformed } from './cms-reader.js';
import type { KeyAgreementPrimitives } from './primitives.js';

/**
 * ECDH key agreement in CMS as RFC 5753 defines it: ephemeral-static (the sender's fresh key travels as
 * an OriginatorPublicKey), the dhSinglePass schemes, the ANSI X9.63 KDF over ECC-CMS-SharedInfo, and
 * AES key wrap (RFC 3394, RFC 3565) of the content key. X25519 (RFC 8418) is the same construction on
 * curve25519, with HKDF as a second KDF. Reading and writing the identifiers and the KDFs are here,
 * once; a backend computes only the shared secret, the digests and the key wrap.
 */

export type KeyWrapLength = 16 | 24 | 32;

/** What a KeyAgreeRecipientInfo's keyEncryptionAlgorithm asks for. */
export interface KeyAgreementParams {
  /** The ANSI X9.63 KDF (RFC 5753, RFC 8418 2.1) or HKDF (RFC 8418 2.2). */
  readonly kdf: 'x963' | 'hkdf';
  /** Standard or cofactor Diffie-Hellman (the cofactor schemes are X9.63 on the NIST curves only). */
  readonly dh: 'standard' | 'cofactor';
  /** The hash of the KDF. */
  readonly hash: DigestAlgorithm;
  /** The key-encryption key's length: the AES key wrap's key size. */
  readonly kekLength: KeyWrapLength;
  /** The KeyWrapAlgorithm, DER: ECC-CMS-SharedInfo's keyInfo. */
  readonly wrapAlgorithm: Uint8Array<ArrayBuffer>;
}

type KdfHash = 'sha-1' | 'sha-256' | 'sha-384' | 'sha-512';

/**
 * The schemes read, by OID. The cofactor schemes compute the same secret as the standard ones on P-256,
 * P-384 and P-521, whose cofactor is 1. The SHA-224 KDFs are not read: WebCrypto has no SHA-224, and
 * every backend must answer the same. SHA-1 is read because it is what `openssl cms` writes by default.
 */
type Scheme = Pick<KeyAgreementParams, 'kdf' | 'dh'> & { readonly hash: KdfHash };

const SCHEME_BY_OID: ReadonlyMap<string, Scheme> = new Map([
  [OID.dhSinglePassStdDHSha1kdfScheme, { kdf: 'x963', dh: 'standard', hash: 'sha-1' }],
  [OID.dhSinglePassStdDHSha256kdfScheme, { kdf: 'x963', dh: 'standard', hash: 'sha-256' }],
  [OID.dhSinglePassStdDHSha384kdfScheme, { kdf: 'x963', dh: 'standard', hash: 'sha-384' }],
  [OID.dhSinglePassStdDHSha512kdfScheme, { kdf: 'x963', dh: 'standard', hash: 'sha-512' }],
  [OID.dhSinglePassCofactorDHSha1kdfScheme, { kdf: 'x963', dh: 'cofactor', hash: 'sha-1' }],
  [OID.dhSinglePassCofactorDHSha256kdfScheme, { kdf: 'x963', dh: 'cofactor', hash: 'sha-256' }],
  [OID.dhSinglePassCofactorDHSha384kdfScheme, { kdf: 'x963', dh: 'cofactor', hash: 'sha-384' }],
  [OID.dhSinglePassCofactorDHSha512kdfScheme, { kdf: 'x963', dh: 'cofactor', hash: 'sha-512' }],
  [OID.dhSinglePassStdDHHkdfSha256Scheme, { kdf: 'hkdf', dh: 'standard', hash: 'sha-256' }],
  [OID.dhSinglePassStdDHHkdfSha384Scheme, { kdf: 'hkdf', dh: 'standard', hash: 'sha-384' }],
  [OID.dhSinglePassStdDHHkdfSha512Scheme, { kdf: 'hkdf', dh: 'standard', hash: 'sha-512' }],
]);

const STD_DH_BY_HASH: Readonly<Record<KdfHash, string>> = {
  'sha-1': OID.dhSinglePassStdDHSha1kdfScheme,
  'sha-256': OID.dhSinglePassStdDHSha256kdfScheme,
  'sha-384': OID.dhSinglePassStdDHSha384kdfScheme,
  'sha-512': OID.dhSinglePassStdDHSha512kdfScheme,
};

const AES_WRAP_BY_OID: ReadonlyMap<string, KeyWrapLength> = new Map([
  [OID.aes128Wrap, 16],
  [OID.aes192Wrap, 24],
  [OID.aes256Wrap, 32],
]);

const AES_WRAP_BY_LENGTH: Readonly<Record<KeyWrapLength, string>> = { 16: OID.aes128Wrap, 24: OID.aes192Wrap, 32: OID.aes256Wrap };

/** The capability name of key agreement on each curve. */
export const AGREEMENT_BY_CURVE: Readonly<Record<AgreementCurve, KeyAgreement>> = { 'P-256': 'ecdh-p256', 'P-384': 'ecdh-p384', 'P-521': 'ecdh-p521', X25519: 'x25519' };

/**
 * The KDF hash written for each curve: RFC 5753 section 8 matches it to the curve's strength; RFC 8418
 * 2.1 has X25519 implementations support the X9.63 KDF with SHA-256, the one every peer reads.
 */
const KDF_HASH_BY_CURVE: Readonly<Record<AgreementCurve, KdfHash>> = { 'P-256': 'sha-256', 'P-384': 'sha-384', 'P-521': 'sha-512', X25519: 'sha-256' };

/** The curve of a key-agreement recipient key, or null for a key that is not one (or on another curve). */
export function agreementCurveOf(key: PublicKeyFacts | null): AgreementCurve | null {
  if (key?.kind === 'ec') return key.curve;
  return key?.kind === 'x25519' ? 'X25519' : null;
}

/** The recipient's public key as the agreement uses it: the SEC 1 point, or the X25519 u-coordinate. */
export function agreementPublicKey(key: Extract<PublicKeyFacts, { kind: 'ec' | 'x25519' }>): Uint8Array {
  return key.kind === 'ec' ? key.point : key.key;
}

function unsupportedAgreement(message: string): SealpostError {
  return new SealpostError('ERR_UNSUPPORTED_KEY_AGREEMENT', message);
}

/**
 * Resolves a KeyAgreeRecipientInfo's keyEncryptionAlgorithm: a dhSinglePass scheme whose parameters are
 * the KeyWrapAlgorithm (RFC 5753 7.1.3, RFC 8418 2). ERR_UNSUPPORTED_KEY_AGREEMENT for another scheme
 * (ECMQV, the SHA-224 KDFs) or another key wrap (3DES); ERR_CMS_MALFORMED for a missing key wrap.
 * Which schemes fit which curve is `checkSchemeForCurve`'s question.
 */
export function keyAgreementOf(algorithm: AlgorithmNode): KeyAgreementParams {
  const scheme = SCHEME_BY_OID.get(algorithm.oid);
  if (scheme === undefined) throw unsupportedAgreement(`key agreement ${algorithm.oid} is not supported (dhSinglePass schemes with a SHA-1 or SHA-2 KDF only)`);
  const wrap = algorithmOf(algorithm.parameters);
  if (wrap === null) throw cmsMalformed('the key agreement algorithm does not name its key-wrap algorithm');
  const kekLength = AES_WRAP_BY_OID.get(wrap.oid);
  if (kekLength === undefined) throw unsupportedAgreement(`key wrap ${wrap.oid === OID.cms3DESwrap ? '3DES' : wrap.oid} is not supported (AES key wrap only)`);
  // RFC 3565 2.3.2: the parameters are absent. A NULL is read too and kept in the KDF input, as OpenSSL does.
  if (!absentOrNull(wrap.parameters)) throw cmsMalformed('AES key-wrap parameters must be absent');
  return { ...scheme, kekLength, wrapAlgorithm: der.algorithmIdentifier(wrap.oid, wrap.parameters === undefined ? undefined : der.nullValue()) };
}

/**
 * The schemes each curve is read with: on the NIST curves the X9.63 KDF (standard or cofactor DH, the
 * same computation there, whose cofactor is 1); with X25519 the standard schemes RFC 8418 defines, the
 * X9.63 KDF or HKDF with SHA-256, SHA-384 or SHA-512. ERR_UNSUPPORTED_KEY_AGREEMENT otherwise.
 */
export function checkSchemeForCurve(params: KeyAgreementParams, curve: AgreementCurve): void {
  if (curve !== 'X25519' && params.kdf === 'hkdf') throw unsupportedAgreement(`HKDF key agreement is supported with X25519 only, not on ${curve}`);
  if (curve === 'X25519' && (params.dh === 'cofactor' || params.hash === 'sha-1'))
    throw unsupportedAgreement('X25519 key agreement is supported with the standard dhSinglePass schemes and a SHA-2 KDF only (RFC 8418)');
}

/**
 * The sender's ephemeral public key on `curve` (the recipient's): OriginatorIdentifierOrKey must be
 * originatorKey (RFC 5753 3.1.1, RFC 8418 3.1), id-ecPublicKey with parameters absent, NULL or `curve`
 * itself, and an uncompressed point of the curve's size; for X25519, id-X25519 without parameters and
 * 32 octets. Whether the point lies on the curve is the backend's check (a failed decryption, like
 * every other wrong key material).
 */
export function originatorPublicKey(originator: Node, curve: AgreementCurve): Uint8Array<ArrayBuffer> {
  if (!isContext(originator, 1)) throw unsupportedAgreement('only ephemeral-static ECDH (an originatorKey) is supported');
  const parts = childrenOf(originator);
  const algorithm = algorithmOf(parts?.[0]);
  const point = bitStringBytes(parts?.[1]);
  if (parts === null || parts.length !== 2 || algorithm === null || point === null) throw cmsMalformed('the originator key is malformed');
  if (curve === 'X25519') {
    if (algorithm.oid === OID.ecPublicKey) throw cmsMalformed("the originator key is not on the recipient's curve");
    if (algorithm.oid !== OID.x25519) throw unsupportedAgreement(`originator keys of type ${algorithm.oid} are not supported`);
    // RFC 8410 3: the parameters MUST be absent.
    if (algorithm.parameters !== undefined || point.length !== CURVE25519_KEY_LENGTH) throw cmsMalformed('the originator key is not a 32-octet X25519 key');
    return point;
  }
  if (algorithm.oid === OID.x25519) throw cmsMalformed("the originator key is not on the recipient's curve");
  if (algorithm.oid !== OID.ecPublicKey) throw unsupportedAgreement(`originator keys of type ${algorithm.oid} are not supported`);
  const parameters = algorithm.parameters;
  if (!absentOrNull(parameters) && NAMED_CURVE_BY_OID[oidOf(parameters) ?? ''] !== curve) throw cmsMalformed("the originator key is not on the recipient's curve");
  const size = curveSize(curve);
  if ((point[0] === 2 || point[0] === 3) && point.length === 1 + size) throw unsupportedAgreement('compressed originator keys are not supported');
  if (point[0] !== 4 || point.length !== 1 + 2 * size) throw cmsMalformed('the originator key is not an uncompressed point of the curve');
  return point;
}

/** ECC-CMS-SharedInfo (RFC 5753 7.2): keyInfo, the ukm as entityUInfo, and the KEK's length in bits. */
export function eccCmsSharedInfo(wrapAlgorithm: Uint8Array, ukm: Uint8Array | null, kekLength: KeyWrapLength): Uint8Array<ArrayBuffer> {
  const bits = kekLength * 8;
  const suppPubInfo = Uint8Array.of(bits >>> 24, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff);
  const entityUInfo = ukm === null ? [] : [der.explicit(0, der.octetString(ukm))];
  return der.sequence(wrapAlgorithm, ...entityUInfo, der.explicit(2, der.octetString(suppPubInfo)));
}

export type Digest = (algorithm: DigestAlgorithm, data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/**
 * The ANSI X9.63 KDF (SEC 1 3.6.1) RFC 5753 names: Hash(Z || counter || SharedInfo) for a 32-bit
 * big-endian counter from 1, concatenated and cut to `length` octets.
 */
export async function x963Kdf(digest: Digest, hash: DigestAlgorithm, sharedSecret: Uint8Array, sharedInfo: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const blockLength = digestLength(hash);
  const out = new Uint8Array(length);
  for (let counter = 1, offset = 0; offset < length; counter++, offset += blockLength) {
    const input = concatBytes(sharedSecret, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff), sharedInfo);
    const block = await digest(hash, input);
    // The input holds the shared secret: no copy of it outlives the call.
    input.fill(0);
    out.set(block.subarray(0, Math.min(blockLength, length - offset)), offset);
    block.fill(0);
  }
  return out;
}

const HMAC_BLOCK_LENGTH: Readonly<Record<KdfHash, number>> = { 'sha-1': 64, 'sha-256': 64, 'sha-384': 128, 'sha-512': 128 };

/** HMAC (RFC 2104) over the backend's digest. */
async function hmac(digest: Digest, hash: KdfHash, key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const blockLength = HMAC_BLOCK_LENGTH[hash];
  const block = new Uint8Array(blockLength);
  if (key.length > blockLength) {
    const hashed = await digest(hash, key);
    block.set(hashed);
    hashed.fill(0);
  } else block.set(key);
  const inner = concatBytes(
    block.map((b) => b ^ 0x36),
    data,
  );
  const innerHash = await digest(hash, inner);
  const outer = concatBytes(
    block.map((b) => b ^ 0x5c),
    innerHash,
  );
  try {
    return await digest(hash, outer);
  } finally {
    for (const secret of [block, inner, innerHash, outer]) secret.fill(0);
  }
}

/**
 * HKDF (RFC 5869) as RFC 8418 2.2 uses it: no salt (HashLen zero octets), the shared secret as input
 * keying material, the DER ECC-CMS-SharedInfo as info.
 */
export async function hkdf(digest: Digest, hash: KdfHash, sharedSecret: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  const hashLength = digestLength(hash);
  const prk = await hmac(digest, hash, new Uint8Array(hashLength), sharedSecret);
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  try {
    for (let counter = 1, offset = 0; offset < length; counter++, offset += hashLength) {
      const block = await hmac(digest, hash, prk, concatBytes(previous, info, Uint8Array.of(counter)));
      previous.fill(0);
      out.set(block.subarray(0, Math.min(hashLength, length - offset)), offset);
      previous = block;
    }
  } finally {
    previous.fill(0);
    prk.fill(0);
  }
  return out;
}

/**
 * The key-encryption key from the shared secret: the scheme's KDF over ECC-CMS-SharedInfo (RFC 5753 7.2,
 * RFC 8418 2). An all-zero X25519 secret, which a small-order sender key forces whatever the private key
 * (RFC 7748 6.1), is refused by `refuse` before any derivation.
 */
export async function keyEncryptionKey(
  digest: Digest,
  params: Pick<KeyAgreementParams, 'kdf' | 'hash' | 'kekLength' | 'wrapAlgorithm'>,
  curve: AgreementCurve,
  sharedSecret: Uint8Array,
  ukm: Uint8Array | null,
  refuse: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
  if (curve === 'X25519' && (sharedSecret.length !== CURVE25519_KEY_LENGTH || sharedSecret.every((b) => b === 0))) throw refuse();
  const sharedInfo = eccCmsSharedInfo(params.wrapAlgorithm, ukm, params.kekLength);
  const kdf = params.kdf === 'hkdf' ? hkdf : x963Kdf;
  return kdf(digest, params.hash as KdfHash, sharedSecret, sharedInfo, params.kekLength);
}

/**
 * What Sealpost writes for a recipient on `curve` (README "Key agreement"): RFC 5753 section 8's KDF hash
 * for the curve, and a key-encryption key as long as the content key (as `openssl cms` chooses it), so the
 * wrap is never the weaker link and never longer than what it protects.
 */
export function keyAgreementChoice(curve: AgreementCurve, contentKeyLength: number): { kdf: 'x963'; hash: KdfHash; kekLength: KeyWrapLength; wrapAlgorithm: Uint8Array<ArrayBuffer> } {
  const kekLength: KeyWrapLength = contentKeyLength <= 16 ? 16 : contentKeyLength <= 24 ? 24 : 32;
  return { kdf: 'x963', hash: KDF_HASH_BY_CURVE[curve], kekLength, wrapAlgorithm: der.algorithmIdentifier(AES_WRAP_BY_LENGTH[kekLength]) };
}

/** dhSinglePass-stdDH-shaNkdf-scheme with the KeyWrapAlgorithm as its parameters. */
export function keyAgreementIdentifier(hash: KdfHash, wrapAlgorithm: Uint8Array): Uint8Array<ArrayBuffer> {
  return der.algorithmIdentifier(STD_DH_BY_HASH[hash], wrapAlgorithm);
}

/**
 * originatorKey [1] OriginatorPublicKey: id-ecPublicKey without parameters (as OpenSSL writes it) and the
 * point, or id-X25519 without parameters and the 32-octet key (RFC 8418 3.1).
 */
export function originatorKey(point: Uint8Array, curve: AgreementCurve = 'P-256'): Uint8Array<ArrayBuffer> {
  return der.implicitConstructed(1, der.algorithmIdentifier(curve === 'X25519' ? OID.x25519 : OID.ecPublicKey), der.bitString(point));
}

/** The primitives as KeyAgreementPrimitives; ERR_UNSUPPORTED_KEY_AGREEMENT for a backend without them. */
export function agreementPrimitives<T extends object>(primitives: T & Partial<KeyAgreementPrimitives>): T & KeyAgreementPrimitives {
  const { digest, deriveSharedSecret, deriveEphemeralSharedSecret, wrapKeyAes, unwrapKeyAes } = primitives;
  if (digest === undefined || deriveSharedSecret === undefined || deriveEphemeralSharedSecret === undefined || wrapKeyAes === undefined || unwrapKeyAes === undefined) throw keyAgreementUnsupported();
  return primitives as T & KeyAgreementPrimitives;
}
