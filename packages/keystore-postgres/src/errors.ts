import { SealpostError, isSealpostError } from '@sealpost/core';

/** Runs a database call; failures other than Sealpost's own become ERR_KEYSTORE. */
export async function postgresError<T>(server: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asKeyStoreError(server, error);
  }
}

/**
 * ERR_KEYSTORE naming the server (without its password) and, when PostgreSQL or the socket gave one, the
 * error code: a SQLSTATE such as 57P01 (the server shut down) or 28P01 (wrong password), or ECONNREFUSED.
 * The driver's error is the cause; neither it nor the message carries the connection string.
 */
export function asKeyStoreError(server: string, error: unknown): unknown {
  if (isSealpostError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const why = error instanceof Error && error.message !== '' ? `: ${error.message}` : '';
  return new SealpostError('ERR_KEYSTORE', `key store database ${server} could not be read or written${why}`, {
    cause: error,
    detail: typeof code === 'string' ? { server, code } : { server },
  });
}

/**
 * `postgres://user@host:port/database` from a connection string, for messages: never the password
 * (nor query parameters, which may hold one). An unreadable string is just "(connection string)".
 */
export function describeServer(connectionString: string | undefined): string {
  if (connectionString === undefined) return '(pool)';
  try {
    const url = new URL(connectionString);
    const user = url.username === '' ? '' : `${decodeURIComponent(url.username)}@`;
    return `${url.protocol}//${user}${url.host}${url.pathname}`;
  } catch {
    return '(connection string)';
  }
}
