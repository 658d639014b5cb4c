import * as der from '../asn1/der-writer.js';
import { childrenOf, decodeElement, isContext, isUniversal, type Node, octetsOf } from '../asn1/accessors.js';
import { OID } from '../asn1/oids.js';
import type { MlDsaParameterSet, MlKemParameterSet } from '../backend.js';
import { SealpostError } from '../errors.js';
import { malformedKey, privateKeyInfoOf } from './private-key-info.js';

/**
 * The post-quantum algorithms' names, OIDs, sizes and key encodings: ML-KEM (FIPS 203; keys RFC 9935,
 * in CMS RFC 9936) and ML-DSA (FIPS 204; keys RFC 9881, in CMS RFC 9882). Core decides every length and
 * every key form here, once, so that each backend only runs the algorithm on inputs of the right shape.
 */

interface MlKemSpec {
  readonly oid: string;
  readonly publicKeyLength: number;
  readonly expandedKeyLength: number;
  readonly ciphertextLength: number;
}

const ML_KEM: Readonly<Record<MlKemParameterSet, MlKemSpec>> = {
  'ml-kem-512': { oid: OID.mlKem512, publicKeyLength: 800, expandedKeyLength: 1632, ciphertextLength: 768 },
  'ml-kem-768': { oid: OID.mlKem768, publicKeyLength: 1184, expandedKeyLength: 2400, ciphertextLength: 1088 },
  'ml-kem-1024': { oid: OID.mlKem1024, publicKeyLength: 1568, expandedKeyLength: 3168, ciphertextLength: 1568 },
};

interface MlDsaSpec {
  readonly oid: string;
  readonly publicKeyLength: number;
  readonly expandedKeyLength: number;
  readonly signatureLength: number;
}

const ML_DSA: Readonly<Record<MlDsaParameterSet, MlDsaSpec>> = {
  'ml-dsa-44': { oid: OID.mlDsa44, publicKeyLength: 1312, expandedKeyLength: 2560, signatureLength: 2420 },
  'ml-dsa-65': { oid: OID.mlDsa65, publicKeyLength: 1952, expandedKeyLength: 4032, signatureLength: 3309 },
  'ml-dsa-87': { oid: OID.mlDsa87, publicKeyLength: 2592, expandedKeyLength: 4896, signatureLength: 4627 },
};

export const ML_KEM_PARAMETER_SETS = Object.keys(ML_KEM) as readonly MlKemParameterSet[];
export const ML_DSA_PARAMETER_SETS = Object.keys(ML_DSA) as readonly MlDsaParameterSet[];

/** The ML-KEM seed (d || z, FIPS 203 6.1) and the ML-DSA seed (xi, FIPS 204 6.1), as RFC 9935 and RFC 9881 store them. */
export const ML_KEM_SEED_LENGTH = 64;
export const ML_DSA_SEED_LENGTH = 32;
/** The shared secret of every ML-KEM parameter set. */
export const ML_KEM_SHARED_SECRET_LENGTH = 32;

export function mlKemParameterSetOf(oid: string): MlKemParameterSet | null {
  return ML_KEM_PARAMETER_SETS.find((set) => ML_KEM[set].oid === oid) ?? null;
}

export function mlDsaParameterSetOf(oid: string): MlDsaParameterSet | null {
  return ML_DSA_PARAMETER_SETS.find((set) => ML_DSA[set].oid === oid) ?? null;
}

export function isMlDsaScheme(scheme: string): scheme is MlDsaParameterSet {
  return Object.hasOwn(ML_DSA, scheme);
}

/** The classical strength a parameter set claims (NIST categories 1, 3 and 5 are AES-128, -192 and -256). */
export function postQuantumStrength(set: MlKemParameterSet | MlDsaParameterSet): number {
  return set === 'ml-kem-512' || set === 'ml-dsa-44' ? 128 : set === 'ml-kem-768' || set === 'ml-dsa-65' ? 192 : 256;
}

export function mlKemOid(set: MlKemParameterSet): string {
  return ML_KEM[set].oid;
}

export function mlDsaOid(set: MlDsaParameterSet): string {
  return ML_DSA[set].oid;
}

export function mlKemPublicKeyLength(set: MlKemParameterSet): number {
  return ML_KEM[set].publicKeyLength;
}

export function mlKemCiphertextLength(set: MlKemParameterSet): number {
  return ML_KEM[set].ciphertextLength;
}

export function mlDsaPublicKeyLength(set: MlDsaParameterSet): number {
  return ML_DSA[set].publicKeyLength;
}

export function mlDsaSignatureLength(set: MlDsaParameterSet): number {
  return ML_DSA[set].signatureLength;
}

/**
 * A private key as its PKCS#8 holds it (RFC 9935 6, RFC 9881 6): the seed, the expanded key, or both.
 * A backend expands a seed itself; with both, it checks that the seed expands to the expanded key
 * (RFC 9935 8, RFC 9881 8) and refuses the key (ERR_KEY_MALFORMED) otherwise.
 */
export interface PostQuantumPrivateKey<Set extends string> {
  readonly parameterSet: Set;
  readonly seed: Uint8Array | null;
  readonly expandedKey: Uint8Array | null;
}

export type MlKemPrivateKey = PostQuantumPrivateKey<MlKemParameterSet>;
export type MlDsaPrivateKey = PostQuantumPrivateKey<MlDsaParameterSet>;

/**
 * ML-KEM-PrivateKey ::= CHOICE { seed [0] OCTET STRING (SIZE (64)), expandedKey OCTET STRING (SIZE (1632 | 2400 | 3168)),
 * both SEQUENCE { seed OCTET STRING (SIZE (64)), expandedKey OCTET STRING } } inside a PKCS#8 whose algorithm is
 * id-alg-ml-kem-* with the parameters absent. ERR_KEY_MALFORMED for anything else.
 */
export function mlKemPrivateKeyOf(pkcs8: Uint8Array): MlKemPrivateKey {
  const { algorithm, privateKey } = privateKeyInfoOf(pkcs8);
  const parameterSet = mlKemParameterSetOf(algorithm.oid);
  if (parameterSet === null) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the private key is not an ML-KEM key');
  if (algorithm.parameters !== undefined) throw malformedKey();
  return { parameterSet, ...seedOrExpanded(privateKey, ML_KEM_SEED_LENGTH, ML_KEM[parameterSet].expandedKeyLength) };
}

/** ML-DSA-PrivateKey, the same CHOICE with a 32-octet seed (RFC 9881 6). */
export function mlDsaPrivateKeyOf(pkcs8: Uint8Array): MlDsaPrivateKey {
  const { algorithm, privateKey } = privateKeyInfoOf(pkcs8);
  const parameterSet = mlDsaParameterSetOf(algorithm.oid);
  if (parameterSet === null) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'the private key is not an ML-DSA key');
  if (algorithm.parameters !== undefined) throw malformedKey();
  return { parameterSet, ...seedOrExpanded(privateKey, ML_DSA_SEED_LENGTH, ML_DSA[parameterSet].expandedKeyLength) };
}

function seedOrExpanded(privateKey: Uint8Array, seedLength: number, expandedLength: number): { seed: Uint8Array | null; expandedKey: Uint8Array | null } {
  const node: Node | null = decodeElement(privateKey);
  let seed: Uint8Array | null = null;
  let expandedKey: Uint8Array | null = null;
  if (node === null) throw malformedKey();
  if (isContext(node, 0) && !node.constructed) seed = octetsOf(node);
  else if (isUniversal(node, 4)) expandedKey = octetsOf(node);
  else if (isUniversal(node, 16)) {
    const parts = childrenOf(node);
    if (parts?.length !== 2 || !isUniversal(parts[0], 4) || !isUniversal(parts[1], 4)) throw malformedKey();
    seed = octetsOf(parts[0]);
    expandedKey = octetsOf(parts[1]);
  }
  if ((seed === null && expandedKey === null) || (seed !== null && seed.length !== seedLength) || (expandedKey !== null && expandedKey.length !== expandedLength)) throw malformedKey();
  return { seed, expandedKey };
}

/** PKCS#8 in the seed-only form RFC 9935 and RFC 9881 recommend: OneAsymmetricKey v0, parameters absent, seed [0]. */
export function postQuantumPkcs8(oid: string, seed: Uint8Array): Uint8Array<ArrayBuffer> {
  return der.sequence(der.integer(0), der.algorithmIdentifier(oid), der.octetString(der.implicitPrimitive(0, seed)));
}

/** SubjectPublicKeyInfo of an ML-KEM or ML-DSA key: the algorithm with the parameters absent, the raw key. */
export function postQuantumSpki(oid: string, publicKey: Uint8Array): Uint8Array<ArrayBuffer> {
  return der.sequence(der.algorithmIdentifier(oid), der.bitString(publicKey));
}
