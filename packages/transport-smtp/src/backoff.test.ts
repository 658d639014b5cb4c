import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles from initialDelay up to maxDelay', () => {
    const retry = { attempts: 10, initialDelay: 1_000, maxDelay: 5_000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(retry, attempt))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});

describe('sleep', () => {
  it('waits', async () => {
    const started = Date.now();
    await sleep(50, undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('ends early with ERR_ABORTED when the signal fires', async () => {
    const started = Date.now();
    await expect(sleep(60_000, AbortSignal.timeout(30))).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(sleep(10, AbortSignal.abort())).rejects.toMatchObject({ code: 'ERR_ABORTED' });
  });
});
