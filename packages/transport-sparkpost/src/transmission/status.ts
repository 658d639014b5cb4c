import type { SparkPostApiError, TransportErrorCode, TransportErrorDetail } from '../errors.js';
import type { ApiAnswer, TransmissionResults } from './api-answer.js';

/** An error still to be thrown: the caller adds how many attempts were made. */
export interface Failure {
  readonly code: TransportErrorCode;
  readonly message: string;
  readonly detail: TransportErrorDetail;
  readonly cause?: unknown;
}

/**
 * What one HTTP answer means for the send: done, refused (a verdict on this transmission, reported per
 * recipient as SMTP replies are), try again, or stop with an error.
 */
export type AnswerOutcome =
  | { readonly kind: 'accepted'; readonly results: TransmissionResults }
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  | { readonly kind: 'rate-limited'; readonly error: Failure }
  | { readonly kind: 'outcome-unknown'; readonly error: Failure }
  | { readonly kind: 'failed'; readonly error: Failure };

/** SparkPost answered and did not take the transmission: for good (`rejected`) or for now (`deferred`). */
export interface Refusal {
  readonly recipientStatus: 'rejected' | 'deferred';
  /** Why, with the HTTP status and SparkPost's first error, for each recipient's `response`. */
  readonly response: string;
  readonly status: number;
  readonly errors: readonly SparkPostApiError[];
  /** The results of a 2xx that accepted no recipient. */
  readonly results: TransmissionResults | null;
}

function firstMessage(errors: readonly SparkPostApiError[]): string {
  const first = errors[0];
  if (first === undefined) return '';
  return `: ${first.message}${first.description === undefined ? '' : ` (${first.description})`}`;
}

function failed(code: TransportErrorCode, message: string, status: number, errors: readonly SparkPostApiError[]): AnswerOutcome {
  return { kind: 'failed', error: { code, message, detail: { status, errors } } };
}

function refused(recipientStatus: Refusal['recipientStatus'], response: string, status: number, errors: readonly SparkPostApiError[]): AnswerOutcome {
  return { kind: 'refused', refusal: { recipientStatus, response, status, errors, results: null } };
}

/**
 * Reads one answer of POST /transmissions, following the status codes SparkPost documents. Its rule
 * for 4xx is "a problem with the call: fix something before retrying", so a 4xx is a refusal of this
 * transmission for good (`rejected`), except the three that are not about the message: 401/403 (the
 * API key: ERR_TRANSPORT_AUTH), 429 (rate limiting: retried) and 420 (an hourly, daily or sandbox
 * sending limit: nothing was sent, and SparkPost takes mail again once the limit resets: `deferred`).
 */
export function answerOutcome(status: number, answer: ApiAnswer): AnswerOutcome {
  const { errors } = answer;
  if (status >= 200 && status < 300) return successOutcome(status, answer);
  if (status === 429)
    return {
      kind: 'rate-limited',
      error: { code: 'ERR_TRANSPORT_RATE_LIMITED', message: `SparkPost is rate limiting requests (HTTP 429)${firstMessage(errors)}`, detail: { status, errors } },
    };
  if (status >= 500)
    return {
      kind: 'outcome-unknown',
      error: {
        code: 'ERR_TRANSPORT_OUTCOME_UNKNOWN',
        message: `SparkPost answered HTTP ${status}; the transmission may or may not have been accepted${firstMessage(errors)}`,
        detail: { status, errors, outcomeUnknown: true, reason: 'server-error' },
      },
    };
  if (status === 401 || status === 403) return failed('ERR_TRANSPORT_AUTH', `SparkPost refused the API key (HTTP ${status})${firstMessage(errors)}`, status, errors);
  if (status === 420) return refused('deferred', `SparkPost sending limit reached (HTTP 420), nothing was sent${firstMessage(errors)}`, status, errors);
  if (status === 413) return refused('rejected', `SparkPost found the transmission too large (HTTP 413)${firstMessage(errors)}`, status, errors);
  return refused('rejected', `SparkPost refused the transmission (HTTP ${status})${firstMessage(errors)}`, status, errors);
}

function successOutcome(status: number, answer: ApiAnswer): AnswerOutcome {
  const { errors, results } = answer;
  if (results === null)
    return {
      kind: 'outcome-unknown',
      error: {
        code: 'ERR_TRANSPORT_OUTCOME_UNKNOWN',
        message: `SparkPost answered HTTP ${status} without transmission results`,
        detail: { status, errors, outcomeUnknown: true, reason: 'unreadable-answer' },
      },
    };
  if (results.accepted === 0)
    return {
      kind: 'refused',
      refusal: { recipientStatus: 'rejected', response: `SparkPost accepted none of the recipients${firstMessage(results.recipientErrors)}`, status, errors, results },
    };
  return { kind: 'accepted', results };
}
