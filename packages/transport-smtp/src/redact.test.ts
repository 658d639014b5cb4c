import { describe, expect, it } from 'vitest';
import { redactText, secretsOf } from './redact.js';

describe('redactText', () => {
  const secrets = secretsOf({ user: 'alice', pass: 's3cret!' });

  it('removes the password as typed and as AUTH LOGIN and AUTH PLAIN send it', () => {
    const login = Buffer.from('s3cret!').toString('base64');
    const plain = Buffer.from('\u0000alice\u0000s3cret!').toString('base64');
    const text = redactText(`535 bad s3cret! ${login} AUTH PLAIN ${plain}`, secrets);
    expect(text).toBe('535 bad [redacted] [redacted] AUTH PLAIN [redacted]');
  });

  it('keeps one short line', () => {
    expect(redactText('250-first\r\n250 second', [])).toBe('250-first 250 second');
    expect(redactText('x'.repeat(1_000), []).length).toBeLessThan(310);
  });

  it('has nothing to remove without credentials', () => {
    expect(secretsOf(undefined)).toEqual([]);
  });
});
