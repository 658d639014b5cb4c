import { SealpostError, throwIfAborted, type RecipientResult, type SendRequest, type SendResult } from '@sealpost/core';
import { checkedEnvelope, checkedMessage } from './checked-request.js';
import type { ConnectionSource, Lease } from './connection-source.js';
import type { DkimSigner } from './dkim.js';
import { backoffDelay, sleep } from './backoff.js';
import { redactText } from './redact.js';
import { SessionDeferred, where, type SessionContext } from './session.js';
import { AuthenticationRequired, MessageTooLarge, runTransaction, TransactionFailure, type TransactionOutcome } from './transaction.js';

export const TRANSPORT_NAME = 'smtp';

/**
 * What a thrown send error carries in `detail`, so that a failure after some recipients were
 * accepted (by an earlier try) never hides them. Addresses in neither list were not sent.
 */
export interface SmtpErrorDetail {
  /** Recipients the server had already answered for. */
  readonly recipients: readonly RecipientResult[];
  /** Recipients that may or may not have received the message (ERR_TRANSPORT_OUTCOME_UNKNOWN). */
  readonly outcomeUnknown: readonly string[];
}

/**
 * One message: a transaction for every recipient, then again for those a 4xx deferred, with
 * growing waits, until none is left or the tries run out. With DKIM the message is signed once,
 * here, after every check: each try sends the same signed bytes.
 */
export async function sendWithRetries(request: SendRequest, source: ConnectionSource, context: SessionContext, dkim?: DkimSigner): Promise<SendResult> {
  throwIfAborted(request.signal);
  const checked = checkedMessage(request.message);
  const { from, to } = checkedEnvelope(request.envelope);
  const message = dkim === undefined ? checked : await dkim.sign(checked);
  throwIfAborted(request.signal);
  const { retry } = context.settings;
  const known = new Map<string, RecipientResult>();
  let pending = to;
  let id: string | undefined;
  for (let attempt = 1; ; attempt += 1) {
    const outcome = await attemptOrThrow(() => transactOnce(source, { from, to: pending, message, signal: request.signal, secrets: context.secrets }), known, context);
    id ??= outcome.id;
    for (const result of outcome.results) known.set(result.address, result);
    pending = outcome.results.filter((result) => result.status === 'deferred').map((result) => result.address);
    if (pending.length === 0 || attempt >= retry.attempts) break;
    await attemptOrThrow(() => sleep(backoffDelay(retry, attempt), request.signal), known, context);
  }
  return { transport: TRANSPORT_NAME, ...(id === undefined ? {} : { id }), recipients: to.map((address) => known.get(address) as RecipientResult) };
}

async function transactOnce(source: ConnectionSource, request: Parameters<typeof runTransaction>[1]): Promise<TransactionOutcome> {
  for (let stale = false; ; stale = true) {
    const lease = await acquireOrDeferred(source, request);
    if ('results' in lease) return lease;
    try {
      const outcome = await runTransaction(lease.connection, request);
      lease.release(outcome.reusable);
      return outcome;
    } catch (error) {
      lease.release(false);
      // A pooled connection the server dropped while it sat idle fails before anything is sent:
      // that says nothing about the server, so one fresh connection gets the transaction.
      const beforeData = error instanceof TransactionFailure && !error.dataStarted && error.aborted === undefined;
      if (beforeData && lease.reused && !stale) continue;
      throw error;
    }
  }
}

/**
 * A connection, or, when the server answered the connection with a 4xx (421: busy, try later), every
 * recipient deferred with that reply, so that the retry loop waits and tries again as for any 4xx.
 */
async function acquireOrDeferred(source: ConnectionSource, request: Parameters<typeof runTransaction>[1]): Promise<Lease | TransactionOutcome> {
  try {
    return await source.acquire(request.signal);
  } catch (error) {
    if (!(error instanceof SessionDeferred)) throw error;
    const results = request.to.map((address): RecipientResult => ({ address, status: 'deferred', response: error.response, code: error.replyCode }));
    return { results, id: undefined, reusable: false };
  }
}

async function attemptOrThrow<T>(work: () => Promise<T>, known: ReadonlyMap<string, RecipientResult>, context: SessionContext): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw sendError(error, [...known.values()], context);
  }
}

function sendError(error: unknown, earlier: readonly RecipientResult[], context: SessionContext): unknown {
  if (error instanceof TransactionFailure) return transactionError(error, earlier, context);
  if (error instanceof AuthenticationRequired) {
    return new SealpostError('ERR_TRANSPORT_AUTH', `${where(context)} requires authentication: ${error.message}`, { detail: errorDetail(earlier, []) });
  }
  if (error instanceof MessageTooLarge) {
    return new SealpostError('ERR_MESSAGE_TOO_LARGE', `the message is larger than ${where(context)} accepts`, { detail: errorDetail(earlier, []) });
  }
  if (error instanceof SealpostError) {
    return new SealpostError(error.code, error.message, { cause: error.cause, detail: { ...error.detail, ...errorDetail(earlier, []) } });
  }
  return error;
}

function transactionError(error: TransactionFailure, earlier: readonly RecipientResult[], context: SessionContext): SealpostError {
  const reason = error.failure === undefined ? '' : ` (${redactText(error.failure.message, context.secrets)})`;
  const byAddress = new Map(earlier.map((result) => [result.address, result] as const));
  for (const result of error.refusedAtRcpt) byAddress.set(result.address, result);
  if (error.dataStarted) for (const address of error.undecided) byAddress.delete(address);
  const known = [...byAddress.values()];
  if (error.dataStarted) {
    const what = error.aborted === undefined ? `lost the connection to ${where(context)}${reason}` : `the send to ${where(context)} was aborted`;
    return new SealpostError('ERR_TRANSPORT_OUTCOME_UNKNOWN', `${what} after the message was handed over; the server may have accepted it`, {
      cause: error.aborted?.reason,
      detail: errorDetail(known, error.undecided),
    });
  }
  if (error.aborted !== undefined) return new SealpostError('ERR_ABORTED', 'SMTP send aborted', { cause: error.aborted.reason, detail: errorDetail(known, []) });
  const code = error.failure?.code === 'ETIMEDOUT' ? 'ERR_TIMEOUT' : 'ERR_TRANSPORT_UNAVAILABLE';
  return new SealpostError(code, `lost the connection to ${where(context)} before the message was sent${reason}`, { detail: errorDetail(known, []) });
}

function errorDetail(recipients: readonly RecipientResult[], outcomeUnknown: readonly string[]): SmtpErrorDetail & Record<string, unknown> {
  return { recipients, outcomeUnknown };
}
