import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OpenReport } from '@sealpost/core';
import { REASONS } from './reasons.js';
import { refusalVerdict, verdictOf } from './verdict.js';

/** The statuses of docs/verdicts.md's `| status | meaning |` tables. */
function documentedStatuses(): string[] {
  const doc = readFileSync(new URL('../../../docs/verdicts.md', import.meta.url), 'utf8');
  const tables = doc
    .split('| status | meaning |')
    .slice(1)
    .map((rest) => rest.split(/\n(?!\|)/)[0]!);
  return [...new Set(tables.flatMap((table) => [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]!)))];
}

function report(status: OpenReport['status'], codes: string[] = []): OpenReport {
  return { status, layers: [], errors: codes.map((code) => ({ code: code as never, message: 'detail core gives' })) };
}

describe('verdictOf', () => {
  it('has a headline of its own for every status of docs/verdicts.md', () => {
    const statuses = documentedStatuses();
    expect(statuses).toEqual(expect.arrayContaining(['valid', 'invalid', 'untrusted', 'not-signed', 'partially-signed', 'decrypted', 'failed', 'partially-encrypted', 'not-encrypted']));
    for (const status of statuses) {
      const verdict = verdictOf(report(status as OpenReport['status']));
      expect(verdict.title, status).not.toBe(status);
      expect(verdict.summary, status).not.toBe('');
    }
  });

  it('gives one plain sentence per distinct code, in the order core reported them', () => {
    const verdict = verdictOf(report('invalid', ['ERR_DIGEST_MISMATCH', 'ERR_FROM_MISMATCH', 'ERR_DIGEST_MISMATCH']));
    expect(verdict.tone).toBe('bad');
    expect(verdict.reasons).toEqual([
      { code: 'ERR_DIGEST_MISMATCH', sentence: REASONS['ERR_DIGEST_MISMATCH'] },
      { code: 'ERR_FROM_MISMATCH', sentence: REASONS['ERR_FROM_MISMATCH'] },
    ]);
  });

  it('reads a refusal of the whole message as its own verdict', () => {
    expect(refusalVerdict('ERR_MIME_MALFORMED')).toMatchObject({ tone: 'bad', title: 'Could not read the message', reasons: [{ code: 'ERR_MIME_MALFORMED' }] });
  });
});
