import { describe, expect, it } from 'vitest';
import { gpgsmDecryptionProblem, gpgsmSignatureProblem, statusKeywords } from './gpgsm-status.js';

// `--status-fd` output of gpgsm 2.2.40 for the cases the matrix meets.
const goodSig = [
  '[GNUPG:] NEWSIG',
  '[GNUPG:] GOODSIG 456EEDE367FF3B9BCB3A696390A112CCD1E1CEC9 /CN=Alice Example/O=Sealpost Test',
  '[GNUPG:] VALIDSIG 456EEDE367FF3B9BCB3A696390A112CCD1E1CEC9 2026-11-29 20261129T165558 20361126T163736 0 0 1 8 00',
  '[GNUPG:] TRUST_FULLY 0 shell',
  '',
].join('\n');
const untrusted = ['[GNUPG:] NEWSIG', '[GNUPG:] GOODSIG 2EA5 /CN=Mallory Example', '[GNUPG:] VALIDSIG 2EA5 x', '[GNUPG:] TRUST_UNDEFINED 185', ''].join('\n');

describe('gpgsmSignatureProblem', () => {
  it('accepts a good, fully trusted signature with exit 0', () => {
    expect(statusKeywords(goodSig)).toEqual(['NEWSIG', 'GOODSIG', 'VALIDSIG', 'TRUST_FULLY']);
    expect(gpgsmSignatureProblem(0, goodSig)).toBeNull();
  });

  it('refuses a good signature from an untrusted chain', () => {
    expect(gpgsmSignatureProblem(2, untrusted)).toBe('TRUST_UNDEFINED (exit 2)');
    expect(gpgsmSignatureProblem(2, goodSig.replace('TRUST_FULLY 0 shell', 'TRUST_NEVER'))).toBe('TRUST_NEVER (exit 2)');
  });

  it('refuses exit 0 without any status line (a SignedData without signers)', () => {
    expect(gpgsmSignatureProblem(0, '')).toBe('no GOODSIG (exit 0)');
  });

  it('refuses a bad signature, and one good signature among two', () => {
    expect(gpgsmSignatureProblem(1, '[GNUPG:] NEWSIG\n[GNUPG:] BADSIG 456E /CN=Alice\n')).toBe('BADSIG (exit 1)');
    expect(gpgsmSignatureProblem(0, `${goodSig}[GNUPG:] NEWSIG\n`)).toBe('1 GOODSIG, 1 trusted, 2 signatures (exit 0)');
  });

  it('refuses a non-zero exit even when the status lines look good', () => {
    expect(gpgsmSignatureProblem(2, goodSig)).toBe('exit 2');
  });
});

describe('gpgsmDecryptionProblem', () => {
  it('accepts DECRYPTION_OKAY with exit 0', () => {
    expect(gpgsmDecryptionProblem(0, '[GNUPG:] ENC_TO 273B3E72B091C3AF 0 0\n[GNUPG:] DECRYPTION_OKAY\n[GNUPG:] END_DECRYPTION\n')).toBeNull();
  });

  it('refuses DECRYPTION_FAILED, a missing DECRYPTION_OKAY and a non-zero exit', () => {
    expect(gpgsmDecryptionProblem(2, '[GNUPG:] DECRYPTION_OKAY\n[GNUPG:] DECRYPTION_FAILED\n')).toBe('DECRYPTION_FAILED (exit 2)');
    expect(gpgsmDecryptionProblem(0, '')).toBe('no DECRYPTION_OKAY (exit 0)');
    expect(gpgsmDecryptionProblem(2, '[GNUPG:] DECRYPTION_OKAY\n')).toBe('exit 2');
  });
});
