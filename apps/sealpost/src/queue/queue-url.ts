import { usageError } from '../errors.js';

/**
 * The queue database: `--queue postgres://user@host:5432/db` (no password: ps and shell history would
 * show it; PGPASSWORD in the environment gives it), or `--queue` alone with SEALPOST_QUEUE_URL in the
 * environment, which may hold the whole URL with its password.
 */
export function queueUrlOf(flag: string | boolean | undefined): string {
  if (typeof flag === 'string') {
    let parsed: URL;
    try {
      parsed = new URL(flag);
    } catch {
      throw usageError('--queue is not a URL like postgres://user@host:5432/sealpost');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw usageError(`--queue takes a postgres:// URL, not ${parsed.protocol}//`);
    if (parsed.password !== '' || /password=/i.test(parsed.search))
      throw usageError('--queue must not carry a password, which ps and shell history would show: set PGPASSWORD in the environment, or put the whole URL in SEALPOST_QUEUE_URL');
    return flag;
  }
  const env = process.env['SEALPOST_QUEUE_URL'];
  if (env === undefined || env === '') throw usageError('the queue database is missing: --queue postgres://user@host:5432/db (password in PGPASSWORD), or SEALPOST_QUEUE_URL in the environment');
  return env;
}
