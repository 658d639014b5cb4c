import { isSealpostError } from '@sealpost/core';

/** Exit statuses of the command: the contract scripts rely on. */
export const EXIT = { ok: 0, negative: 1, usage: 2 } as const;

/** Codes the command adds to core's: problems with how it was called or what it was given. */
export type CliErrorCode =
  | 'ERR_USAGE'
  | 'ERR_FILE_UNREADABLE'
  | 'ERR_FILE_PERMISSIONS'
  | 'ERR_FILE_WRITE'
  | 'ERR_FILE_EXISTS'
  | 'ERR_OUTPUT_CLOSED'
  | 'ERR_PASSPHRASE_MISSING'
  | 'ERR_BACKEND_UNAVAILABLE'
  | 'ERR_SECRET_MISSING'
  | 'ERR_KEYSTORE_UNAVAILABLE'
  | 'ERR_KEYSTORE_NOT_FOUND'
  | 'ERR_QUEUE_UNAVAILABLE'
  | 'ERR_CSV_MALFORMED'
  | 'ERR_TEMPLATE'
  | 'ERR_JOURNAL'
  | 'ERR_JOURNAL_LOCKED'
  | 'ERR_LISTEN'
  | 'ERR_DEMO_FAILED'
  | 'ERR_INTERNAL';

/** A failure of the command itself, as opposed to a verdict: it always ends the run with exit 2. */
export class CliError extends Error {
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
  }
}

export function usageError(message: string): CliError {
  return new CliError('ERR_USAGE', message);
}

function isCliError(value: unknown): value is CliError {
  return value instanceof CliError;
}

/** @sealpost/queue's errors (its messages show the queue URL without its password), without loading it. */
function isQueueError(value: unknown): value is Error & { code: string } {
  const e = value as { name?: unknown; code?: unknown } | null;
  return value instanceof Error && e?.name === 'QueueError' && typeof e.code === 'string' && /^ERR_[A-Z_]+$/.test(e.code);
}

/**
 * The one line printed for a failure. Core's messages are written never to carry key material or
 * message bodies; anything that is not a known error is reduced to "internal error" for the same reason.
 */
export function errorLine(error: unknown): string {
  if (isCliError(error) || isSealpostError(error) || isQueueError(error)) return `sealpost: ${oneLine(error.message)} [${error.code}]`;
  return 'sealpost: internal error [ERR_INTERNAL]';
}

export function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

/** Stack traces only on request: they can name files and values a user did not mean to share. */
export function debugEnabled(): boolean {
  return process.env['SEALPOST_DEBUG'] === '1';
}
