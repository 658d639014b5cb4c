import { backendKit as kit, der, SealpostError } from '@sealpost/core';
import { algorithmOf, bitStringBytes, childrenOf, decodeElement, encodingOf, isContext, isUniversal, octetsOf, oidOf, smallIntegerOf, unsignedIntegerOf, type Node } from './asn1.js';
import type { Bytes } from './bytes.js';

/** What a key is, in the forms WebCrypto and the RSA arithmetic need. */

export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

/** Octets in a field element (and in each half of a raw r||s signature). */
export function curveSize(curve: NamedCurve): number {
  return curve === 'P-256' ? 32 : curve === 'P-384' ? 48 : 66;
}

export type PublicKeyFacts =
  | {
      readonly kind: 'rsa';
      readonly spki: Bytes;
      readonly modulus: Uint8Array;
      readonly exponent: Uint8Array;
      /** An id-RSASSA-PSS key (RFC 4055): for PSS signatures only. */
      readonly pssOnly: boolean;
    }
  | { readonly kind: 'ec'; readonly curve: NamedCurve | null; readonly spki: Bytes }
  | { readonly kind: 'other'; readonly oid: string };

/**
 * Reads a SubjectPublicKeyInfo. RSA keys are rewrapped under rsaEncryption, because WebCrypto
 * refuses the id-RSASSA-PSS form some certificates use. Null if the structure is malformed.
 */
export function publicKeyFacts(spki: Node | undefined): PublicKeyFacts | null {
  const parts = isUniversal(spki, 16) ? childrenOf(spki) : null;
  const algorithm = algorithmOf(parts?.[0]);
  const key = bitStringBytes(parts?.[1]);
  if (spki === undefined || parts === null || parts.length !== 2 || algorithm === null || key === null) return null;
  if (algorithm.oid === kit.OID.rsaEncryption || algorithm.oid === kit.OID.rsassaPss) {
    const rsa = childrenOf(decodeElement(key) ?? undefined);
    const modulus = unsignedIntegerOf(rsa?.[0]);
    const exponent = unsignedIntegerOf(rsa?.[1]);
    if (rsa === null || rsa.length !== 2 || modulus === null || exponent === null) return null;
    const normalized = der.sequence(der.algorithmIdentifier(kit.OID.rsaEncryption, der.nullValue()), der.tlv(0x03, Uint8Array.of(0), key));
    return { kind: 'rsa', spki: normalized, modulus, exponent, pssOnly: algorithm.oid === kit.OID.rsassaPss };
  }
  if (algorithm.oid === kit.OID.ecPublicKey) {
    const curveOid = kit.oidOf(algorithm.parameters);
    return { kind: 'ec', curve: curveOid === null ? null : (kit.NAMED_CURVE_BY_OID[curveOid] ?? null), spki: encodingOf(spki) };
  }
  return { kind: 'other', oid: algorithm.oid };
}

export type PrivateKeyFacts =
  | { readonly kind: 'rsa'; readonly pkcs8: Bytes; readonly rsaPrivateKey: Bytes }
  | { readonly kind: 'ec'; readonly curve: NamedCurve; readonly pkcs8: Bytes };

function malformedKey(): SealpostError {
  return new SealpostError('ERR_KEY_MALFORMED', 'the private key is not a readable PKCS#8 key');
}

/** Reads a PKCS#8 PrivateKeyInfo; RSA keys come back rewrapped under rsaEncryption. */
export function privateKeyFacts(pkcs8: Uint8Array): PrivateKeyFacts {
  const parts = childrenOf(decodeElement(pkcs8) ?? undefined);
  const version = smallIntegerOf(parts?.[0]);
  const algorithm = algorithmOf(parts?.[1]);
  const inner = isUniversal(parts?.[2], 4) ? octetsOf(parts?.[2]) : null;
  if (parts === null || (version !== 0 && version !== 1) || algorithm === null || inner === null) throw malformedKey();
  if (algorithm.oid === kit.OID.rsaEncryption || algorithm.oid === kit.OID.rsassaPss) {
    if (childrenOf(decodeElement(inner) ?? undefined) === null) throw malformedKey();
    const normalized = der.sequence(der.integer(0), der.algorithmIdentifier(kit.OID.rsaEncryption, der.nullValue()), der.octetString(inner));
    return { kind: 'rsa', pkcs8: normalized, rsaPrivateKey: inner };
  }
  if (algorithm.oid === kit.OID.ecPublicKey) {
    const curveOid = kit.oidOf(algorithm.parameters) ?? ecPrivateKeyCurve(inner);
    const curve = curveOid === null ? undefined : kit.NAMED_CURVE_BY_OID[curveOid];
    if (curve === undefined) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'only named curves P-256, P-384 and P-521 are supported');
    return { kind: 'ec', curve, pkcs8: new Uint8Array(pkcs8) };
  }
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `private keys of type ${algorithm.oid} are not supported by this backend`);
}

/** ECPrivateKey ::= SEQUENCE { version, privateKey, [0] parameters OPTIONAL, [1] publicKey OPTIONAL } */
function ecPrivateKeyCurve(ecPrivateKey: Uint8Array): string | null {
  const parts = childrenOf(decodeElement(ecPrivateKey) ?? undefined) ?? [];
  return oidOf(childrenOf(parts.find((p) => isContext(p, 0)))?.[0]);
}
