/** The codes this package throws; callers switch on `code` (the CLI prints it after the message). */
export type QueueErrorCode =
  /** The database cannot be reached, refused the login, or went away and did not come back in time. */
  | 'ERR_QUEUE_UNAVAILABLE'
  /** The queue URL is not a postgres:// (or postgresql://) URL. */
  | 'ERR_QUEUE_URL'
  /** No campaign has this id. */
  | 'ERR_CAMPAIGN_NOT_FOUND'
  /** The campaign cannot go to the state asked for (resume a cancelled campaign, enqueue into a finished one). */
  | 'ERR_CAMPAIGN_STATE'
  /** An enqueue whose list has another address on a line the campaign already holds (a different list). */
  | 'ERR_CAMPAIGN_CONFLICT'
  /** A campaign id that is not 1 to 64 letters, digits, '-' or '_'. */
  | 'ERR_CAMPAIGN_ID';

/**
 * A failure of the queue. Messages never carry the database password: URLs are shown redacted
 * (redact.ts), and the driver's own messages are kept only as `cause`.
 */
export class QueueError extends Error {
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueError';
    this.code = code;
  }
}

export function isQueueError(value: unknown, code?: QueueErrorCode): value is QueueError {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as { name?: unknown; code?: unknown };
  return e.name === 'QueueError' && typeof e.code === 'string' && (code === undefined || e.code === code);
}
