import type { MimeLimits } from './types.js';

export const DEFAULT_MIME_LIMITS: Required<MimeLimits> = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxDepth: 32,
  maxParts: 10_000,
  maxHeaders: 1000,
  maxHeaderBytes: 1024 * 1024,
});

const LIMIT_KEYS = ['maxBytes', 'maxDepth', 'maxParts', 'maxHeaders', 'maxHeaderBytes'] as const;

/** `limits` with defaults filled in; a limit that is not a non-negative number is a RangeError. */
export function resolveLimits(limits: MimeLimits = {}): Required<MimeLimits> {
  const resolved = { ...DEFAULT_MIME_LIMITS };
  for (const key of LIMIT_KEYS) {
    const value = limits[key];
    if (value === undefined) continue;
    assertLimit('MIME', key, value);
    resolved[key] = value;
  }
  return resolved;
}

/** A limit is a non-negative number (Infinity turns it off); anything else is a RangeError. */
export function assertLimit(kind: string, key: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`${kind} limit ${key} must be a non-negative number`);
}
