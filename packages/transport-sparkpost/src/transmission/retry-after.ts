/**
 * Milliseconds a Retry-After header asks to wait (RFC 9110 section 10.2.3: delay-seconds or an
 * HTTP-date), or null when there is no usable value.
 */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const seconds = Number(trimmed);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : null;
  }
  // Only IMF-fixdate and the two obsolete forms carry a weekday or a month name; a bare number is handled above.
  if (!/[A-Za-z]{3}/.test(trimmed)) return null;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
