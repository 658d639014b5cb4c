import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REASONS, reasonFor } from './reasons.js';

const repo = new URL('../../../', import.meta.url);

/** Every code in core's ErrorCode union, read from its source (the union is a type: nothing to import). */
function coreCodes(): string[] {
  const source = readFileSync(new URL('packages/core/src/errors.ts', repo), 'utf8');
  const start = source.indexOf('export type ErrorCode');
  // The union ends at its first statement-ending `;` after a code (comments inside it may hold `;`).
  const union = source.slice(start, source.indexOf("';", start) + 2);
  return [...union.matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map((m) => m[1]!);
}

/** Every code docs/verdicts.md names (a prefix such as `ERR_UNSUPPORTED_*` is not a code). */
function documentedCodes(): string[] {
  const doc = readFileSync(new URL('docs/verdicts.md', repo), 'utf8');
  return [...new Set([...doc.matchAll(/\bERR_[A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]))];
}

describe('REASONS', () => {
  it('has a sentence for every code of core and of docs/verdicts.md', () => {
    const codes = [...new Set([...coreCodes(), ...documentedCodes()])];
    expect(coreCodes().length).toBeGreaterThan(60);
    expect(documentedCodes()).toContain('ERR_FROM_MISMATCH');
    expect(codes.filter((code) => REASONS[code] === undefined)).toEqual([]);
  });

  it('gives each code its own plain sentence', () => {
    const sentences = Object.values(REASONS);
    expect(new Set(sentences).size).toBe(sentences.length);
    for (const [code, sentence] of Object.entries(REASONS)) {
      expect(sentence, code).toMatch(/^[A-Z].*\.$/);
      expect(sentence, code).not.toMatch(/ERR_/);
    }
  });

  it('explains an unknown code without hiding it', () => {
    expect(reasonFor('ERR_DIGEST_MISMATCH')).toBe(REASONS['ERR_DIGEST_MISMATCH']);
    expect(reasonFor('ERR_SOMETHING_NEW')).toBe('Sealpost reported ERR_SOMETHING_NEW (see docs/verdicts.md).');
  });
});
