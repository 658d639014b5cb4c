import { leftPad, SealpostError } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import forge from 'node-forge';
import { toHex } from './bytes.js';

/** Private keys, read from PKCS#8 into what the arithmetic needs; public keys are core's reading. */

export type NamedCurve = kit.NamedCurve;

/** Octets of a field element, of a private scalar and of each half of r||s. */
export const curveSize = kit.curveSize;

/** Public keys as core's CMS engine reads them from a SubjectPublicKeyInfo (kit.publicKeyFactsOf). */
export type PublicKeyFacts = kit.PublicKeyFacts;
export type RsaPublicKey = Extract<PublicKeyFacts, { kind: 'rsa' }>;
export type EcPublicKey = Extract<PublicKeyFacts, { kind: 'ec' }>;

export type RsaPrivateKey = {
  readonly kind: 'rsa';
  readonly key: forge.pki.rsa.PrivateKey;
  /** Modulus length in octets. */
  readonly size: number;
  readonly pssOnly: boolean;
};

export type EcPrivateKey = { readonly kind: 'ec'; readonly curve: NamedCurve; readonly scalar: Uint8Array };

/** An Ed25519 or X25519 private key (RFC 8410): the 32-octet seed or scalar. */
export type CurvePrivateKey = { readonly kind: 'ed25519'; readonly key: Uint8Array } | { readonly kind: 'x25519'; readonly key: Uint8Array };

export type PrivateKeyFacts = RsaPrivateKey | EcPrivateKey | CurvePrivateKey;

/** Reads a PKCS#8 PrivateKeyInfo (RSA, RSASSA-PSS or EC on a named curve). */
export function privateKeyFacts(pkcs8: Uint8Array): PrivateKeyFacts {
  const { algorithm, privateKey: inner } = kit.privateKeyInfoOf(pkcs8);
  if (algorithm.oid === kit.OID.rsaEncryption || algorithm.oid === kit.OID.rsassaPss) return rsaPrivateKey(inner, algorithm.oid === kit.OID.rsassaPss);
  if (algorithm.oid === kit.OID.ecPublicKey) return ecPrivateKey(inner, kit.oidOf(algorithm.parameters));
  if (algorithm.oid === kit.OID.ed25519 || algorithm.oid === kit.OID.x25519) {
    // RFC 8410 7: CurvePrivateKey, an OCTET STRING of 32 octets, inside the privateKey OCTET STRING.
    const node = kit.decodeElement(inner) ?? undefined;
    const key = kit.isUniversal(node, 4) ? kit.octetsOf(node) : null;
    if (algorithm.parameters !== undefined || key === null || key.length !== 32) throw kit.malformedKey();
    return algorithm.oid === kit.OID.ed25519 ? { kind: 'ed25519', key: new Uint8Array(key) } : { kind: 'x25519', key: new Uint8Array(key) };
  }
  throw new SealpostError('ERR_UNSUPPORTED_KEY', `private keys of type ${algorithm.oid} are not supported by this backend`);
}

/** RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv, otherPrimeInfos OPTIONAL } */
function rsaPrivateKey(der: Uint8Array, pssOnly: boolean): RsaPrivateKey {
  const fields = kit.childrenOf(kit.decodeElement(der) ?? undefined);
  const version = kit.smallIntegerOf(fields?.[0]);
  if (version === 1) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'multi-prime RSA keys are not supported by this backend');
  const numbers = (fields ?? []).slice(1, 9).map(kit.unsignedIntegerOf);
  if (fields === null || fields.length !== 9 || version !== 0 || numbers.some((n) => n === null)) throw kit.malformedKey();
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
  if (size < 64 || (numbers[0] as Uint8Array)[0] === 0) throw kit.malformedKey();
  return { kind: 'rsa', key: forge.pki.setRsaPrivateKey(n, e, d, p, q, dP, dQ, qInv), size, pssOnly };
}

/** ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL } */
function ecPrivateKey(der: Uint8Array, algorithmCurve: string | null): EcPrivateKey {
  const fields = kit.childrenOf(kit.decodeElement(der) ?? undefined);
  const scalar = kit.isUniversal(fields?.[1], 4) ? kit.octetsOf(fields?.[1]) : null;
  if (fields === null || kit.smallIntegerOf(fields[0]) !== 1 || scalar === null || scalar.length === 0) throw kit.malformedKey();
  const curveOid = algorithmCurve ?? kit.oidOf(kit.childrenOf(fields.find((f) => kit.isContext(f, 0)))?.[0]);
  const curve = curveOid === null ? undefined : kit.NAMED_CURVE_BY_OID[curveOid];
  if (curve === undefined) throw new SealpostError('ERR_UNSUPPORTED_KEY', 'only the named curves P-256, P-384 and P-521 are supported');
  if (scalar.length > curveSize(curve)) throw kit.malformedKey();
  return { kind: 'ec', curve, scalar: leftPad(scalar, curveSize(curve)) };
}

export function bigIntegerOf(magnitude: Uint8Array): forge.jsbn.BigInteger {
  return new forge.jsbn.BigInteger(magnitude.length === 0 ? '0' : toHex(magnitude), 16);
}
