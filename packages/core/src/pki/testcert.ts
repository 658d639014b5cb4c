/**
 * Building and signing X.509 certificates with WebCrypto, for test identities. Kept apart from
 * testpki.ts so tests can make certificates with unusual extensions (for chain rules).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { at, decodeAsn1, expectBitStringBytes, expectSequence } from '../asn1/shape.js';
import { arrayBufferBacked, randomBytes, utf8Encode } from '../bytes.js';
import {
  algorithmIdentifier,
  bitString,
  boolean,
  explicit,
  implicitConstructed,
  implicitPrimitive,
  integer,
  namedBits,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
  time,
  unsignedInteger,
  utf8String,
} from '../asn1/der-writer.js';
import { OID } from '../asn1/oids.js';
import type { TestKeyType } from './types.js';
import type { MlDsaParameterSet, MlKemParameterSet } from '../backend.js';
import { noble } from '../backend-kit/noble-post-quantum.js';
import { isMlDsaScheme, ML_DSA_SEED_LENGTH, ML_KEM_SEED_LENGTH, mlDsaOid, mlDsaPrivateKeyOf, mlKemOid, postQuantumPkcs8, postQuantumSpki } from '../backend-kit/post-quantum.js';

/**
 * An ML-DSA or ML-KEM test key (WebCrypto has neither): the expanded secret key @noble/post-quantum made
 * from the seed, which the PKCS#8 holds alone.
 */
export interface PostQuantumTestKey {
  readonly type: 'post-quantum';
  readonly secretKey: Uint8Array;
}

/** A key test certificates are signed with. */
export type TestSigningKey = CryptoKey | PostQuantumTestKey;

function isMlKemKeyType(keyType: TestKeyType): keyType is MlKemParameterSet {
  return keyType === 'ml-kem-512' || keyType === 'ml-kem-768' || keyType === 'ml-kem-1024';
}

function isMlDsaKeyType(keyType: TestKeyType): keyType is MlDsaParameterSet {
  return isMlDsaScheme(keyType);
}

/** A fresh ML-DSA or ML-KEM key pair from a random seed, stored in the seed form RFC 9881 and RFC 9935 recommend. */
async function postQuantumKeyPair(keyType: MlDsaParameterSet | MlKemParameterSet): Promise<TestKeyPair> {
  const dsa = isMlDsaKeyType(keyType);
  const seed = randomBytes(dsa ? ML_DSA_SEED_LENGTH : ML_KEM_SEED_LENGTH);
  const { ML_DSA, ML_KEM } = await noble();
  const pair = dsa ? ML_DSA[keyType].keygen(seed) : ML_KEM[keyType as MlKemParameterSet].keygen(seed);
  const oid = dsa ? mlDsaOid(keyType) : mlKemOid(keyType as MlKemParameterSet);
  return { keyType, privateKey: { type: 'post-quantum', secretKey: pair.secretKey }, pkcs8: postQuantumPkcs8(oid, seed), spki: postQuantumSpki(oid, pair.publicKey) };
}

export interface TestKeyPair {
  readonly keyType: TestKeyType;
  readonly privateKey: TestSigningKey;
  readonly pkcs8: Uint8Array;
  readonly spki: Uint8Array;
}

export interface ExtensionSpec {
  readonly oid: string;
  readonly critical: boolean;
  /** DER of the extension value (the contents of extnValue). */
  readonly value: Uint8Array;
}

export interface CertificateSpec {
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  readonly spki: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly extensions: readonly ExtensionSpec[];
  /** Serial magnitude; default 16 random octets, positive. */
  readonly serial?: Uint8Array;
  /** 3 (default) or 1: an X.509 v1 certificate, which has no version field and no extensions. */
  readonly version?: 1 | 3;
  /** Hash of an ECDSA issuer's signature; default SHA-256 (SHA-1 for testing the policy). */
  readonly ecdsaHash?: 'SHA-1' | 'SHA-256';
}

function signingAlgorithm(keyType: TestKeyType): RsaHashedKeyGenParams | EcKeyGenParams | Algorithm {
  switch (keyType) {
    case 'ml-dsa-44':
    case 'ml-dsa-65':
    case 'ml-dsa-87':
    case 'ml-kem-512':
    case 'ml-kem-768':
    case 'ml-kem-1024':
      throw new TypeError(`${keyType} keys are not WebCrypto keys`);
    case 'rsa-2048':
      return { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    case 'rsa-3072':
      return { name: 'RSASSA-PKCS1-v1_5', modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    case 'ec-p256':
      return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ed25519':
      return { name: 'Ed25519' };
    case 'x25519':
      return { name: 'X25519' };
  }
}

export async function generateKeyPair(keyType: TestKeyType): Promise<TestKeyPair> {
  if (isMlDsaKeyType(keyType) || isMlKemKeyType(keyType)) return postQuantumKeyPair(keyType);
  // An X25519 key agrees (RFC 8418) and never signs.
  const usages: KeyUsage[] = keyType === 'x25519' ? ['deriveBits'] : ['sign', 'verify'];
  const pair = (await globalThis.crypto.subtle.generateKey(signingAlgorithm(keyType), true, usages)) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await globalThis.crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const spki = new Uint8Array(await globalThis.crypto.subtle.exportKey('spki', pair.publicKey));
  return { keyType, privateKey: pair.privateKey, pkcs8, spki };
}

export async function importSigningKey(pkcs8: Uint8Array, keyType: TestKeyType): Promise<TestSigningKey> {
  if (isMlDsaKeyType(keyType)) {
    const key = mlDsaPrivateKeyOf(pkcs8);
    return { type: 'post-quantum', secretKey: key.expandedKey ?? (await noble()).ML_DSA[key.parameterSet].keygen(key.seed!).secretKey };
  }
  if (isMlKemKeyType(keyType)) throw new TypeError(`${keyType} keys cannot sign`);
  if (keyType === 'x25519') throw new TypeError('x25519 keys cannot sign');
  return globalThis.crypto.subtle.importKey('pkcs8', arrayBufferBacked(pkcs8), signingAlgorithm(keyType), false, ['sign']);
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const parts = expectSequence(decodeAsn1(spki, 'SubjectPublicKeyInfo'), 'SubjectPublicKeyInfo');
  return sha1(expectBitStringBytes(at(parts, 1, 'subjectPublicKey'), 'subjectPublicKey'));
}

/** A Name of single-valued RDNs, most general first as encoded (["O", ...], ["CN", ...]). */
export function nameDer(attributes: readonly (readonly [type: string, value: string])[]): Uint8Array {
  return sequence(...attributes.map(([type, value]) => setOf([sequence(oid(type), utf8String(value))])));
}

export function basicConstraints(ca: boolean, pathLength?: number): ExtensionSpec {
  const fields = ca ? [boolean(true), ...(pathLength === undefined ? [] : [integer(pathLength)])] : [];
  return { oid: OID.basicConstraints, critical: true, value: sequence(...fields) };
}

const KEY_USAGE_BIT: Readonly<Record<string, number>> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
};

export function keyUsage(names: readonly string[]): ExtensionSpec {
  const bits = names.map((name) => {
    const bit = KEY_USAGE_BIT[name];
    if (bit === undefined) throw new TypeError(`keyUsage: unknown bit ${name}`);
    return bit;
  });
  return { oid: OID.keyUsage, critical: true, value: namedBits(bits) };
}

export function extendedKeyUsage(purposes: readonly string[]): ExtensionSpec {
  return { oid: OID.extKeyUsage, critical: false, value: sequence(...purposes.map((purpose) => oid(purpose))) };
}

/** subjectAltName with one rfc822Name ([1] IMPLICIT IA5String, so ASCII only). */
export function subjectAltNameEmail(address: string): ExtensionSpec {
  if (!/^[\x21-\x7e]+$/.test(address)) throw new TypeError('subjectAltNameEmail: an rfc822Name must be printable ASCII');
  return { oid: OID.subjectAltName, critical: false, value: sequence(implicitPrimitive(1, utf8Encode(address))) };
}

/**
 * cRLDistributionPoints with one DistributionPoint whose fullName is one URI (RFC 5280 4.2.1.13): the
 * [0] distributionPoint tags a CHOICE, so it is explicit; fullName [0] and the URI [6] are implicit.
 */
export function crlDistributionPoints(uri: string): ExtensionSpec {
  if (!/^[\x21-\x7e]+$/.test(uri)) throw new TypeError('crlDistributionPoints: a URI must be printable ASCII');
  const fullName = implicitConstructed(0, implicitPrimitive(6, utf8Encode(uri)));
  return { oid: OID.cRLDistributionPoints, critical: false, value: sequence(sequence(explicit(0, fullName))) };
}

export function subjectKeyIdentifier(keyId: Uint8Array): ExtensionSpec {
  return { oid: OID.subjectKeyIdentifier, critical: false, value: octetString(keyId) };
}

export function authorityKeyIdentifier(keyId: Uint8Array): ExtensionSpec {
  return { oid: OID.authorityKeyIdentifier, critical: false, value: sequence(implicitPrimitive(0, keyId)) };
}

/** A positive serial of `length` octets whose first octet is non-zero (so DER keeps every octet). */
export function randomSerial(length = 16): Uint8Array {
  const serial = randomBytes(length);
  serial[0] = (serial[0] ?? 0) & 0x7f || 0x01;
  return serial;
}

/** Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE (so written only when true), extnValue } */
export function encodeExtension(extension: ExtensionSpec): Uint8Array {
  return extension.critical ? sequence(oid(extension.oid), boolean(true), octetString(extension.value)) : sequence(oid(extension.oid), octetString(extension.value));
}

/** Signs the certificate described by `spec` with the issuer's key (SHA-256 with RSA PKCS#1 v1.5 or ECDSA). */
export async function signCertificate(spec: CertificateSpec, issuerKey: TestSigningKey, issuerKeyType: TestKeyType): Promise<Uint8Array> {
  const hash = spec.ecdsaHash ?? 'SHA-256';
  if (hash !== 'SHA-256' && issuerKeyType !== 'ec-p256') throw new TypeError('signCertificate: only ECDSA issuers sign with another hash');
  if (spec.version === 1 && spec.extensions.length > 0) throw new TypeError('signCertificate: a v1 certificate has no extensions');
  const signatureAlgorithm = testSignatureAlgorithm(issuerKeyType, hash);
  const tbs = sequence(
    ...(spec.version === 1 ? [] : [explicit(0, integer(2))]),
    unsignedInteger(spec.serial ?? randomSerial()),
    signatureAlgorithm,
    spec.issuer,
    sequence(time(spec.notBefore), time(spec.notAfter)),
    spec.subject,
    spec.spki,
    ...(spec.extensions.length > 0 ? [explicit(3, sequence(...spec.extensions.map(encodeExtension)))] : []),
  );
  return sequence(tbs, signatureAlgorithm, bitString(await testSignature(tbs, issuerKey, issuerKeyType, hash)));
}

/** The AlgorithmIdentifier of what testSignature makes: SHA-256 with RSA PKCS#1 v1.5, or ECDSA with `hash`. */
export function testSignatureAlgorithm(keyType: TestKeyType, hash: 'SHA-1' | 'SHA-256' = 'SHA-256'): Uint8Array {
  // RFC 9881 2: id-ml-dsa-* with the parameters absent.
  if (isMlDsaKeyType(keyType)) return algorithmIdentifier(mlDsaOid(keyType));
  if (isMlKemKeyType(keyType)) throw new TypeError(`${keyType} keys cannot sign`);
  // RFC 8410 3: id-Ed25519 with the parameters absent.
  if (keyType === 'ed25519') return algorithmIdentifier(OID.ed25519);
  if (keyType === 'x25519') throw new TypeError('x25519 keys cannot sign');
  return keyType === 'ec-p256' ? algorithmIdentifier(hash === 'SHA-1' ? OID.ecdsaWithSha1 : OID.ecdsaWithSha256) : algorithmIdentifier(OID.sha256WithRSAEncryption, nullValue());
}

/** The signature value over `tbs` (a TBSCertificate or TBSCertList) in the form X.509 carries it. */
export async function testSignature(tbs: Uint8Array, key: TestSigningKey, keyType: TestKeyType, hash: 'SHA-1' | 'SHA-256' = 'SHA-256'): Promise<Uint8Array> {
  if (key.type === 'post-quantum') {
    // ML-DSA pure mode with the empty context (RFC 9881 3), over the TBSCertificate.
    if (!isMlDsaKeyType(keyType)) throw new TypeError(`${keyType} keys cannot sign`);
    return (await noble()).ML_DSA[keyType].sign(tbs, key.secretKey);
  }
  // PureEdDSA over the TBSCertificate (RFC 8410 6).
  if (keyType === 'ed25519') return new Uint8Array(await globalThis.crypto.subtle.sign('Ed25519', key as CryptoKey, arrayBufferBacked(tbs)));
  const ec = keyType === 'ec-p256';
  const algorithm = ec ? { name: 'ECDSA', hash } : { name: 'RSASSA-PKCS1-v1_5' };
  const raw = new Uint8Array(await globalThis.crypto.subtle.sign(algorithm, key, arrayBufferBacked(tbs)));
  return ec ? ecdsaDer(raw) : raw;
}

/** WebCrypto's ECDSA output is r || s; X.509 wants Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }. */
function ecdsaDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return sequence(unsignedInteger(raw.subarray(0, half)), unsignedInteger(raw.subarray(half)));
}
