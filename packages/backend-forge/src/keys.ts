import { backendKit as kit, leftPad, SealpostError } from '@sealpost/core';
import forge from 'node-forge';
import { toHex } from './bytes.js';

/** Public and private keys, read from SubjectPublicKeyInfo and PKCS#8 into what the arithmetic needs. */

export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

/** Octets of a field element, of a private scalar and of each half of r||s. */
export function curveSize(curve: NamedCurve): number {
  return curve === 'P-256' ? 32 : curve === 'P-384' ? 48 : 66;
}

export type RsaPublicKey = {
  readonly kind: 'rsa';
  /** Modulus and public exponent, big-endian, without leading zero octets. */
  readonly modulus: Uint8Array;
  readonly exponent: Uint8Array;
  /** An id-RSASSA-PSS key (RFC 4055): for PSS signatures only. */
  readonly pssOnly: boolean;
};

export type EcPublicKey = {
  readonly kind: 'ec';
  /** Null for a curve this backend does not know (or explicit curve parameters). */
  readonly curve: NamedCurve | null;
  /** The SEC 1 encoded point. */
  readonly point: Uint8Array;
};

export type PublicKeyFacts = RsaPublicKey | EcPublicKey | { readonly kind: 'other'; readonly oid: string };

/** Reads a SubjectPublicKeyInfo element; null if it is malformed. */
export function publicKeyFacts(spki: kit.Node | undefined): PublicKeyFacts | null {
  const parts = kit.isUniversal(spki, 16) ? kit.childrenOf(spki) : null;
  const algorithm = kit.algorithmOf(parts?.[0]);
  const key = kit.bitStringBytes(parts?.[1]);
  if (parts === null || parts.length !== 2 || algorithm === null || key === null) return null;
  if (algorithm.oid === kit.OID.rsaEncryption || algorithm.oid === kit.OID.rsassaPss) {
    const rsa = kit.childrenOf(kit.decodeElement(key) ?? undefined);
    const modulus = kit.unsignedIntegerOf(rsa?.[0]);
    const exponent = kit.unsignedIntegerOf(rsa?.[1]);
    if (rsa === null || rsa.length !== 2 || modulus === null || exponent === null || modulus[0] === 0) return null;
    return { kind: 'rsa', modulus, exponent, pssOnly: algorithm.oid === kit.OID.rsassaPss };
  }
  if (algorithm.oid === kit.OID.ecPublicKey) {
    const curveOid = kit.oidOf(algorithm.parameters);
    return { kind: 'ec', curve: curveOid === null ? null : (kit.NAMED_CURVE_BY_OID[curveOid] ?? null), point: key };
  }
  return { kind: 'other', oid: algorithm.oid };
}

export type RsaPrivateKey = {
  readonly kind: 'rsa';
  readonly key: forge.pki.rsa.PrivateKey;
  /** Modulus length in octets. */
  readonly size: number;
  readonly pssOnly: boolean;
};

export type EcPrivateKey = { readonly kind: 'ec'; readonly curve: NamedCurve; readonly scalar: Uint8Array };

export type PrivateKeyFacts = RsaPrivateKey | EcPrivateKey;

function malformedKey(): SealpostError {
  return new SealpostError('ERR_KEY_MALFORMED', 'the private key is not a readable PKCS#8 key');
}

/** Reads a PKCS#8 PrivateKeyInfo (RSA, RSASSA-PSS or EC on a named curve). */
export function privateKeyFacts(pkcs8: Uint8Array): PrivateKeyFacts {
  const parts = kit.childrenOf(kit.decodeElement(pkcs8) ?? undefined);
  const version = kit.smallIntegerOf(parts?.[0]);
  const algorithm = kit.algorithmOf(parts?.[1]);
  const inner = kit.isUniversal(parts?.[2], 4) ? kit.octetsOf(parts?.[2]) : null;
  if (parts === null || (version !== 0 && version !== 1) || algorithm === null || inner === null) throw malformedKey();
  if (algorithm.oid === kit.OID.rsaEncryption || algorithm.oid === kit.OID.rsassaPss) return rsaPrivateKey(inner, algorithm.oid === kit.OID.rsassaPss);
  if (algorithm.oid === kit.OID.ecPublicKey) return ecPrivateKey(inner, kit.oidOf(algorithm.parameters));
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `private keys of type ${algorithm.oid} are not supported by this backend`);
}

/** RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv, otherPrimeInfos OPTIONAL } */
function rsaPrivateKey(der: Uint8Array, pssOnly: boolean): RsaPrivateKey {
  const fields = kit.childrenOf(kit.decodeElement(der) ?? undefined);
  const version = kit.smallIntegerOf(fields?.[0]);
  if (version === 1) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'multi-prime RSA keys are not supported by this backend');
  const numbers = (fields ?? []).slice(1, 9).map(kit.unsignedIntegerOf);
  if (fields === null || fields.length !== 9 || version !== 0 || numbers.some((n) => n === null)) throw malformedKey();
  const [n, e, d, p, q, dP, dQ, qInv] = (numbers as Uint8Array[]).map(bigIntegerOf) as [
    forge.jsbn.BigInteger,
    forge.jsbn.BigInteger,
    forge.jsbn.BigInteger,
    forge.jsbn.BigInteger,
    forge.jsbn.BigInteger,
    forge.jsbn.BigInteger,
    forge.jsbn.BigInteger,
    forge.jsbn.BigInteger,
  ];
  const size = (numbers[0] as Uint8Array).length;
  if (size < 64 || (numbers[0] as Uint8Array)[0] === 0) throw malformedKey();
  return { kind: 'rsa', key: forge.pki.setRsaPrivateKey(n, e, d, p, q, dP, dQ, qInv), size, pssOnly };
}

/** ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL } */
function ecPrivateKey(der: Uint8Array, algorithmCurve: string | null): EcPrivateKey {
  const fields = kit.childrenOf(kit.decodeElement(der) ?? undefined);
  const scalar = kit.isUniversal(fields?.[1], 4) ? kit.octetsOf(fields?.[1]) : null;
  if (fields === null || kit.smallIntegerOf(fields[0]) !== 1 || scalar === null || scalar.length === 0) throw malformedKey();
  const curveOid = algorithmCurve ?? kit.oidOf(kit.childrenOf(fields.find((f) => kit.isContext(f, 0)))?.[0]);
  const curve = curveOid === null ? undefined : kit.NAMED_CURVE_BY_OID[curveOid];
  if (curve === undefined) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'only the named curves P-256, P-384 and P-521 are supported');
  if (scalar.length > curveSize(curve)) throw malformedKey();
  return { kind: 'ec', curve, scalar: leftPad(scalar, curveSize(curve)) };
}

export function bigIntegerOf(magnitude: Uint8Array): forge.jsbn.BigInteger {
  return new forge.jsbn.BigInteger(magnitude.length === 0 ? '0' : toHex(magnitude), 16);
}
