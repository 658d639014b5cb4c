import { SealpostError, isSealpostError, throwIfAborted } from '@sealpost/core';
import type { RecipientResult, SendRequest, SendResult, Transport } from '@sealpost/core';
import { type SparkPostApiError, transportError } from '../errors.js';
import type { TransmissionResults } from './api-answer.js';
import { type AttemptResult, attemptTransmission } from './attempt.js';
import { backoffDelayMs, sleep } from './backoff.js';
import { type ResolvedOptions, type SparkPostTransportOptions, resolveOptions } from './options.js';
import { envelopeRecipients, transmissionPayload } from './payload.js';
import { retryAfterMs } from './retry-after.js';
import { type Failure, type Refusal, answerOutcome } from './status.js';

export interface SparkPostSendResult extends SendResult {
  readonly transport: 'sparkpost';
  /** total_accepted_recipients */
  readonly accepted: number;
  /** total_rejected_recipients */
  readonly rejected: number;
  /** rcpt_to_errors, when SparkPost listed any. */
  readonly recipientErrors: readonly SparkPostApiError[];
  /** Requests made, retries included. */
  readonly attempts: number;
  /** HTTP status of the answer that decided the send. */
  readonly status: number;
  /** That answer's errors[]: the reasons of a refusal, or warnings next to results. */
  readonly errors: readonly SparkPostApiError[];
}

export interface SparkPostTransport extends Transport {
  readonly name: 'sparkpost';
  send(request: SendRequest): Promise<SparkPostSendResult>;
}

/** What to do after an attempt that did not succeed. */
interface Verdict {
  readonly failure: Failure;
  readonly retry: boolean;
  /** Wait before the retry; null for the policy's backoff. */
  readonly delayMs: number | null;
}

function assertRequest(request: SendRequest): void {
  if (typeof request !== 'object' || request === null) throw new TypeError('send: a request is required');
  if (!(request.message instanceof Uint8Array)) throw new TypeError('send: request.message must be a Uint8Array');
  if (typeof request.envelope !== 'object' || request.envelope === null) throw new TypeError('send: request.envelope is required');
}

function recipientResults(recipients: readonly string[], results: TransmissionResults): RecipientResult[] {
  if (results.rejected === 0) return recipients.map((address) => ({ address, status: 'accepted' }));
  // SparkPost gives totals only; which recipients it refused is not said, so none is called accepted.
  const response = `SparkPost accepted ${results.accepted} of ${results.accepted + results.rejected} recipients and does not say which`;
  return recipients.map((address) => ({ address, status: 'deferred', response }));
}

function sendResult(recipients: readonly string[], results: TransmissionResults, attempts: number, status: number, errors: readonly SparkPostApiError[]): SparkPostSendResult {
  return {
    transport: 'sparkpost',
    ...(results.id === null ? {} : { id: results.id }),
    recipients: recipientResults(recipients, results),
    accepted: results.accepted,
    rejected: results.rejected,
    recipientErrors: results.recipientErrors,
    attempts,
    status,
    errors,
  };
}

/** A transmission SparkPost refused: every recipient gets the refusal, as each gets an SMTP server's reply. */
function refusedResult(recipients: readonly string[], refusal: Refusal, attempts: number): SparkPostSendResult {
  const { results } = refusal;
  return {
    transport: 'sparkpost',
    ...(results?.id == null ? {} : { id: results.id }),
    recipients: recipients.map((address) => ({ address, status: refusal.recipientStatus, response: refusal.response })),
    accepted: 0,
    rejected: results?.rejected ?? 0,
    recipientErrors: results?.recipientErrors ?? [],
    attempts,
    status: refusal.status,
    errors: refusal.errors,
  };
}

/**
 * A 429: retried after the wait Retry-After asks for. The wait asked is kept in the failure's detail
 * (`retryAfterMs`), so that a caller whose retries ran out, or that was asked to wait longer than
 * `maxDelayMs`, can hold its later sends (the CLI's queue workers hold the whole fleet) for it.
 */
function rateLimitVerdict(failure: Failure, retryAfter: string | null, options: ResolvedOptions): Verdict {
  const asked = retryAfterMs(retryAfter, Date.now());
  const kept = asked === null ? failure : { ...failure, detail: { ...failure.detail, retryAfterMs: asked } };
  if (asked !== null && asked > options.retry.maxDelayMs) return { failure: kept, retry: false, delayMs: null };
  // Without Retry-After SparkPost asks for a pause of a second or more: never less than the base delay.
  return { failure: kept, retry: true, delayMs: asked ?? Math.max(options.retry.baseDelayMs, backoffDelayMs(1, options.retry)) };
}

function verdictOf(result: Exclude<AttemptResult, { kind: 'answer' }>, options: ResolvedOptions): Verdict {
  switch (result.kind) {
    case 'redirect':
      return {
        failure: { code: 'ERR_TRANSPORT_REJECTED', message: 'SparkPost answered with a redirect; check baseUrl', detail: {} },
        retry: false,
        delayMs: null,
      };
    case 'not-sent':
      return {
        failure: {
          code: 'ERR_TRANSPORT_UNAVAILABLE',
          message: `could not reach SparkPost (${result.code}); nothing was sent`,
          detail: { reason: result.code },
          cause: result.cause,
        },
        retry: result.retryable,
        delayMs: null,
      };
    case 'unknown':
      return {
        failure: {
          code: 'ERR_TRANSPORT_OUTCOME_UNKNOWN',
          message:
            result.reason === 'timeout'
              ? `no answer from SparkPost within ${options.timeoutMs} ms; the transmission may or may not have been accepted`
              : 'the connection to SparkPost was lost before an answer; the transmission may or may not have been accepted',
          detail: { outcomeUnknown: true, reason: result.reason },
          cause: result.cause,
        },
        retry: options.retryUnknownOutcome,
        delayMs: null,
      };
  }
}

/**
 * The wait before the next attempt. Aborted after an attempt whose outcome is unknown (a 5xx retried
 * with retryUnknownOutcome), the ERR_ABORTED says so: that earlier request may have been accepted.
 */
async function waitToRetry(verdict: Verdict, attempt: number, options: ResolvedOptions, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(verdict.delayMs ?? backoffDelayMs(attempt, options.retry), signal);
  } catch (error) {
    if (verdict.failure.detail.outcomeUnknown !== true || !isSealpostError(error, 'ERR_ABORTED')) throw error;
    throw new SealpostError('ERR_ABORTED', 'operation aborted; an earlier attempt may already have been accepted', {
      cause: signal?.reason,
      detail: { outcomeUnknown: true, attempts: attempt },
    });
  }
}

function thrown(failure: Failure, attempts: number): SealpostError {
  return transportError(failure.code, failure.message, { ...failure.detail, attempts }, failure.cause);
}

/**
 * A Transport for SparkPost's Transmissions API: the message goes as `content.email_rfc822`, byte for
 * byte, with tracking off. Connection failures before anything was sent and 429s are retried; a 5xx,
 * a timeout or a lost connection may follow an accepted transmission and is only retried on request.
 * A transmission SparkPost refused (a 4xx about the request, 420, or no recipient accepted) resolves
 * with each recipient `rejected` or `deferred`, as an SMTP server's reply would; failures that say
 * nothing about the message (the API key, rate limiting, an unreachable or redirecting API) throw.
 */
export function createSparkPostTransport(options: SparkPostTransportOptions): SparkPostTransport {
  const resolved = resolveOptions(options);
  return {
    name: 'sparkpost',
    async send(request: SendRequest): Promise<SparkPostSendResult> {
      assertRequest(request);
      throwIfAborted(request.signal);
      const recipients = envelopeRecipients(request.envelope.to);
      const body = new TextEncoder().encode(JSON.stringify(transmissionPayload(request, recipients, resolved)));
      for (let attempt = 1; ; attempt++) {
        const result = await attemptTransmission(resolved, body, request.signal);
        let verdict: Verdict;
        if (result.kind === 'answer') {
          const outcome = answerOutcome(result.status, result.answer);
          if (outcome.kind === 'accepted') return sendResult(recipients, outcome.results, attempt, result.status, result.answer.errors);
          if (outcome.kind === 'refused') return refusedResult(recipients, outcome.refusal, attempt);
          if (outcome.kind === 'rate-limited') verdict = rateLimitVerdict(outcome.error, result.retryAfter, resolved);
          else verdict = { failure: outcome.error, retry: outcome.kind === 'outcome-unknown' && resolved.retryUnknownOutcome, delayMs: null };
        } else {
          verdict = verdictOf(result, resolved);
        }
        if (!verdict.retry || attempt >= resolved.retry.maxAttempts) throw thrown(verdict.failure, attempt);
        await waitToRetry(verdict, attempt, resolved, request.signal);
      }
    },
  };
}
