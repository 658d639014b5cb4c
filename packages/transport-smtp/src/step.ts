import type SMTPConnection from 'nodemailer/lib/smtp-connection';

/** The caller's signal fired while a step was running; the connection has been closed. */
export class AbortedStep extends Error {
  override readonly name = 'AbortedStep';
  constructor(readonly reason: unknown) {
    super('aborted');
  }
}

export type StepCallback<T> = (error: Error | null | undefined, value?: T) => void;

/**
 * Runs one callback-style step on CONNECTION (connect, login, send) as a promise that settles once,
 * whichever comes first: the step's callback, an 'error' event, the connection ending, or SIGNAL.
 */
export function runStep<T>(connection: SMTPConnection, signal: AbortSignal | undefined, start: (done: StepCallback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish: StepCallback<T> = (error, value) => {
      if (settled) return;
      settled = true;
      connection.off('error', onError);
      connection.off('end', onEnd);
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(value as T);
    };
    const onError = (error: Error): void => finish(error);
    // nodemailer emits 'end' before it calls back with the reply that ended the session (a 421):
    // give that callback its turn so the reply, not a bare "closed", decides the outcome.
    const onEnd = (): void => {
      setImmediate(() => finish(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' })));
    };
    const onAbort = (): void => {
      connection.close();
      finish(new AbortedStep(signal?.reason));
    };
    if (signal?.aborted) {
      onAbort();
      return;
    }
    connection.on('error', onError);
    connection.once('end', onEnd);
    signal?.addEventListener('abort', onAbort, { once: true });
    start(finish);
  });
}
