import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './retry-after.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it('reads delay-seconds', () => {
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs(' 3 ', now)).toBe(3000);
  });

  it('reads an HTTP-date (IMF-fixdate and the obsolete RFC 850 form), never negative', () => {
    expect(retryAfterMs('Wed, 01 May 2024 12:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Wednesday, 01-May-24 12:00:02 GMT', now)).toBe(2000);
    expect(retryAfterMs('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is neither', () => {
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('', now)).toBeNull();
    expect(retryAfterMs('-1', now)).toBeNull();
    expect(retryAfterMs('1.5', now)).toBeNull();
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs('2024-05-01', now)).toBeNull();
  });
});
