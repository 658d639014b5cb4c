import type { ContentCipher, DigestAlgorithm, MlDsaParameterSet, MlKemParameterSet, PrivateKeyRef } from '../backend.js';
import type { ErrorCode } from '../errors.js';

export type PublicKeyInfo =
  | { readonly type: 'rsa'; readonly bits: number; readonly exponent: bigint }
  | { readonly type: 'ec'; readonly curve: 'P-256' | 'P-384' | 'P-521' | string; readonly bits: number }
  | { readonly type: 'ed25519' | 'ed448' | 'x25519' | 'x448'; readonly bits: number }
  /** `bits`: the parameter set's claimed classical strength (ML-KEM-512 and ML-DSA-44: 128; 768/65: 192; 1024/87: 256). */
  | { readonly type: 'ml-kem'; readonly parameterSet: MlKemParameterSet; readonly bits: number }
  | { readonly type: 'ml-dsa'; readonly parameterSet: MlDsaParameterSet; readonly bits: number }
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
  /** Content ciphers of the smimeCapabilities extension (RFC 4262), in its order; [] when absent. */
  readonly smimeCapabilities: readonly ContentCipher[];
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

/**
 * Key types of test identities. The ML-DSA ones sign (test CAs too); the ML-KEM ones only receive
 * (KEMRecipientInfo), so their identities need a CA. Post-quantum support is experimental.
 */
export type TestKeyType = 'rsa-2048' | 'rsa-3072' | 'ec-p256' | 'ed25519' | 'x25519' | MlDsaParameterSet | MlKemParameterSet;

/** A test certificate authority made by generateTestCa (never for production use). */
export interface TestCa {
  readonly certificate: Uint8Array;
  readonly privateKey: { readonly type: 'pkcs8'; readonly der: Uint8Array };
  readonly keyType: TestKeyType;
  readonly commonName: string;
  /** Intermediate certificates between this CA and its root, nearest first; empty for a root. */
  readonly chain: readonly Uint8Array[];
}

/** A test signing/encryption identity made by generateTestIdentity (never for production use). */
export interface TestIdentity {
  readonly certificate: Uint8Array;
  readonly privateKey: { readonly type: 'pkcs8'; readonly der: Uint8Array };
  readonly keyType: TestKeyType;
  readonly email: string;
  /** Intermediate certificates to send along (issuing CA first), root excluded; empty when self-signed or root-issued. */
  readonly chain: readonly Uint8Array[];
}

/** What a certificate chain is checked for: signing mail or receiving encrypted mail. */
export type ChainPurpose = 'smime-sign' | 'smime-encrypt';

/**
 * What the algorithm policy asks of every certificate on a path (docs/verdicts.md, rule 7): the hash
 * of each certificate signature the path relies on, and each issuer's RSA key.
 */
export interface ChainPolicy {
  readonly refusedDigests: readonly DigestAlgorithm[];
  readonly minRsaBits: number;
  readonly minRsaExponent: bigint;
}

export interface ChainError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Outcome of building and checking a certificate chain. */
export interface ChainResult {
  /** True only when a path reaches a trust anchor and `errors` is empty. */
  readonly trusted: boolean;
  /** Leaf first; ends with the anchor when one was reached, else the longest path found. */
  readonly chain: readonly Uint8Array[];
  readonly errors: readonly ChainError[];
}
