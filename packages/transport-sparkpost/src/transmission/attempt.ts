import { SealpostError } from '@sealpost/core';
import { readCapped } from '../read-capped.js';
import { type ApiAnswer, readApiAnswer } from './api-answer.js';
import { classifyFetchFailure } from './fetch-failure.js';
import type { ResolvedOptions } from './options.js';

/** What one request gave: an HTTP answer, or a failure with what is known about delivery. */
export type AttemptResult =
  | { readonly kind: 'answer'; readonly status: number; readonly answer: ApiAnswer; readonly retryAfter: string | null }
  | { readonly kind: 'redirect' }
  | { readonly kind: 'not-sent'; readonly retryable: boolean; readonly code: string; readonly cause: unknown }
  | { readonly kind: 'unknown'; readonly reason: 'timeout' | 'connection-lost'; readonly cause: unknown };

/** SparkPost's answers are a few hundred bytes; anything far larger is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

const EMPTY_ANSWER: ApiAnswer = { errors: [], results: null };

function aborted(signal: AbortSignal): SealpostError {
  return new SealpostError('ERR_ABORTED', 'operation aborted; the transmission may already have been accepted', {
    cause: signal.reason,
    detail: { outcomeUnknown: true },
  });
}

/**
 * One POST with its own timeout, which covers reading the answer too. A caller's abort throws
 * ERR_ABORTED; every other failure is returned for the retry loop to judge.
 */
export async function attemptTransmission(options: ResolvedOptions, body: Uint8Array<ArrayBuffer>, signal: AbortSignal | undefined): Promise<AttemptResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const forwardAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', forwardAbort, { once: true });
  const failure = (error: unknown): AttemptResult => {
    if (signal?.aborted) throw aborted(signal);
    if (timedOut) return { kind: 'unknown', reason: 'timeout', cause: error };
    const classified = classifyFetchFailure(error);
    if (classified.sent === false) return { kind: 'not-sent', retryable: classified.retryable, code: classified.code, cause: error };
    return { kind: 'unknown', reason: 'connection-lost', cause: error };
  };
  try {
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        method: 'POST',
        headers: { Authorization: options.apiKey, 'Content-Type': 'application/json', Accept: 'application/json' },
        body,
        signal: controller.signal,
        // A redirected POST would carry the message (and, same-origin, the key) somewhere unplanned.
        redirect: 'manual',
      });
    } catch (error) {
      return failure(error);
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'redirect' };
    }
    let bytes: Uint8Array | null;
    try {
      bytes = await readCapped(response.body, MAX_ANSWER_BYTES);
    } catch (error) {
      // The status already arrived and says what happened; only the details are lost.
      if (signal?.aborted) throw aborted(signal);
      bytes = null;
    }
    return {
      kind: 'answer',
      status: response.status,
      answer: bytes === null ? EMPTY_ANSWER : readApiAnswer(bytes),
      retryAfter: response.headers.get('retry-after'),
    };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forwardAbort);
  }
}
