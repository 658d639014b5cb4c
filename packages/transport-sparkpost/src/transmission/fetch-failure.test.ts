import { describe, expect, it } from 'vitest';
import { classifyFetchFailure } from './fetch-failure.js';

describe('classifyFetchFailure', () => {
  const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });
  const withCode = (code: string): Error => Object.assign(new Error(code), { code });

  it('calls a refused or unresolvable connection not sent, and retryable', () => {
    expect(classifyFetchFailure(fetchFailed(withCode('ECONNREFUSED')))).toEqual({ sent: false, retryable: true, code: 'ECONNREFUSED' });
    expect(classifyFetchFailure(fetchFailed(withCode('ENOTFOUND')))).toMatchObject({ sent: false, retryable: true });
    const aggregate = Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: 'ECONNREFUSED' });
    expect(classifyFetchFailure(fetchFailed(aggregate))).toMatchObject({ sent: false, retryable: true });
  });

  it('calls a refused TLS certificate not sent, and not worth retrying', () => {
    expect(classifyFetchFailure(fetchFailed(withCode('CERT_HAS_EXPIRED')))).toEqual({ sent: false, retryable: false, code: 'CERT_HAS_EXPIRED' });
  });

  it('calls everything else unknown: resets, closed sockets, and failures without a cause', () => {
    expect(classifyFetchFailure(fetchFailed(withCode('ECONNRESET')))).toEqual({ sent: 'unknown', code: 'ECONNRESET' });
    expect(classifyFetchFailure(fetchFailed(withCode('UND_ERR_SOCKET')))).toEqual({ sent: 'unknown', code: 'UND_ERR_SOCKET' });
    expect(classifyFetchFailure(new TypeError('Failed to fetch'))).toEqual({ sent: 'unknown', code: null });
    const mixed = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNRESET')]);
    expect(classifyFetchFailure(fetchFailed(mixed))).toMatchObject({ sent: 'unknown' });
  });
});
