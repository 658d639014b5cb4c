import { constantTimeEqual } from '@sealpost/core';
import type { CryptoBackend } from '@sealpost/core';

/** The header SparkPost puts a relay webhook's auth_token in. */
export const WEBHOOK_TOKEN_HEADER = 'X-MessageSystems-Webhook-Token';

/**
 * A check of the webhook token whose time depends on neither where a guess differs nor how long it
 * is: both sides are hashed first, then the digests compared in constant time.
 */
export function tokenChecker(token: string, backend: Pick<CryptoBackend, 'digest'>): (given: string | null) => Promise<boolean> {
  const digest = (text: string): Promise<Uint8Array> => backend.digest({ algorithm: 'sha-256', data: new TextEncoder().encode(text) });
  const expected = digest(token);
  // Keeps an unhandled rejection away if the digest fails before the first request.
  expected.catch(() => undefined);
  return async (given) => {
    const actual = await digest(given ?? '');
    return given !== null && constantTimeEqual(actual, await expected);
  };
}
