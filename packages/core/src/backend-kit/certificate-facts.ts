import { createBytesMemo } from '../bytes-cache.js';
import { parseCertificate } from '../pki/certificate.js';
import { base64UrlEncode, fromHex } from '../bytes.js';
import { NAMED_CURVE_BY_OID, OID } from '../asn1/oids.js';
import { absentOrNull, algorithmOf, bitStringBytes, childrenOf, decodeElement, encodingOf, integerContents, isContext, isUniversal, oidOf, unsignedIntegerOf, type Node } from '../asn1/accessors.js';
import type { IdentifiedCertificate } from './identifiers.js';
import type { MlDsaParameterSet, MlKemParameterSet } from '../backend.js';
import { mlDsaParameterSetOf, mlDsaPublicKeyLength, mlKemParameterSetOf, mlKemPublicKeyLength } from './post-quantum.js';

/** What the CMS engine needs of a certificate: how identifiers name it, and its public key. */

export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

/** What a key-agreement recipient's key is on: a NIST curve (RFC 5753 ECDH) or curve25519 (RFC 8418 X25519). */
export type AgreementCurve = NamedCurve | 'X25519';

/** Octets of an Ed25519 or X25519 public key (RFC 8410 3), and of an X25519 shared secret. */
export const CURVE25519_KEY_LENGTH = 32;

/** Octets of a field element of the curve (and of each half of an r||s signature). */
export function curveSize(curve: NamedCurve): number {
  return curve === 'P-256' ? 32 : curve === 'P-384' ? 48 : 66;
}

export type PublicKeyFacts =
  | {
      readonly kind: 'rsa';
      /** Modulus and public exponent, big-endian, without leading zero octets. */
      readonly modulus: Uint8Array;
      readonly exponent: Uint8Array;
      /** An id-RSASSA-PSS key (RFC 4055): for PSS signatures only. */
      readonly pssOnly: boolean;
    }
  | {
      readonly kind: 'ec';
      /** Null for a curve that is not P-256, P-384 or P-521 (or explicit curve parameters). */
      readonly curve: NamedCurve | null;
      /** The SEC 1 encoded point. */
      readonly point: Uint8Array;
    }
  | {
      /** An Ed25519 key (RFC 8410): signatures only. */
      readonly kind: 'ed25519';
      /** The 32-octet encoded point A. */
      readonly key: Uint8Array;
    }
  | {
      /** An X25519 key (RFC 8410): key agreement only. */
      readonly kind: 'x25519';
      /** The 32-octet u-coordinate. */
      readonly key: Uint8Array;
    }
  | {
      /** An ML-KEM encapsulation key (RFC 9935): KEMRecipientInfo only. */
      readonly kind: 'ml-kem';
      readonly parameterSet: MlKemParameterSet;
      /** The raw encapsulation key, as long as the parameter set's. */
      readonly key: Uint8Array;
    }
  | {
      /** An ML-DSA key (RFC 9881): signatures only. */
      readonly kind: 'ml-dsa';
      readonly parameterSet: MlDsaParameterSet;
      /** The raw public key, as long as the parameter set's. */
      readonly key: Uint8Array;
    }
  | { readonly kind: 'other'; readonly oid: string };

/** A key that can make signatures: what signature primitives receive. */
export type SigningKeyFacts = Extract<PublicKeyFacts, { kind: 'rsa' | 'ec' | 'ed25519' | 'ml-dsa' }>;

export interface CertificateFacts extends IdentifiedCertificate {
  readonly der: Uint8Array;
  /** The SubjectPublicKeyInfo exactly as the certificate holds it. */
  readonly spki: Uint8Array;
  /** Null when the key structure is malformed. */
  readonly publicKey: PublicKeyFacts | null;
}

/** Reads a SubjectPublicKeyInfo element; null if it is malformed. */
export function publicKeyFactsOf(spki: Node | undefined): PublicKeyFacts | null {
  const parts = isUniversal(spki, 16) ? childrenOf(spki) : null;
  const algorithm = algorithmOf(parts?.[0]);
  const key = bitStringBytes(parts?.[1]);
  if (parts === null || parts.length !== 2 || algorithm === null || key === null) return null;
  if (algorithm.oid === OID.rsaEncryption || algorithm.oid === OID.rsassaPss) {
    // RFC 3279 2.3.1: rsaEncryption parameters are NULL (absent is read too); RFC 4055 1.2: PSS ones a SEQUENCE or absent.
    const parametersValid = algorithm.oid === OID.rsaEncryption ? absentOrNull(algorithm.parameters) : algorithm.parameters === undefined || isUniversal(algorithm.parameters, 16);
    if (!parametersValid) return null;
    const rsa = childrenOf(decodeElement(key) ?? undefined);
    const modulus = unsignedIntegerOf(rsa?.[0]);
    const exponent = unsignedIntegerOf(rsa?.[1]);
    if (rsa === null || rsa.length !== 2 || modulus === null || exponent === null || modulus[0] === 0) return null;
    return { kind: 'rsa', modulus, exponent, pssOnly: algorithm.oid === OID.rsassaPss };
  }
  if (algorithm.oid === OID.ecPublicKey) {
    const curveOid = oidOf(algorithm.parameters);
    return { kind: 'ec', curve: curveOid === null ? null : (NAMED_CURVE_BY_OID[curveOid] ?? null), point: key };
  }
  if (algorithm.oid === OID.ed25519 || algorithm.oid === OID.x25519) {
    // RFC 8410 3: the parameters MUST be absent, and the key is the 32-octet encoding.
    if (algorithm.parameters !== undefined || key.length !== CURVE25519_KEY_LENGTH) return null;
    return { kind: algorithm.oid === OID.ed25519 ? 'ed25519' : 'x25519', key };
  }
  // RFC 9935 4 and RFC 9881 4: the parameters MUST be absent, and the key has the parameter set's length.
  const kemSet = mlKemParameterSetOf(algorithm.oid);
  if (kemSet !== null) return algorithm.parameters === undefined && key.length === mlKemPublicKeyLength(kemSet) ? { kind: 'ml-kem', parameterSet: kemSet, key } : null;
  const dsaSet = mlDsaParameterSetOf(algorithm.oid);
  if (dsaSet !== null) return algorithm.parameters === undefined && key.length === mlDsaPublicKeyLength(dsaSet) ? { kind: 'ml-dsa', parameterSet: dsaSet, key } : null;
  return { kind: 'other', oid: algorithm.oid };
}

/** An RSA public key as a JSON Web Key (RFC 7518 6.3.1). */
export type RsaPublicJwk = {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
};

/**
 * An RSA public key as a JWK, for loading it into WebCrypto or node:crypto: OpenSSL 3 (under both)
 * loads a JWK several times faster than a SubjectPublicKeyInfo, which goes through its decoder search.
 */
export function rsaPublicJwk(key: { readonly modulus: Uint8Array; readonly exponent: Uint8Array }): RsaPublicJwk {
  return { kty: 'RSA', n: base64UrlEncode(key.modulus), e: base64UrlEncode(key.exponent) };
}

/**
 * rsaPublicJwk of a SubjectPublicKeyInfo's DER when it holds an rsaEncryption key; null for any other,
 * id-RSASSA-PSS keys included (their restrictions live in the SPKI).
 */
export function rsaPublicJwkOfSpki(spki: Uint8Array): RsaPublicJwk | null {
  const key = publicKeyFactsOf(decodeElement(spki) ?? undefined);
  return key?.kind === 'rsa' && !key.pssOnly ? rsaPublicJwk(key) : null;
}

/**
 * Reads a certificate; null if it is not one. Core's certificate reader checks the whole RFC 5280
 * structure; the exact bytes identifiers are matched against are taken here.
 */
export function certificateFactsOf(der: Uint8Array): CertificateFacts | null {
  if (!(der instanceof Uint8Array)) return null;
  return READ_FACTS.get(der, readFacts);
}

// Certificates are public and the same ones come with every message of a sender: each is read once.
const READ_FACTS = createBytesMemo<CertificateFacts | null>(1024);

function readFacts(der: Uint8Array): CertificateFacts | null {
  let subjectKeyId: string | null;
  try {
    subjectKeyId = parseCertificate(der).subjectKeyId;
  } catch {
    return null;
  }
  const tbs = childrenOf(childrenOf(decodeElement(der) ?? undefined)?.[0]);
  if (tbs === null) return null;
  const fields = isContext(tbs[0], 0) ? tbs.slice(1) : tbs;
  const [serialNode, , issuerNode, , , spkiNode] = fields;
  const serial = integerContents(serialNode);
  if (serial === null || !isUniversal(issuerNode, 16) || spkiNode === undefined) return null;
  return {
    der,
    issuer: encodingOf(issuerNode),
    serial: serial.slice(),
    subjectKeyId: subjectKeyId === null ? null : fromHex(subjectKeyId),
    spki: encodingOf(spkiNode),
    publicKey: publicKeyFactsOf(spkiNode),
  };
}
