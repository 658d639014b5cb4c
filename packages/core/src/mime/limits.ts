import type { MimeLimits } from './types.js';

export const DEFAULT_MIME_LIMITS: Required<MimeLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 32,
  maxParts: 10_000,
});

/** `limits` with defaults filled in; a limit that is not a non-negative number is a RangeError. */
export function resolveLimits(limits: MimeLimits = {}): Required<MimeLimits> {
  const resolved = { ...DEFAULT_MIME_LIMITS };
  for (const key of ['maxBytes', 'maxDepth', 'maxParts'] as const) {
    const value = limits[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`MIME limit ${key} must be a non-negative number`);
    resolved[key] = value;
  }
  return resolved;
}
