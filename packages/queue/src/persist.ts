/**
 * Whether an error means the database is away for now (refused, restarting, connection lost), as
 * opposed to a statement it will refuse again: only these are retried.
 */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^E[A-Z]+$/.test(code)) return true; // ECONNREFUSED, ECONNRESET, EPIPE, ETIMEDOUT, ...
  // SQLSTATE 08 connection exception, 57P01-57P03 shutdown and start-up, 53 insufficient resources.
  if (/^(08|53)/.test(code) || /^57P0[1-3]$/.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|the database system is (starting up|shutting down)/i.test(
    message,
  );
}

export interface PersistOptions {
  /** Once aborted, the next failure is thrown instead of retried. */
  readonly stopping?: AbortSignal | undefined;
  /** Retry no longer than this (ms); retry until stopping when absent. */
  readonly giveUpAfterMs?: number;
}

/**
 * Runs `work`, retrying with backoff (0.2 s doubling to 5 s) while the database is away. Used for
 * what a worker knows and must not lose: an outcome in memory is written once the database is back.
 */
export async function persist<T>(work: () => Promise<T>, options: PersistOptions = {}): Promise<T> {
  const started = Date.now();
  for (let wait = 200; ; wait = Math.min(wait * 2, 5000)) {
    try {
      return await work();
    } catch (error) {
      if (!isTransient(error)) throw error;
      if (options.stopping?.aborted === true) throw error;
      if (options.giveUpAfterMs !== undefined && Date.now() - started > options.giveUpAfterMs) throw error;
      await sleep(wait, options.stopping);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
