import type { DigestAlgorithm, KeyTransport, MlKemParameterSet, PrivateKeyRef } from '../backend.js';
import type { CipherSpec } from './algorithms.js';
import type { AgreementCurve, PublicKeyFacts, SigningKeyFacts } from './certificate-facts.js';
import type { ContentParameters } from './content-parameters.js';
import type { KeyTransportParams } from './key-transport.js';
import type { MlKemPrivateKey } from './post-quantum.js';
import type { SignatureParams } from './signature-algorithms.js';
import type { AbortSignalLike } from '../runtime-types.js';

/**
 * What a backend computes for the CMS engine (the seam, in the spirit of jose's runtime folder).
 * The engine reads every structure, matches identifiers, checks parameters, digests and shapes, and
 * decides what each result means; a primitive only does the cryptographic operation it names, on
 * inputs the engine has already checked.
 */

export interface SignatureCheck {
  /** The SubjectPublicKeyInfo exactly as the certificate holds it. */
  readonly spki: Uint8Array;
  /** The engine's reading of that key: its kind always fits `params.scheme`. */
  readonly publicKey: SigningKeyFacts;
  readonly params: SignatureParams;
  /** The signed bytes (signed attributes re-tagged as SET OF, or the content). */
  readonly data: Uint8Array;
  /**
   * RSA: exactly as long as the modulus. ECDSA: a DER Ecdsa-Sig-Value whose r and s are positive and
   * no longer than the curve's field size. Ed25519: R || S, 64 octets, S < L, from a canonical key not of
   * small order (the engine has checked that; the backend checks the equation, PureEdDSA over `data`
   * with no context, and compares R as encoded, as RFC 8032 5.1.7 and OpenSSL do).
   */
  readonly signature: Uint8Array;
}

export interface VerifyPrimitives {
  digest(algorithm: DigestAlgorithm, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** True iff the signature verifies; ERR_UNSUPPORTED_KEY for a key this backend cannot use. */
  verifySignature(check: SignatureCheck): boolean | Promise<boolean>;
}

export interface KeyUnwrap {
  readonly transport: KeyTransportParams;
  readonly privateKey: PrivateKeyRef;
  readonly encryptedKey: Uint8Array;
  /** The content cipher's key length: PKCS#1 v1.5 needs it for the RFC 3218 countermeasure. */
  readonly keyLength: number;
  readonly signal?: AbortSignalLike | undefined;
}

export interface ContentDecryption {
  readonly cipher: CipherSpec;
  readonly key: Uint8Array;
  /** CBC: a 16-octet IV. GCM: a 12-octet nonce and a 16-octet tag length. */
  readonly parameters: ContentParameters;
  readonly ciphertext: Uint8Array;
  /** The GCM tag (as long as parameters.icvLength), null for CBC. */
  readonly mac: Uint8Array | null;
  /** The GCM additional data (authAttrs as SET OF), or null. */
  readonly additionalData: Uint8Array | null;
  readonly signal?: AbortSignalLike | undefined;
}

export interface DecryptPrimitives {
  /**
   * The content-encryption key of `keyLength` octets. RSAES-OAEP failures throw decryptionFailed();
   * PKCS#1 v1.5 never fails here: a bad block yields a random key (RFC 3218 2.3.2, pkcs1v15UnpadKey).
   */
  unwrapKey(input: KeyUnwrap): Promise<Uint8Array>;
  /** The plaintext; every failure (bad padding, bad tag, bad length) throws decryptionFailed(). */
  decryptContent(input: ContentDecryption): Promise<Uint8Array>;
}

export interface SignatureCreation {
  /** The signer's position in the request (for naming, never for meaning). */
  readonly index: number;
  readonly privateKey: PrivateKeyRef;
  /** The signer's certificate as the engine read it: its key says which algorithm family to use. */
  readonly publicKey: SigningKeyFacts;
  readonly params: SignatureParams;
  /** The bytes to sign: the DER SET OF signed attributes. */
  readonly data: Uint8Array;
  readonly signal?: AbortSignalLike | undefined;
}

export interface SignPrimitives extends VerifyPrimitives {
  /**
   * The signature value as CMS carries it: RSA octets, a DER Ecdsa-Sig-Value, Ed25519's 64 octets (PureEdDSA
   * over `data`), or ML-DSA's signature (pure mode, empty context, over `data`; the key is what
   * mlDsaPrivateKeyOf reads, of the certificate's parameter set, which the engine has checked).
   */
  sign(input: SignatureCreation): Promise<Uint8Array>;
  /**
   * True when the implementation checks its own RSA results before returning them (OpenSSL, BoringSSL
   * and NSS verify an RSA-CRT result, so a fault cannot leak the key). Core then verifies a fresh
   * signature itself only where the key was not checked against the certificate in advance (key URIs);
   * otherwise it verifies every one.
   */
  readonly checksOwnSignatures?: boolean;
}

export interface KeyWrap {
  readonly transport: KeyTransport;
  /** The recipient's RSA key as the engine read it, and its SubjectPublicKeyInfo as the certificate holds it. */
  readonly publicKey: Extract<PublicKeyFacts, { kind: 'rsa' }>;
  readonly spki: Uint8Array;
  /** The content-encryption key. */
  readonly key: Uint8Array;
  readonly signal?: AbortSignalLike | undefined;
}

export interface ContentEncryption {
  readonly cipher: CipherSpec;
  readonly key: Uint8Array;
  /** A fresh IV, or a fresh 12-octet nonce and the 16-octet tag length, from the engine. */
  readonly parameters: ContentParameters;
  readonly content: Uint8Array;
  readonly signal?: AbortSignalLike | undefined;
}

export interface EncryptPrimitives {
  /** `length` octets from a cryptographically secure source. */
  random(length: number): Uint8Array;
  /**
   * The encryptedKey: RSAES-PKCS1-v1_5 (pkcs1v15Pad), or RSAES-OAEP with SHA-256 and MGF1-SHA-256.
   * ERR_UNSUPPORTED_KEY when the key is too small for it.
   */
  wrapKey(input: KeyWrap): Promise<Uint8Array>;
  /** The ciphertext, and for GCM the tag apart from it. */
  encryptContent(input: ContentEncryption): Promise<{ readonly ciphertext: Uint8Array; readonly mac: Uint8Array | null }>;
}

export interface SharedSecretDerivation {
  readonly curve: AgreementCurve;
  /** The recipient's own key; the engine has checked that a PKCS#8 key is an EC key on `curve`, or an X25519 key. */
  readonly privateKey: PrivateKeyRef;
  /**
   * The sender's ephemeral key: an uncompressed SEC 1 point of the curve's size (not yet checked to lie
   * on it), or X25519's 32-octet u-coordinate.
   */
  readonly publicKey: Uint8Array;
  readonly signal?: AbortSignalLike | undefined;
}

export interface EphemeralAgreement {
  readonly curve: AgreementCurve;
  /** The recipient's SEC 1 point, or X25519 key, as its certificate holds it. */
  readonly publicKey: Uint8Array;
  readonly signal?: AbortSignalLike | undefined;
}

export interface AesKeyWrap {
  /** The key-encryption key: 16, 24 or 32 octets. */
  readonly kek: Uint8Array;
  /** Wrapping: the content key. Unwrapping: the wrapped key, a multiple of 8 octets and at least 24. */
  readonly key: Uint8Array;
}

/**
 * ECDH key agreement (RFC 5753 on the NIST curves, RFC 8418 with X25519) for the CMS engine, which does
 * the KDF (X9.63 or HKDF, with `digest`), reads and writes the KeyAgreeRecipientInfo and checks every
 * length. A backend lists the curves in its capabilities' `keyAgreement` only when it implements these.
 */
export interface KeyAgreementPrimitives {
  digest(algorithm: DigestAlgorithm, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /**
   * Z, the x-coordinate of the shared point (as many octets as the curve's field), or X25519's 32-octet
   * output (the engine refuses an all-zero one). A point that is not on the curve, or any other failure
   * with the received key, throws decryptionFailed().
   */
  deriveSharedSecret(input: SharedSecretDerivation): Promise<Uint8Array>;
  /**
   * A fresh key pair on `curve`, used for this one agreement and then dropped: its public point
   * (uncompressed; X25519: its 32 octets) and Z with `publicKey`. The private half never leaves the backend.
   * ERR_CERTIFICATE_MALFORMED when `publicKey` is not a point on the curve.
   */
  deriveEphemeralSharedSecret(input: EphemeralAgreement): Promise<{ readonly ephemeralPublicKey: Uint8Array; readonly sharedSecret: Uint8Array }>;
  /** RFC 3394 AES key wrap with the default IV. */
  wrapKeyAes(input: AesKeyWrap): Promise<Uint8Array>;
  /** RFC 3394 AES key unwrap; every failure (integrity check, length) throws decryptionFailed(). */
  unwrapKeyAes(input: AesKeyWrap): Promise<Uint8Array>;
}

export interface KemEncapsulation {
  readonly parameterSet: MlKemParameterSet;
  /** The recipient's encapsulation key, as long as the parameter set's (the engine has checked it). */
  readonly publicKey: Uint8Array;
  readonly signal?: AbortSignalLike | undefined;
}

export interface KemDecapsulation {
  readonly parameterSet: MlKemParameterSet;
  /** The recipient's key as its PKCS#8 holds it, of `parameterSet`, lengths checked (mlKemPrivateKeyOf). */
  readonly privateKey: MlKemPrivateKey;
  /** The kemct, as long as the parameter set's ciphertext. */
  readonly ciphertext: Uint8Array;
  readonly signal?: AbortSignalLike | undefined;
}

/**
 * ML-KEM (FIPS 203) for KEMRecipientInfo (RFC 9629, RFC 9936): the CMS engine does the KDF (HKDF over the
 * backend's digest), reads and writes the structure and checks every length; a backend lists the parameter
 * sets in its capabilities' `kem` only when it implements these.
 */
export interface KemPrimitives {
  digest(algorithm: DigestAlgorithm, data: Uint8Array): Uint8Array | Promise<Uint8Array>;
  /** ML-KEM.Encaps: the ciphertext and the 32-octet shared secret. ERR_CERTIFICATE_MALFORMED for a key that fails FIPS 203 7.2's check. */
  kemEncapsulate(input: KemEncapsulation): Promise<{ readonly ciphertext: Uint8Array; readonly sharedSecret: Uint8Array }>;
  /**
   * ML-KEM.Decaps: the 32-octet shared secret (for a tampered ciphertext, the implicit rejection's). A seed
   * is expanded first; a key stored both ways whose seed does not expand to its expanded key is ERR_KEY_MALFORMED.
   */
  kemDecapsulate(input: KemDecapsulation): Promise<Uint8Array>;
  /** RFC 3394 AES key wrap with the default IV. */
  wrapKeyAes(input: AesKeyWrap): Promise<Uint8Array>;
  /** RFC 3394 AES key unwrap; every failure throws decryptionFailed(). */
  unwrapKeyAes(input: AesKeyWrap): Promise<Uint8Array>;
}
