import { DEFAULT_CMS_LIMITS, resolveCmsLimits } from '../backend-kit/limits.js';
import { DEFAULT_MIME_LIMITS, assertLimit, resolveLimits } from '../mime/limits.js';
import type { Limits } from './types.js';

export const DEFAULT_LIMITS: Required<Limits> = Object.freeze({ ...DEFAULT_MIME_LIMITS, ...DEFAULT_CMS_LIMITS, maxLayers: 8 });

/**
 * `limits` with every default filled in. A limit that is not a non-negative number is a RangeError,
 * raised when Sealpost is created rather than by the first message that happens to reach it.
 */
export function resolveSealpostLimits(limits: Limits = {}): Required<Limits> {
  if (limits.maxLayers !== undefined) assertLimit('S/MIME', 'maxLayers', limits.maxLayers);
  return Object.freeze({
    ...resolveLimits(limits),
    ...resolveCmsLimits(limits),
    maxLayers: limits.maxLayers ?? DEFAULT_LIMITS.maxLayers,
  });
}
