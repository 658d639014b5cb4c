import { describe, expect, it } from 'vitest';
import type { RowOutcome } from '../bulk/run.js';
import { deliveryOutcome } from './worker-run.js';

const failed = (code: string, retryAfterMs?: number): RowOutcome => ({
  address: 'bob@example.com',
  line: 2,
  status: 'failed',
  signed: true,
  encrypted: true,
  error: { code, message: 'slow down', ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
});

describe('deliveryOutcome: how long a rate limit holds the fleet', () => {
  it("a 429's Retry-After, at least a second and at most an hour; --rate-limit-wait when it said nothing", () => {
    expect(deliveryOutcome(failed('ERR_TRANSPORT_RATE_LIMITED', 2000), 30_000)).toMatchObject({ status: 'deferred', holdTransportMs: 2000 });
    expect(deliveryOutcome(failed('ERR_TRANSPORT_RATE_LIMITED', 0), 30_000).holdTransportMs).toBe(1000);
    expect(deliveryOutcome(failed('ERR_TRANSPORT_RATE_LIMITED', 86_400_000), 30_000).holdTransportMs).toBe(3_600_000);
    expect(deliveryOutcome(failed('ERR_TRANSPORT_RATE_LIMITED'), 30_000).holdTransportMs).toBe(30_000);
  });

  it('SMTP 421 and 451 hold for --rate-limit-wait; an unreachable transport defers without a hold', () => {
    const deferred = (code: number): RowOutcome => ({ address: 'bob@example.com', line: 2, status: 'deferred', signed: true, encrypted: true, code, response: `${code} later` });
    expect(deliveryOutcome(deferred(451), 30_000)).toMatchObject({ status: 'deferred', holdTransportMs: 30_000 });
    expect(deliveryOutcome(deferred(421), 30_000).holdTransportMs).toBe(30_000);
    expect(deliveryOutcome(deferred(450), 30_000).holdTransportMs).toBeUndefined();
    expect(deliveryOutcome(failed('ERR_TRANSPORT_UNAVAILABLE'), 30_000)).toEqual({ status: 'deferred', response: 'slow down', errorCode: 'ERR_TRANSPORT_UNAVAILABLE' });
  });
});
