import { SealpostError } from '@sealpost/core';
import type { SmtpSettings } from './settings.js';

/** The wait after try ATTEMPT (1-based): initialDelay, doubled each time, never above maxDelay. */
export function backoffDelay(retry: SmtpSettings['retry'], attempt: number): number {
  return Math.min(retry.maxDelay, retry.initialDelay * 2 ** (attempt - 1));
}

export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = (): SealpostError => new SealpostError('ERR_ABORTED', 'SMTP send aborted', { cause: signal?.reason });
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
