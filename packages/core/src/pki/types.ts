import type { PrivateKeyRef } from '../backend.js';

export type PublicKeyInfo =
  | { readonly type: 'rsa'; readonly bits: number; readonly exponent: bigint }
  | { readonly type: 'ec'; readonly curve: 'P-256' | 'P-384' | 'P-521' | string; readonly bits: number }
  | { readonly type: 'ed25519' | 'ed448' | 'x25519' | 'x448'; readonly bits: number }
  | { readonly type: 'unknown'; readonly oid: string; readonly bits: number };

/** What Sealpost reads from an X.509 certificate. */
export interface CertificateInfo {
  readonly der: Uint8Array;
  /** RFC 4514-style string, e.g. "CN=Alice,O=Example". */
  readonly subject: string;
  readonly issuer: string;
  /** DER of the subject and issuer Names, for exact matching. */
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** Serial number, lower-case hex without leading zeros (at least one digit). */
  readonly serial: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** SAN rfc822Name values, then legacy subject emailAddress values; domain lower-cased, de-duplicated. */
  readonly emailAddresses: readonly string[];
  /** keyUsage bit names (digitalSignature, nonRepudiation, keyEncipherment, ...) or null if absent. */
  readonly keyUsage: readonly string[] | null;
  /** extKeyUsage OIDs or null if absent. */
  readonly extendedKeyUsage: readonly string[] | null;
  /** basicConstraints cA. */
  readonly isCA: boolean;
  readonly pathLength: number | null;
  readonly publicKey: PublicKeyInfo;
  /** DER of SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** subjectKeyIdentifier / authorityKeyIdentifier keyIdentifier, hex, or null. */
  readonly subjectKeyId: string | null;
  readonly authorityKeyId: string | null;
  /** Signature algorithm OID of the certificate. */
  readonly signatureAlgorithm: string;
  readonly selfIssued: boolean;
}

/** A signing/decrypting identity: a certificate, its key, and optional chain (leaf first not included). */
export interface Identity {
  readonly certificate: Uint8Array;
  readonly privateKey: PrivateKeyRef;
  /** Intermediate certificates to embed when signing. */
  readonly chain?: readonly Uint8Array[];
}

export type TestKeyType = 'rsa-2048' | 'rsa-3072' | 'ec-p256';
