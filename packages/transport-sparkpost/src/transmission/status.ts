import type { SparkPostApiError, TransportErrorCode, TransportErrorDetail } from '../errors.js';
import type { ApiAnswer, TransmissionResults } from './api-answer.js';

/** An error still to be thrown: the caller adds how many attempts were made. */
export interface Failure {
  readonly code: TransportErrorCode;
  readonly message: string;
  readonly detail: TransportErrorDetail;
  readonly cause?: unknown;
}

/** What one HTTP answer means for the send: done, try again, or stop. */
export type AnswerOutcome =
  | { readonly kind: 'accepted'; readonly results: TransmissionResults }
  | { readonly kind: 'rate-limited'; readonly error: Failure }
  | { readonly kind: 'outcome-unknown'; readonly error: Failure }
  | { readonly kind: 'failed'; readonly error: Failure };

function firstMessage(errors: readonly SparkPostApiError[]): string {
  const first = errors[0];
  if (first === undefined) return '';
  return `: ${first.message}${first.description === undefined ? '' : ` (${first.description})`}`;
}

function failed(code: TransportErrorCode, message: string, status: number, errors: readonly SparkPostApiError[]): AnswerOutcome {
  return { kind: 'failed', error: { code, message, detail: { status, errors } } };
}

/** Reads one answer of POST /transmissions, following the status codes SparkPost documents. */
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
  if (status === 401 || status === 403)
    return failed('ERR_TRANSPORT_AUTH', `SparkPost refused the API key (HTTP ${status})${firstMessage(errors)}`, status, errors);
  if (status === 413) return failed('ERR_MESSAGE_TOO_LARGE', `SparkPost found the transmission too large (HTTP 413)${firstMessage(errors)}`, status, errors);
  if (status === 420)
    return failed('ERR_TRANSPORT_REJECTED', `SparkPost sending limit reached (HTTP 420); nothing was sent${firstMessage(errors)}`, status, errors);
  return failed('ERR_TRANSPORT_REJECTED', `SparkPost rejected the transmission (HTTP ${status})${firstMessage(errors)}`, status, errors);
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
      kind: 'failed',
      error: {
        code: 'ERR_TRANSPORT_REJECTED',
        message: `SparkPost accepted none of the recipients${firstMessage(results.recipientErrors)}`,
        detail: {
          status,
          errors: [...errors, ...results.recipientErrors],
          rejected: results.rejected,
          ...(results.id === null ? {} : { transmissionId: results.id }),
        },
      },
    };
  return { kind: 'accepted', results };
}
