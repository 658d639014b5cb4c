import { type ErrorCode, isSealpostError } from '@sealpost/core';

/**
 * Key store refusals that no redelivery can change: the store cannot represent the address (core's
 * store address rule refuses it, e.g. a local part over 64 octets), the certificate does not parse, or
 * it or its chain is over the size limits every store shares (64 KiB, 16 certificates). Answering 500 for these would make SparkPost redeliver the batch forever, and every other sender in
 * it with it. Every other failure (ERR_KEYSTORE for a disk error or a busy database, or an error
 * without a Sealpost code) may pass, so the batch is answered 500 and delivered again.
 */
const FINAL_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['ERR_ADDRESS_MALFORMED', 'ERR_CERTIFICATE_MALFORMED', 'ERR_LIMIT_SIZE', 'ERR_LIMIT_CERTIFICATES']);

/** True when a failed `put` will fail the same way however often it is retried; decided by code, never by message. */
export function isFinalRefusal(error: unknown): boolean {
  return isSealpostError(error) && FINAL_REFUSALS.has(error.code);
}

/** What a log may say about a failed `put`: its Sealpost code, or `unknown` (never its message or cause). */
export function storeErrorCode(error: unknown): string {
  return isSealpostError(error) ? error.code : 'unknown';
}
