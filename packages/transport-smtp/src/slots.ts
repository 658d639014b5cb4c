import { SealpostError } from '@sealpost/core';

/** A counting semaphore whose waiters leave when their signal fires. */
export interface Slots {
  take(signal: AbortSignal | undefined): Promise<void>;
  give(): void;
  /** Rejects everyone waiting (the pool is closing). */
  failWaiting(error: Error): void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export function createSlots(count: number): Slots {
  let free = count;
  const waiting: Waiter[] = [];

  return {
    take(signal) {
      if (signal?.aborted) return Promise.reject(aborted(signal));
      if (free > 0) {
        free -= 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          const index = waiting.indexOf(waiter);
          if (index >= 0) waiting.splice(index, 1);
          reject(aborted(signal));
        };
        const waiter: Waiter = {
          resolve: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        waiting.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    give() {
      const next = waiting.shift();
      if (next === undefined) free += 1;
      else next.resolve();
    },
    failWaiting(error) {
      for (const waiter of waiting.splice(0)) waiter.reject(error);
    },
  };
}

function aborted(signal: AbortSignal | undefined): SealpostError {
  return new SealpostError('ERR_ABORTED', 'SMTP send aborted', { cause: signal?.reason });
}
