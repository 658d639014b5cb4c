import { type Identity, SealpostError, isSealpostError } from '@sealpost/core';
import { CliError } from '../errors.js';
import type { SendFlags } from '../send/sender.js';
import type { BulkRecipient } from './recipients.js';
import type { RowOutcome } from './run.js';

/** What the main thread and the threads of a bulk run (send-pool.ts, send-worker.ts) say to each other. */

export interface SendWorkerData {
  readonly flags: SendFlags;
  readonly identity: Identity | undefined;
  /** Messages this thread's transport may have in flight at once. */
  readonly concurrency: number;
}

export interface WorkerError {
  readonly kind: 'cli' | 'core';
  readonly code: string;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** From the main thread. */
export type ToWorker =
  | { readonly kind: 'row'; readonly id: number; readonly recipient: BulkRecipient; readonly message: Uint8Array }
  | { readonly kind: 'sending-ok'; readonly id: number }
  | { readonly kind: 'sending-failed'; readonly id: number; readonly error: WorkerError }
  | { readonly kind: 'signature'; readonly ask: number; readonly cms: Uint8Array }
  | { readonly kind: 'sign-it'; readonly ask: number }
  | { readonly kind: 'close' };

/** To the main thread. */
export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'failed'; readonly error: WorkerError }
  | { readonly kind: 'sending'; readonly id: number }
  | { readonly kind: 'signature?'; readonly ask: number; readonly key: string }
  | { readonly kind: 'signed'; readonly key: string; readonly cms: Uint8Array }
  | { readonly kind: 'sign-failed'; readonly key: string }
  | { readonly kind: 'row'; readonly id: number; readonly outcome: RowOutcome }
  | { readonly kind: 'closed' };

/** Only typed errors keep their message (written never to carry key material); anything else is internal. */
export function workerError(error: unknown): WorkerError {
  if (error instanceof CliError) return { kind: 'cli', code: error.code, message: error.message };
  if (isSealpostError(error)) return { kind: 'core', code: error.code, message: error.message, ...(error.detail === undefined ? {} : { detail: error.detail }) };
  return { kind: 'cli', code: 'ERR_INTERNAL', message: 'internal error' };
}

/** The error again, on the other side, with its code. */
export function errorFrom(error: WorkerError): Error {
  if (error.kind === 'cli') return new CliError(error.code as CliError['code'], error.message);
  return new SealpostError(error.code as SealpostError['code'], error.message, error.detail === undefined ? {} : { detail: error.detail });
}
