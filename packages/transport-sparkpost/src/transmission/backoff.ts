import { SealpostError } from '@sealpost/core';
import type { ResolvedRetryPolicy } from './options.js';

/**
 * Exponential backoff with full jitter: before retry n (1 for the first retry) a uniform random wait
 * up to min(maxDelayMs, baseDelayMs * 2^(n-1)), so clients that failed together do not return together.
 */
export function backoffDelayMs(retry: number, policy: ResolvedRetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `ms`, or rejects with ERR_ABORTED as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new SealpostError('ERR_ABORTED', 'operation aborted', { cause: signal.reason }));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SealpostError('ERR_ABORTED', 'operation aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
