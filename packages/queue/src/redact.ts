import { QueueError } from './errors.js';

/**
 * The database URL as it may be shown: the password (if the URL has one) replaced by `***`, and the
 * query string, which may hold one too (`?password=`), dropped.
 */
export function redactUrl(url: string): string {
  const parsed = parseQueueUrl(url);
  if (parsed.password !== '') parsed.password = '***';
  parsed.search = '';
  return parsed.href;
}

/** postgres://[user[:password]@]host[:port]/database; the password may also come from PGPASSWORD. */
export function parseQueueUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Never echo the value: it may hold a password.
    throw new QueueError('ERR_QUEUE_URL', 'the queue is not a URL like postgres://user@host:5432/sealpost');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new QueueError('ERR_QUEUE_URL', `the queue must be a postgres:// URL, not ${parsed.protocol}//`);
  return parsed;
}
