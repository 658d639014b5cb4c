import type { CmsLimits } from './backend-kit/limits.js';
import type { ErrorCode } from './errors.js';
import type { AbortSignalLike } from './runtime-types.js';

/**
 * The seam between core (MIME, policy, verdicts) and a crypto backend (CMS bytes in, CMS bytes out).
 * A backend holds no certificate store and makes no trust decision: it reports cryptographic facts,
 * core decides what they mean. Capabilities are plain data; asking for anything not listed throws a
 * typed ERR_UNSUPPORTED_* error and nothing falls back to something weaker.
 */

export type DigestAlgorithm = 'md5' | 'sha-1' | 'sha-224' | 'sha-256' | 'sha-384' | 'sha-512';
/**
 * Signature schemes. Ed25519/Ed448 (RFC 8419) are named so a backend can claim them later; ML-DSA (FIPS 204,
 * RFC 9882, pure mode) by parameter set, each its own algorithm identifier.
 */
export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'ed448' | MlDsaParameterSet;
/** ML-DSA parameter sets (FIPS 204): id-ml-dsa-44/65/87. */
export type MlDsaParameterSet = 'ml-dsa-44' | 'ml-dsa-65' | 'ml-dsa-87';
/** ML-KEM parameter sets (FIPS 203) for KEMRecipientInfo (RFC 9629, RFC 9936): id-alg-ml-kem-512/768/1024. */
export type MlKemParameterSet = 'ml-kem-512' | 'ml-kem-768' | 'ml-kem-1024';
export type ContentCipher =
  | 'aes-128-cbc'
  | 'aes-192-cbc'
  | 'aes-256-cbc'
  | 'aes-128-gcm'
  | 'aes-192-gcm'
  | 'aes-256-gcm'
  | 'des-ede3-cbc'
  /** RC2-CBC as a backend capability (any key size); a received capability whose key size is unknown. */
  | 'rc2-cbc'
  /** RC2-CBC by effective key size (RFC 3370 4.3.2), as reports and SMIMECapabilities name it. */
  | 'rc2-40-cbc'
  | 'rc2-64-cbc'
  | 'rc2-128-cbc'
  | 'chacha20-poly1305';
export type KeyTransport = 'rsa-pkcs1' | 'rsa-oaep';
/** Key agreement (RFC 5753 ECDH, RFC 8418 X25519/X448); room for backends that add them. */
export type KeyAgreement = 'ecdh-p256' | 'ecdh-p384' | 'ecdh-p521' | 'x25519' | 'x448';
export type Runtime = 'node' | 'browser' | 'worker' | 'deno' | 'bun';

export interface BackendCapabilities {
  /** Digests usable for signing and verifying. */
  readonly digests: readonly DigestAlgorithm[];
  readonly signatureSchemes: readonly SignatureScheme[];
  /** Content ciphers usable for encrypting and decrypting. GCM ciphers mean AuthEnvelopedData. */
  readonly contentCiphers: readonly ContentCipher[];
  readonly keyTransport: readonly KeyTransport[];
  readonly keyAgreement: readonly KeyAgreement[];
  /**
   * KEMs for KEMRecipientInfo (RFC 9629), encrypting and decrypting; absent or empty for a backend without
   * them (experimental: ML-KEM in CMS has no second implementation to agree with yet).
   */
  readonly kem?: readonly MlKemParameterSet[];
  /** Private key kinds the backend can sign and decrypt with. */
  readonly keyTypes: readonly ('rsa' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519' | MlDsaParameterSet | MlKemParameterSet)[];
  readonly runtimes: readonly Runtime[];
  /** True if the backend accepts `{ type: 'uri' }` private keys (PKCS#11, provider stores). */
  readonly keyUris: boolean;
}

/** A private key: PKCS#8 DER bytes, or a URI the backend resolves (HSM, provider store). */
export type PrivateKeyRef = { readonly type: 'pkcs8'; readonly der: Uint8Array } | { readonly type: 'uri'; readonly uri: string };

export interface SignerInput {
  /** The signer's certificate, DER. */
  readonly certificate: Uint8Array;
  readonly privateKey: PrivateKeyRef;
  readonly digest: DigestAlgorithm;
  /** Default: rsa-pkcs1 for RSA keys, ecdsa for EC keys. */
  readonly scheme?: SignatureScheme;
  /** Signed attribute signingTime; omitted when undefined. */
  readonly signingTime?: Date;
  /** Signed attribute SMIMECapabilities, strongest first; omitted when undefined or empty. */
  readonly smimeCapabilities?: readonly ContentCipher[];
}

export interface SignRequest {
  /** The exact bytes to sign (a canonical MIME entity). */
  readonly content: Uint8Array;
  /** Detached: SignedData without eContent. Opaque (false): eContent carries `content`. */
  readonly detached: boolean;
  readonly signers: readonly SignerInput[];
  /** Extra certificates to embed (intermediates); signer certificates are always embedded. */
  readonly certificates?: readonly Uint8Array[];
  readonly signal?: AbortSignalLike;
}

export interface VerifyRequest {
  /** ContentInfo(SignedData), DER or BER. */
  readonly cms: Uint8Array;
  /** The detached content. When given, it is what is verified (any eContent is core's concern). */
  readonly content?: Uint8Array;
  /** Certificates to search for signer certificates besides the embedded ones. */
  readonly certificates?: readonly Uint8Array[];
  /** How many SignerInfos and certificates to read before refusing the input (core's defaults otherwise). */
  readonly limits?: CmsLimits;
  readonly signal?: AbortSignalLike;
}

/** Cryptographic facts about one SignerInfo, in SignedData order. */
export interface SignerCheck {
  readonly index: number;
  /** DER of the certificate matching the signer identifier, or null if none was found. */
  readonly certificate: Uint8Array | null;
  /**
   * True only if the signature verifies with that certificate's key over the signed attributes
   * exactly as received (re-tagged as SET OF), or over the content when there are none.
   */
  readonly signatureValid: boolean;
  /**
   * With signed attributes: true iff the messageDigest attribute equals the digest of the content.
   * Null when there are no signed attributes (then signatureValid already covers the content).
   */
  readonly messageDigestValid: boolean | null;
  /** Why the backend could not check (unsupported algorithm...), for the report; null otherwise. */
  readonly error: { readonly code: ErrorCode; readonly message: string } | null;
}

export interface RecipientInput {
  readonly certificate: Uint8Array;
}

export interface EncryptRequest {
  readonly content: Uint8Array;
  readonly recipients: readonly RecipientInput[];
  /** GCM ciphers produce AuthEnvelopedData (RFC 5083/5084); CBC ciphers EnvelopedData. */
  readonly cipher: ContentCipher;
  /** RSA key transport padding. rsa-oaep uses SHA-256 and MGF1-SHA-256 (RFC 8017, RFC 4055). */
  readonly keyTransport: KeyTransport;
  readonly signal?: AbortSignalLike;
}

export interface DecryptRequest {
  /** ContentInfo(EnvelopedData | AuthEnvelopedData), DER or BER. */
  readonly cms: Uint8Array;
  readonly certificate: Uint8Array;
  readonly privateKey: PrivateKeyRef;
  /** How many RecipientInfos to read before refusing the input (core's defaults otherwise). */
  readonly limits?: CmsLimits;
  readonly signal?: AbortSignalLike;
}

export interface DecryptResult {
  readonly content: Uint8Array;
}

export interface CertificateSignatureRequest {
  /** DER of the certificate whose signature is checked (or of the CRL or OCSP response, see `signed`). */
  readonly certificate: Uint8Array;
  /** DER of the candidate issuer, whose public key is used. */
  readonly issuer: Uint8Array;
  /**
   * What `certificate` holds, all three signed as SEQUENCE { toBeSigned, signatureAlgorithm, signature }:
   * a certificate (the default), a CRL (RFC 5280 CertificateList) or an OCSP BasicOCSPResponse (RFC 6960).
   */
  readonly signed?: 'certificate' | 'crl' | 'ocsp-response';
  readonly signal?: AbortSignalLike;
}

export interface DigestRequest {
  readonly algorithm: DigestAlgorithm;
  readonly data: Uint8Array;
  readonly signal?: AbortSignalLike;
}

export interface CryptoBackend {
  /** Short name used in reports and the CLI: 'pkijs', 'forge', 'openssl'. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** Returns ContentInfo(SignedData) DER. */
  sign(request: SignRequest): Promise<Uint8Array>;
  /** Checks every SignerInfo. Throws ERR_CMS_MALFORMED for unreadable input, never for a bad signature. */
  verify(request: VerifyRequest): Promise<readonly SignerCheck[]>;
  /** Returns ContentInfo(EnvelopedData | AuthEnvelopedData) DER. */
  encrypt(request: EncryptRequest): Promise<Uint8Array>;
  /**
   * Every failure to decrypt (no matching recipient excepted: ERR_NO_RECIPIENT) throws
   * `decryptionFailed()`; a failed GCM tag releases no plaintext. PKCS#1 v1.5 key transport must
   * use the RFC 3218 random-key countermeasure (a bad padding yields a random CEK, not an error).
   */
  decrypt(request: DecryptRequest): Promise<DecryptResult>;
  /** True iff `issuer`'s public key verifies `certificate`'s signature. */
  verifyCertificateSignature(request: CertificateSignatureRequest): Promise<boolean>;
  digest(request: DigestRequest): Promise<Uint8Array>;
}
