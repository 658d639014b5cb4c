import type { StoredCertificate } from '@sealpost/core';
import { describe, expect, it } from 'vitest';
import { applyPut, applyRemove, newestFirst, summaryOf } from './history-rules.js';

/** A stand-in: the rules only look at fingerprints, dates and capabilities. */
function stored(fingerprint: string, notBefore: string, seen = '2025-01-01T00:00:00Z', caps: StoredCertificate['smimeCapabilities'] = []): StoredCertificate {
  return {
    address: 'a@example.com',
    certificate: new Uint8Array([1]),
    chain: [],
    smimeCapabilities: caps,
    fingerprint,
    notBefore: new Date(notBefore),
    notAfter: new Date('2040-01-01T00:00:00Z'),
    firstSeen: new Date(seen),
    lastSeen: new Date(seen),
    source: 'test',
  };
}

const fingerprints = (history: readonly StoredCertificate[]): string[] => history.map((s) => s.fingerprint);

describe('applyPut', () => {
  it('with an equal notBefore keeps the current certificate', () => {
    const { outcome, history } = applyPut([stored('bb', '2022-01-01')], stored('aa', '2022-01-01'));
    expect(outcome).toBe('kept-current');
    expect(fingerprints(history)).toEqual(['bb', 'aa']);
  });

  it('puts the superseded certificate among the older ones by notBefore', () => {
    const start = [stored('c', '2022-01-01'), stored('d', '2023-01-01'), stored('a', '2020-01-01')];
    const { outcome, history } = applyPut(start, stored('e', '2024-01-01'));
    expect(outcome).toBe('superseded');
    expect(fingerprints(history)).toEqual(['e', 'd', 'c', 'a']);
  });

  it('refreshes a known certificate in place, even when it is not the current one', () => {
    const start = [stored('b', '2023-01-01'), stored('a', '2021-01-01', '2025-01-01T00:00:00Z', ['aes-128-cbc'])];
    const { outcome, history } = applyPut(start, stored('a', '2021-01-01', '2025-03-01T00:00:00Z', ['aes-256-gcm']));
    expect(outcome).toBe('seen');
    expect(fingerprints(history)).toEqual(['b', 'a']);
    expect(history[1]?.lastSeen.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(history[1]?.firstSeen.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(history[1]?.smimeCapabilities).toEqual(['aes-256-gcm']);
  });

  it('leaves the history it was given unchanged', () => {
    const start = [stored('a', '2021-01-01')];
    applyPut(start, stored('b', '2022-01-01'));
    applyPut(start, stored('a', '2021-01-01', '2026-01-01T00:00:00Z'));
    expect(fingerprints(start)).toEqual(['a']);
    expect(start[0]?.lastSeen.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });
});

describe('applyRemove', () => {
  it('removing an older certificate keeps the current one first', () => {
    const { removed, history } = applyRemove([stored('b', '2020-01-01'), stored('a', '2023-01-01')], 'A');
    expect(removed).toBe(1);
    expect(fingerprints(history)).toEqual(['b']);
  });

  it('from an empty history removes nothing', () => {
    expect(applyRemove([], 'aa')).toEqual({ removed: 0, history: [] });
    expect(applyRemove([])).toEqual({ removed: 0, history: [] });
  });
});

describe('newestFirst', () => {
  it('orders by notBefore, newest first, then by fingerprint', () => {
    const list = [stored('b', '2022-01-01'), stored('c', '2023-01-01'), stored('a', '2022-01-01')];
    expect(fingerprints([...list].sort(newestFirst))).toEqual(['c', 'a', 'b']);
  });
});

describe('summaryOf', () => {
  it('describes the current certificate and counts all versions', () => {
    expect(summaryOf([])).toBeNull();
    expect(summaryOf([stored('b', '2023-01-01'), stored('a', '2022-01-01')])).toMatchObject({ address: 'a@example.com', fingerprint: 'b', versions: 2 });
  });
});
