/** SubjectPublicKeyInfo: what kind of key it is and its public components. */
import { TAG, type BerNode } from '../asn1/ber-reader.js';
import { isUniversal } from '../asn1/accessors.js';
import { at, decodeAsn1, expectBitStringBytes, expectInteger, expectOid, expectSequence, expectUnsignedInteger, shapeError } from '../asn1/shape.js';
import { OID } from '../asn1/oids.js';
import type { PublicKeyInfo } from './types.js';
import { mlDsaParameterSetOf, mlKemParameterSetOf, postQuantumStrength } from '../backend-kit/post-quantum.js';

export interface PublicKeyDetails {
  readonly info: PublicKeyInfo;
  /** DER of the whole SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  readonly algorithm: string;
  /** Contents of subjectPublicKey (RSAPublicKey DER, an EC point, a raw Ed25519 key...). */
  readonly keyBytes: Uint8Array;
  /** RSA modulus magnitude and exponent, for RSA keys. */
  readonly rsa: { readonly modulus: Uint8Array; readonly exponent: bigint } | null;
}

const CURVES: Readonly<Record<string, { readonly name: string; readonly bits: number }>> = {
  [OID.secp256r1]: { name: 'P-256', bits: 256 },
  [OID.secp384r1]: { name: 'P-384', bits: 384 },
  [OID.secp521r1]: { name: 'P-521', bits: 521 },
  [OID.secp256k1]: { name: 'secp256k1', bits: 256 },
  [OID.brainpoolP256r1]: { name: 'brainpoolP256r1', bits: 256 },
  [OID.brainpoolP384r1]: { name: 'brainpoolP384r1', bits: 384 },
  [OID.brainpoolP512r1]: { name: 'brainpoolP512r1', bits: 512 },
};

/** Curve name for a namedCurve OID: P-256/P-384/P-521 as WebCrypto spells them, else a common name or the OID. */
export function curveName(curveOid: string): string {
  return CURVES[curveOid]?.name ?? curveOid;
}

export function curveBits(curveOid: string, fallback: number): number {
  return CURVES[curveOid]?.bits ?? fallback;
}

const OKP_TYPES: Readonly<Record<string, { readonly type: 'ed25519' | 'ed448' | 'x25519' | 'x448'; readonly bits: number }>> = {
  [OID.ed25519]: { type: 'ed25519', bits: 256 },
  [OID.ed448]: { type: 'ed448', bits: 456 },
  [OID.x25519]: { type: 'x25519', bits: 256 },
  [OID.x448]: { type: 'x448', bits: 448 },
};

export function bitLength(magnitude: Uint8Array): number {
  let start = 0;
  while (start < magnitude.length && magnitude[start] === 0) start++;
  if (start === magnitude.length) return 0;
  return (magnitude.length - start - 1) * 8 + (32 - Math.clz32(magnitude[start] ?? 0));
}

function readRsaPublicKey(der: Uint8Array): { modulus: Uint8Array; exponent: bigint } {
  const parts = expectSequence(decodeAsn1(der, 'RSAPublicKey'), 'RSAPublicKey');
  if (parts.length !== 2) shapeError('RSAPublicKey: expected two fields');
  return { modulus: expectUnsignedInteger(at(parts, 0, 'modulus'), 'modulus'), exponent: expectInteger(at(parts, 1, 'publicExponent'), 'publicExponent') };
}

/** Reads a SubjectPublicKeyInfo node. */
export function readSpki(node: BerNode): PublicKeyDetails {
  const parts = expectSequence(node, 'SubjectPublicKeyInfo');
  const algorithmParts = expectSequence(at(parts, 0, 'algorithm'), 'algorithm');
  const algorithm = expectOid(at(algorithmParts, 0, 'algorithm'), 'algorithm');
  const keyBytes = expectBitStringBytes(at(parts, 1, 'subjectPublicKey'), 'subjectPublicKey');
  const base = { spki: node.raw, algorithm, keyBytes };
  if (algorithm === OID.rsaEncryption || algorithm === OID.rsassaPss) {
    const rsa = readRsaPublicKey(keyBytes);
    return { ...base, rsa, info: { type: 'rsa', bits: bitLength(rsa.modulus), exponent: rsa.exponent } };
  }
  if (algorithm === OID.ecPublicKey) {
    const parameters = at(algorithmParts, 1, 'EC parameters');
    // Explicit curve parameters (rare, discouraged by RFC 5480) are reported by their absence of a name.
    const curveOid = isUniversal(parameters, TAG.OID) ? expectOid(parameters, 'namedCurve') : 'explicit';
    const pointBits = Math.floor((keyBytes.length - 1) / 2) * 8;
    return { ...base, rsa: null, info: { type: 'ec', curve: curveName(curveOid), bits: curveBits(curveOid, pointBits) } };
  }
  const okp = OKP_TYPES[algorithm];
  if (okp !== undefined) return { ...base, rsa: null, info: { type: okp.type, bits: okp.bits } };
  const postQuantum = postQuantumKeyInfo(algorithm);
  if (postQuantum !== null) return { ...base, rsa: null, info: postQuantum };
  return { ...base, rsa: null, info: { type: 'unknown', oid: algorithm, bits: keyBytes.length * 8 } };
}

/** An ML-KEM or ML-DSA key's type and parameter set by its algorithm OID (RFC 9935, RFC 9881), or null. */
export function postQuantumKeyInfo(algorithm: string): PublicKeyInfo | null {
  const kem = mlKemParameterSetOf(algorithm);
  if (kem !== null) return { type: 'ml-kem', parameterSet: kem, bits: postQuantumStrength(kem) };
  const dsa = mlDsaParameterSetOf(algorithm);
  return dsa === null ? null : { type: 'ml-dsa', parameterSet: dsa, bits: postQuantumStrength(dsa) };
}
