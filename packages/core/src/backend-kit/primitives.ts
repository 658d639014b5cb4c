import type { DigestAlgorithm, KeyTransport, PrivateKeyRef } from '../backend.js';
import type { CipherSpec } from './algorithms.js';
import type { PublicKeyFacts } from './certificate-facts.js';
import type { ContentParameters } from './content-parameters.js';
import type { KeyTransportParams } from './key-transport.js';
import type { SignatureParams } from './signature-algorithms.js';

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
  readonly publicKey: Exclude<PublicKeyFacts, { kind: 'other' }>;
  readonly params: SignatureParams;
  /** The signed bytes (signed attributes re-tagged as SET OF, or the content). */
  readonly data: Uint8Array;
  /**
   * RSA: exactly as long as the modulus. ECDSA: a DER Ecdsa-Sig-Value whose r and s are positive and
   * no longer than the curve's field size.
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
  readonly signal?: AbortSignal | undefined;
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
  readonly signal?: AbortSignal | undefined;
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
  readonly publicKey: Exclude<PublicKeyFacts, { kind: 'other' }>;
  readonly params: SignatureParams;
  /** The bytes to sign: the DER SET OF signed attributes. */
  readonly data: Uint8Array;
  readonly signal?: AbortSignal | undefined;
}

export interface SignPrimitives extends VerifyPrimitives {
  /** The signature value as CMS carries it: RSA octets, or a DER Ecdsa-Sig-Value. */
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
  readonly signal?: AbortSignal | undefined;
}

export interface ContentEncryption {
  readonly cipher: CipherSpec;
  readonly key: Uint8Array;
  /** A fresh IV, or a fresh 12-octet nonce and the 16-octet tag length, from the engine. */
  readonly parameters: ContentParameters;
  readonly content: Uint8Array;
  readonly signal?: AbortSignal | undefined;
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
