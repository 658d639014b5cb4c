import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../backend.js';
import { createSealpost } from './create.js';
import { DEFAULT_LIMITS } from './limits.js';
import type { Limits } from './types.js';

// createSealpost only checks that a backend can sign and verify; these tests never reach it.
const backend = { sign: () => Promise.reject(new Error('unused')), verify: () => Promise.reject(new Error('unused')) } as unknown as CryptoBackend;

describe('createSealpost: limits', () => {
  const keys = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];

  it('has a documented default for every limit, the CMS counts included', () => {
    expect(DEFAULT_LIMITS).toMatchObject({ maxHeaders: 1000, maxHeaderBytes: 1024 * 1024, maxLayers: 8, maxSignerInfos: 64, maxCertificates: 64, maxRecipients: 10_000 });
    expect(keys.sort()).toEqual(['maxBytes', 'maxCertificates', 'maxDepth', 'maxHeaderBytes', 'maxHeaders', 'maxLayers', 'maxParts', 'maxRecipients', 'maxSignerInfos']);
  });

  it.each(Object.keys(DEFAULT_LIMITS))('refuses %s when it is not a non-negative number, at creation', (key) => {
    for (const value of [-1, Number.NaN, '10', null]) {
      expect(() => createSealpost({ backend, limits: { [key]: value } as Limits })).toThrow(RangeError);
    }
    expect(() => createSealpost({ backend, limits: { [key]: 0 } })).not.toThrow();
    expect(() => createSealpost({ backend, limits: { [key]: Number.POSITIVE_INFINITY } })).not.toThrow();
  });
});
