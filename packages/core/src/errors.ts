import type { AbortSignalLike } from './runtime-types.js';

/**
 * Stable error codes. Callers switch on `code`, never on `instanceof` (two copies of core
 * in one process break `instanceof`) and never on `message`.
 */
export type ErrorCode =
  // input that cannot be read
  | 'ERR_MIME_MALFORMED'
  | 'ERR_ASN1_MALFORMED'
  | 'ERR_CMS_MALFORMED'
  | 'ERR_NOT_SMIME'
  | 'ERR_CERTIFICATE_MALFORMED'
  | 'ERR_CRL_MALFORMED'
  | 'ERR_KEY_MALFORMED'
  | 'ERR_KEY_MISMATCH'
  | 'ERR_PKCS12_MALFORMED'
  | 'ERR_PKCS12_PASSWORD'
  | 'ERR_ADDRESS_MALFORMED'
  // resource limits
  | 'ERR_LIMIT_DEPTH'
  | 'ERR_LIMIT_PARTS'
  | 'ERR_LIMIT_SIZE'
  | 'ERR_LIMIT_HEADERS'
  | 'ERR_LIMIT_HEADER_SIZE'
  | 'ERR_LIMIT_SIGNERS'
  | 'ERR_LIMIT_CERTIFICATES'
  | 'ERR_LIMIT_RECIPIENTS'
  // capabilities
  | 'ERR_UNSUPPORTED_DIGEST'
  | 'ERR_UNSUPPORTED_SIGNATURE'
  | 'ERR_UNSUPPORTED_CIPHER'
  | 'ERR_UNSUPPORTED_KEY_TRANSPORT'
  | 'ERR_UNSUPPORTED_KEY_AGREEMENT'
  | 'ERR_UNSUPPORTED_KEM'
  | 'ERR_UNSUPPORTED_KEY'
  | 'ERR_UNSUPPORTED_CMS'
  | 'ERR_UNSUPPORTED_PKCS12'
  // decryption (one fixed message for all of them)
  | 'ERR_DECRYPTION_FAILED'
  | 'ERR_NO_RECIPIENT'
  | 'ERR_NOT_AUTHENTICATED'
  | 'ERR_WEAK_CIPHER'
  // verification findings (reported in VerifyReport.errors; thrown only by assertValid)
  | 'ERR_NO_SIGNERS'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_DIGEST_MISMATCH'
  | 'ERR_MESSAGE_DIGEST_MISSING'
  | 'ERR_CONTENT_TYPE_ATTRIBUTE'
  | 'ERR_DETACHED_WITH_CONTENT'
  | 'ERR_SIGNER_CERTIFICATE_MISSING'
  | 'ERR_CHAIN_UNTRUSTED'
  | 'ERR_CERTIFICATE_EXPIRED'
  | 'ERR_CERTIFICATE_NOT_YET_VALID'
  | 'ERR_CERTIFICATE_USAGE'
  | 'ERR_NAME_CONSTRAINTS'
  | 'ERR_CHAIN_TOO_LONG'
  | 'ERR_CERTIFICATE_REVOKED'
  | 'ERR_REVOCATION_UNKNOWN'
  | 'ERR_FROM_MISSING'
  | 'ERR_FROM_MULTIPLE'
  | 'ERR_FROM_MISMATCH'
  | 'ERR_WEAK_DIGEST'
  | 'ERR_WEAK_KEY'
  | 'ERR_NOT_ROOT_SIGNED'
  | 'ERR_PARTIALLY_ENCRYPTED'
  | 'ERR_SIGNED_CIPHERTEXT_ONLY'
  | 'ERR_HEADER_PROTECTION_MISMATCH'
  | 'ERR_NOT_VALID'
  // sending and key collection
  | 'ERR_NO_CERTIFICATE'
  | 'ERR_NO_RECIPIENTS'
  | 'ERR_MESSAGE_TOO_LARGE'
  | 'ERR_TRANSPORT_REJECTED'
  | 'ERR_TRANSPORT_AUTH'
  | 'ERR_TRANSPORT_RATE_LIMITED'
  | 'ERR_TRANSPORT_UNAVAILABLE'
  | 'ERR_TRANSPORT_TLS'
  | 'ERR_TRANSPORT_OUTCOME_UNKNOWN'
  | 'ERR_TRANSPORT'
  | 'ERR_WEBHOOK_MALFORMED'
  | 'ERR_KEYSTORE'
  | 'ERR_DKIM_KEY'
  | 'ERR_DKIM_SIGN'
  // operation plumbing
  | 'ERR_ABORTED'
  | 'ERR_TIMEOUT'
  | 'ERR_BACKEND'
  | 'ERR_INVALID_ARGUMENT';

export interface SealpostErrorOptions {
  readonly cause?: unknown;
  /** Extra structured detail (never key material, passphrases or message bodies). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export class SealpostError extends Error {
  readonly code: ErrorCode;
  readonly detail: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: SealpostErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SealpostError';
    this.code = code;
    this.detail = options.detail;
  }

  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** The single message every decryption failure carries: wrong key, bad padding, bad tag alike. */
export const DECRYPTION_FAILED_MESSAGE = 'decryption failed';

export function decryptionFailed(): SealpostError {
  // No cause: a cause would carry the distinguishing detail this error exists to hide.
  return new SealpostError('ERR_DECRYPTION_FAILED', DECRYPTION_FAILED_MESSAGE);
}

export function isSealpostError(value: unknown, code?: ErrorCode): value is SealpostError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { name?: unknown; code?: unknown };
  return v.name === 'SealpostError' && typeof v.code === 'string' && (code === undefined || v.code === code);
}

export function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted) throw new SealpostError('ERR_ABORTED', 'operation aborted', { cause: signal.reason });
}
