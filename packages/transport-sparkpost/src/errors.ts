import { SealpostError } from '@sealpost/core';

/** The codes of core's ErrorCode this package throws besides the common ones (ERR_INVALID_ARGUMENT, ERR_ABORTED, ...). */
export type TransportErrorCode =
  /** The API answered with a redirect (not followed: check baseUrl). A 4xx refusal is a result, not an error. */
  | 'ERR_TRANSPORT_REJECTED'
  /** 401 or 403: the API key is missing, wrong, or lacks the Transmissions permission. */
  | 'ERR_TRANSPORT_AUTH'
  /** 429 on every attempt, or a Retry-After longer than the retry policy allows. */
  | 'ERR_TRANSPORT_RATE_LIMITED'
  /** The request never reached the API (connection refused, DNS failure) on every attempt. */
  | 'ERR_TRANSPORT_UNAVAILABLE'
  /** The request was sent but no usable answer came back (5xx, timeout, connection lost): it may have been accepted. */
  | 'ERR_TRANSPORT_OUTCOME_UNKNOWN'
  /** The message is over the size limit, checked before sending (a 413 from the API is a `rejected` result). */
  | 'ERR_MESSAGE_TOO_LARGE'
  /** A relay-webhook body that is not the documented batch shape. */
  | 'ERR_WEBHOOK_MALFORMED';

/** One entry of a SparkPost `errors[]` (or `rcpt_to_errors[]`) array, as the API sent it. */
export interface SparkPostApiError {
  readonly message: string;
  readonly code?: string;
  readonly description?: string;
}

export interface TransportErrorDetail {
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  /** The API's errors[] from the last answer. */
  readonly errors?: readonly SparkPostApiError[];
  /** How many requests were made. */
  readonly attempts?: number;
  /** True when the transmission may have been accepted although this error was thrown. */
  readonly outcomeUnknown?: boolean;
  /** Why the outcome is unknown or the request failed: 'timeout', 'connection-lost', 'server-error', ... */
  readonly reason?: string;
  /** ERR_TRANSPORT_RATE_LIMITED: the wait the last 429's Retry-After asked for, in ms (absent when it gave none). */
  readonly retryAfterMs?: number;
  readonly [key: string]: unknown;
}

/** A SealpostError with one of this package's codes and its detail. */
export function transportError(code: TransportErrorCode, message: string, detail?: TransportErrorDetail, cause?: unknown): SealpostError {
  return new SealpostError(code, message, {
    ...(detail === undefined ? {} : { detail }),
    ...(cause === undefined ? {} : { cause }),
  });
}
