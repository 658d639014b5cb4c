import type { ContentCipher, CryptoBackend, DigestAlgorithm, KeyTransport, SignatureScheme } from '../backend.js';
import type { ErrorCode } from '../errors.js';
import type { MimeLimits } from '../mime/types.js';
import type { Identity } from '../pki/types.js';
import type { RevocationCheck, RevocationMode, RevocationOptions, RevocationStatus } from '../pki/revocation.js';
import type { CapabilitiesSource } from '../keystore/cipher-choice.js';
import type { KeyStore } from '../keystore/types.js';
import type { Transport } from '../transport/types.js';
import type { AbortSignalLike } from '../runtime-types.js';

export type VerifyStatus = 'valid' | 'invalid' | 'untrusted' | 'not-signed' | 'partially-signed';
export type DecryptStatus = 'decrypted' | 'failed' | 'partially-encrypted' | 'not-encrypted';

/** A finding in a report: `code` is one of core's stable error codes (docs/verdicts.md). */
export interface ReportError {
  readonly code: ErrorCode;
  readonly message: string;
}

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  /** SHA-256 fingerprint of the DER, lower-case hex. */
  readonly sha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

export interface SignerReport {
  readonly addresses: readonly string[];
  readonly signatureValid: boolean;
  readonly trusted: boolean;
  readonly matchesFrom: boolean;
  readonly digest: DigestAlgorithm | string;
  readonly signatureAlgorithm: string;
  readonly signingTime?: string;
  /** Content ciphers the signer advertises in SMIMECapabilities, strongest first as sent. */
  readonly smimeCapabilities?: readonly ContentCipher[];
  readonly certificate: CertificateSummary | null;
  /** The signer's certificate, DER (for key collection; JSON output leaves bytes out). */
  readonly certificateDer?: Uint8Array;
  /** Intermediates that chained it to a trust anchor (leaf and anchor excluded), when trusted. */
  readonly chain?: readonly Uint8Array[];
  /**
   * Revocation of the signer's path (docs/verdicts.md, "Revocation"): `revoked` if any certificate is,
   * `unknown` if any went unanswered, `not-checked` when the policy is `off` or no path reached an anchor.
   */
  readonly revocation: RevocationStatus;
  /** The answer about each certificate of the path (anchor excluded) and where it came from, when checked. */
  readonly revocationChecks?: readonly RevocationCheck[];
  readonly errors: readonly ReportError[];
}

/** An outer header field that is not what the sender left outside (RFC 9788 section 4.3). */
export interface ProtectedHeaderDifference {
  readonly name: string;
  /** Its values in the outer header as received (unfolded). */
  readonly outer: readonly string[];
  /** What the sender left outside: the HP-Outer records of an encrypted payload, else the protected values. */
  readonly expected: readonly string[];
}

/**
 * RFC 9788 header protection of the innermost content: the header fields the sender put inside the
 * signature and encryption, which are the message's real header (docs/verdicts.md, "Header protection").
 */
export interface HeaderProtectionReport {
  /** The payload's `hp` parameter: `clear` (signed only) or `cipher` (written to be encrypted). */
  readonly hp: 'clear' | 'cipher';
  /** A signature covered the protected fields (its verdict is the layer's status). */
  readonly signed: boolean;
  /** Encryption covered them. */
  readonly encrypted: boolean;
  /** The protected header fields as the sender wrote them (unfolded values, RFC 2047 words left encoded). */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  /** Names (lower case) of protected fields the outer header does not show as written: hidden by the sender's policy. */
  readonly confidential: readonly string[];
  /** Outer fields a relay or an attacker changed, added or removed after the sender sealed the message. */
  readonly outerDifferences: readonly ProtectedHeaderDifference[];
  /** MIME paths of the main text parts that start with a legacy display element (`hp-legacy-display="1"`). */
  readonly legacyDisplay: readonly string[];
  /** ERR_HEADER_PROTECTION_MISMATCH when the payload says `hp="cipher"` and nothing encrypted it. */
  readonly errors?: readonly ReportError[];
}

/**
 * What the outer header keeps of an encrypted message's fields (RFC 9788 section 3.2): `baseline`
 * (hcp_baseline: Subject becomes `[...]`, Keywords and Comments are removed), `none` (everything stays;
 * the fields are still protected from change), or a function returning the outer value, or null to
 * remove the field. A returned value must be printable ASCII (encode text with encodeHeaderWords).
 */
export type HeaderConfidentiality = 'baseline' | 'none' | ((field: { readonly name: string; readonly value: string }) => string | null);

/**
 * RFC 9788 header protection when writing: `sign-only` puts the header fields inside the signed (and
 * encrypted) payload without hiding any; `encrypt` also hides what `headerConfidentiality` says from the
 * outer header of encrypted copies. Default `off`.
 */
export type HeaderProtectionMode = 'off' | 'sign-only' | 'encrypt';

export interface HeaderProtectionOptions {
  readonly headerProtection?: HeaderProtectionMode;
  /** With `headerProtection: 'encrypt'`: what the outer header keeps. Default `baseline`. */
  readonly headerConfidentiality?: HeaderConfidentiality;
  /**
   * With `headerProtection: 'encrypt'`: start the main text part(s) with the hidden user-facing fields
   * (`Subject: ...`), marked so RFC 9788 readers hide them, for clients that show only the outer header. Default true.
   */
  readonly legacyDisplay?: boolean;
}

export interface VerifyReport {
  readonly status: VerifyStatus;
  /** The From address the signers were checked against: the protected From of a header-protected payload, else the message's. */
  readonly from: string | null;
  /** MIME path of the signed part when it is not the root (status partially-signed). */
  readonly signedPath?: string;
  readonly form?: 'detached' | 'opaque';
  readonly signers: readonly SignerReport[];
  readonly errors: readonly ReportError[];
  /**
   * True when a detached signature verified only over the CRLF canonical form of its content, which was
   * stored with bare LF line ends (mbox, maildir, a client's "save as"); `content` is then that form.
   */
  readonly canonicalized?: boolean;
  /** The time certificate validity was judged at (ISO 8601), when a signature was checked. */
  readonly verificationTime?: string;
  /** RFC 9788 header protection of the signed content, when it declares some. */
  readonly headerProtection?: HeaderProtectionReport;
  /** Exactly the bytes that were verified (the signed MIME entity), when a signature was found. */
  readonly content?: Uint8Array;
}

export interface DecryptReport {
  readonly status: DecryptStatus;
  readonly cipher?: ContentCipher | string;
  readonly authenticated?: boolean;
  readonly keyTransport?: KeyTransport | string;
  /** For a KeyAgreeRecipientInfo: the key agreement, from the recipient's key (`ecdh-p256`, `ecdh-p384`, `ecdh-p521`, `x25519`). */
  readonly keyAgreement?: string;
  /** For a KEMRecipientInfo (RFC 9629): the KEM, `ml-kem-512`, `ml-kem-768` or `ml-kem-1024` (its OID when it is another). */
  readonly kem?: string;
  /** MIME path of the encrypted part when it is nested (status partially-encrypted). */
  readonly encryptedPath?: string;
  readonly errors: readonly ReportError[];
  /** RFC 9788 header protection of the decrypted content, when it declares some. */
  readonly headerProtection?: HeaderProtectionReport;
  /** The message with its encrypted content replaced by the decrypted entity (status decrypted only). */
  readonly content?: Uint8Array;
}

export type OpenLayer =
  | ({ readonly type: 'enveloped' } & Omit<DecryptReport, 'content' | 'headerProtection'>)
  | ({
      readonly type: 'signed';
      /**
       * True when the content this signature covers is encrypted (a signature around EnvelopedData):
       * it signs ciphertext only, which anyone can do, so the decrypted message is not attributed to its
       * signer; its errors carry ERR_SIGNED_CIPHERTEXT_ONLY and it does not decide the message's status.
       */
      readonly coversCiphertextOnly?: boolean;
    } & Omit<VerifyReport, 'content' | 'headerProtection'>);

export interface OpenReport {
  readonly status: VerifyStatus | DecryptStatus;
  readonly layers: readonly OpenLayer[];
  readonly errors: readonly ReportError[];
  /**
   * RFC 9788 header protection of the innermost content, read against the message's outer header: the
   * protected fields are the message's real header; `outerDifferences` lists what changed outside.
   */
  readonly headerProtection?: HeaderProtectionReport;
  /** The innermost content after every layer was removed (present unless a layer failed). */
  readonly content?: Uint8Array;
}

export interface VerifyPolicy {
  /** Digests refused for signatures. Default ['md5', 'sha-1']. */
  readonly refusedDigests?: readonly DigestAlgorithm[];
  /** Minimum RSA modulus size. Default 2048. */
  readonly minRsaBits?: number;
  /** Minimum RSA public exponent. Default 65537. */
  readonly minRsaExponent?: bigint;
  /**
   * Reading old archives: allow MD5/SHA-1 and RSA >= 1024, exponent >= 3, and decrypt 3DES and RC2
   * content (refused with ERR_WEAK_CIPHER otherwise). Default false.
   */
  readonly legacy?: boolean;
  /**
   * Most certificates in a signer's path to a trust anchor, leaf and anchor included; a longer one is
   * untrusted with ERR_CHAIN_TOO_LONG. A positive integer; default 16. `legacy` leaves it as it is.
   */
  readonly maxChainLength?: number;
  /**
   * Revocation checking of every signer's path (CRLs given in `crls`, OCSP, CRL distribution points):
   * `soft-fail` (default) reports a status nobody could give as `unknown` and goes on; `hard-fail`
   * makes that signer untrusted (ERR_REVOCATION_UNKNOWN); `off` asks nobody. A revoked certificate is
   * untrusted (ERR_CERTIFICATE_REVOKED) under both. `legacy` leaves it as it is.
   */
  readonly revocation?: RevocationMode;
}

/**
 * What Sealpost reads of a received message before refusing it with an ERR_LIMIT_* error (thrown, at
 * any layer `open` unwraps). Each is a non-negative number; Infinity turns one off.
 */
export interface Limits extends MimeLimits {
  /** Maximum number of signed/encrypted layers `open` unwraps. Default 8. */
  readonly maxLayers?: number;
  /** Maximum number of SignerInfos in one SignedData (ERR_LIMIT_SIGNERS). Default 64. */
  readonly maxSignerInfos?: number;
  /** Maximum number of certificates embedded in one SignedData (ERR_LIMIT_CERTIFICATES). Default 64. */
  readonly maxCertificates?: number;
  /**
   * Maximum number of RecipientInfos in one EnvelopedData or AuthEnvelopedData (ERR_LIMIT_RECIPIENTS).
   * Default 10 000: a message sealed once for a whole mailing list can carry thousands.
   */
  readonly maxRecipients?: number;
}

export interface SealpostOptions {
  readonly backend: CryptoBackend;
  /** Needed by `send`. */
  readonly transport?: Transport;
  /** Where `send` looks up recipients' certificates. */
  readonly keystore?: KeyStore;
  /** The sender: signs, and gets a copy of every encrypted message's key. */
  readonly identity?: Identity;
  /**
   * The certificate `send` encrypts the sender's own copy to, when it is not the identity's: an Ed25519
   * or ML-DSA key only signs, so such a sender names its X25519 (or other encryption) certificate here.
   */
  readonly selfCertificate?: Uint8Array;
  readonly policy?: VerifyPolicy;
  readonly limits?: Limits;
  /** How revocation answers are fetched and kept: `fetch`, `timeoutMs`, `maxResponseBytes`, `cache`. */
  readonly revocation?: RevocationOptions;
}

export interface SignOptions {
  readonly signer: Identity;
  /** `sign-only`: put the message's header fields inside the signed content (RFC 9788, `hp="clear"`). */
  readonly headerProtection?: Exclude<HeaderProtectionMode, 'encrypt'>;
  /** Default true: multipart/signed. False: application/pkcs7-mime; smime-type=signed-data. */
  readonly detached?: boolean;
  /** Default sha-256. */
  readonly digest?: DigestAlgorithm;
  readonly scheme?: SignatureScheme;
  /** Default: now. */
  readonly signingTime?: Date;
  readonly signal?: AbortSignalLike;
}

/** A recipient certificate with the capabilities a key store kept for it (a StoredCertificate is one). */
export interface EncryptRecipient {
  /** DER. */
  readonly certificate: Uint8Array;
  /** SMIMECapabilities its signed mail advertised; [] or absent when unknown. */
  readonly smimeCapabilities?: readonly ContentCipher[];
}

export interface EncryptOptions extends HeaderProtectionOptions {
  /**
   * Recipient certificates (DER), or certificates with the capabilities a key store kept. Include the
   * sender's own to keep the sent copy readable (it then counts in the cipher choice too).
   */
  readonly recipients: readonly (Uint8Array | EncryptRecipient)[];
  /**
   * Default: the strongest cipher every recipient advertises (key store entry, else the certificate's
   * smimeCapabilities extension); AES-256-CBC when a recipient's capabilities are unknown.
   */
  readonly cipher?: ContentCipher;
  /** The cipher for recipients whose capabilities are unknown, instead of AES-CBC. */
  readonly cipherUnknown?: ContentCipher;
  /** Default rsa-pkcs1 (what every mainstream client reads); rsa-oaep on request. */
  readonly keyTransport?: KeyTransport;
  readonly signal?: AbortSignalLike;
}

export interface SignAndEncryptOptions extends Omit<SignOptions, 'headerProtection'>, Omit<EncryptOptions, 'signal'> {}

export interface VerifyOptions {
  /** Trust anchors (DER). Without any, no chain is trusted. */
  readonly trustAnchors: readonly Uint8Array[];
  /** Extra intermediates to build chains with. */
  readonly certificates?: readonly Uint8Array[];
  /**
   * The time certificate validity is judged at, for reading archives: a signature made while its
   * certificates were valid stays `valid` after they expire. Default now. The report says which time was used.
   */
  readonly verificationTime?: Date;
  /** @deprecated The older name of `verificationTime`. */
  readonly now?: Date;
  /**
   * CRLs (DER) to check the signers' paths against before asking any server; each must be current
   * at the verification time. At most 64; an unreadable one throws ERR_CRL_MALFORMED.
   */
  readonly crls?: readonly Uint8Array[];
  readonly policy?: VerifyPolicy;
  readonly signal?: AbortSignalLike;
}

export interface DecryptOptions {
  readonly identity: Identity;
  /** Refuse unauthenticated (CBC) encryption: status failed, ERR_NOT_AUTHENTICATED, no content. */
  readonly requireAuthenticated?: boolean;
  /** Layered over the instance's policy; `legacy: true` reads 3DES and RC2 content (ERR_WEAK_CIPHER otherwise). */
  readonly policy?: VerifyPolicy;
  readonly signal?: AbortSignalLike;
}

export interface OpenOptions extends Omit<VerifyOptions, 'signal'> {
  readonly identities: readonly Identity[];
  readonly requireAuthenticated?: boolean;
  readonly signal?: AbortSignalLike;
}

export interface SendOptions extends HeaderProtectionOptions {
  /** Default true. Needs `identity`, whose certificate must carry the From address. */
  readonly sign?: boolean;
  /** Default true. Needs `keystore`. */
  readonly encrypt?: boolean;
  /** Override the cipher chosen from each recipient's SMIMECapabilities. */
  readonly cipher?: ContentCipher;
  /**
   * The cipher for recipients whose capabilities neither the key store nor the certificate gives.
   * Default aes-256-cbc, which every S/MIME client reads (Thunderbird cannot read GCM).
   */
  readonly cipherUnknown?: ContentCipher;
  readonly keyTransport?: KeyTransport;
  readonly digest?: DigestAlgorithm;
  /** Recipients without a certificate: 'refuse' (default; ERR_NO_CERTIFICATE, nothing sent) or 'sign-only'. */
  readonly missingCertificate?: 'refuse' | 'sign-only';
  readonly signal?: AbortSignalLike;
}

export interface SendRecipientReport {
  readonly address: string;
  /** accepted/rejected/deferred as the transport reported; failed = not sent; unknown = the outcome could not be learned. */
  readonly status: 'accepted' | 'rejected' | 'deferred' | 'failed' | 'unknown';
  readonly signed: boolean;
  readonly encrypted: boolean;
  readonly cipher?: ContentCipher;
  /**
   * Encrypted recipients: where the capabilities the cipher was chosen from came from. `unknown` means
   * neither the key store nor the certificate said, so the recipient got `cipherUnknown` (AES-256-CBC).
   */
  readonly capabilities?: CapabilitiesSource;
  readonly id?: string;
  readonly response?: string;
  readonly code?: number;
  /**
   * Why the recipient was not sent to. Core's own sends use its error codes (`ReportError`); the type
   * stays open because applications build send reports too, with codes of their own (the CLI's bulk
   * sends and ERR_NOT_SENT).
   */
  readonly error?: SendError;
}

/** A send report's error: a `ReportError` when core made it, an application's own code otherwise. */
export interface SendError {
  readonly code: ErrorCode | (string & {});
  readonly message: string;
  /**
   * ERR_TRANSPORT_RATE_LIMITED: how long the transport was asked to wait before sending again, in ms,
   * when it was told (a `retryAfterMs` in the transport error's detail, as SparkPost's Retry-After).
   */
  readonly retryAfterMs?: number;
}

export interface SendReport {
  readonly recipients: readonly SendRecipientReport[];
}

export interface Sealpost {
  readonly backend: CryptoBackend;
  /** Signs a whole message (headers + body). Returns the signed message bytes. */
  sign(message: Uint8Array, options: SignOptions): Promise<Uint8Array>;
  encrypt(message: Uint8Array, options: EncryptOptions): Promise<Uint8Array>;
  /** Signs, then encrypts the signed entity. */
  signAndEncrypt(message: Uint8Array, options: SignAndEncryptOptions): Promise<Uint8Array>;
  verify(message: Uint8Array, options: VerifyOptions): Promise<VerifyReport>;
  decrypt(message: Uint8Array, options: DecryptOptions): Promise<DecryptReport>;
  open(message: Uint8Array, options: OpenOptions): Promise<OpenReport>;
  /** Seals and sends per recipient through the configured transport. */
  send(message: Uint8Array, options?: SendOptions): Promise<SendReport>;
}
