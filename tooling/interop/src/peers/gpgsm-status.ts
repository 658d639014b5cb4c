// gpgsm's machine-readable `--status-fd` lines ("[GNUPG:] KEYWORD args"). Its exit code alone is not a
// verdict: it exits 0 with no status line at all for a SignedData without SignerInfos.

export function statusKeywords(statusText: string): string[] {
  return statusText
    .split('\n')
    .map((line) => /^\[GNUPG:\] ([A-Z_]+)/.exec(line.trim())?.[1])
    .filter((k): k is string => k !== undefined);
}

const SIGNATURE_REFUSALS = new Set(['BADSIG', 'ERRSIG', 'EXPSIG', 'EXPKEYSIG', 'REVKEYSIG', 'TRUST_NEVER', 'TRUST_UNDEFINED', 'TRUST_MARGINAL']);

/** Null when every signature is good and fully trusted; otherwise why not. */
export function gpgsmSignatureProblem(exitCode: number, statusText: string): string | null {
  const keywords = statusKeywords(statusText);
  const refusals = keywords.filter((k) => SIGNATURE_REFUSALS.has(k));
  if (refusals.length > 0) return `${refusals.join(', ')} (exit ${exitCode})`;
  const signatures = keywords.filter((k) => k === 'NEWSIG').length;
  const good = keywords.filter((k) => k === 'GOODSIG').length;
  const trusted = keywords.filter((k) => k === 'TRUST_FULLY' || k === 'TRUST_ULTIMATE').length;
  if (good === 0) return `no GOODSIG (exit ${exitCode})`;
  if (good !== Math.max(signatures, 1) || trusted !== good) return `${good} GOODSIG, ${trusted} trusted, ${signatures} signatures (exit ${exitCode})`;
  if (exitCode !== 0) return `exit ${exitCode}`;
  return null;
}

/** Null when gpgsm decrypted and said so; otherwise why not. */
export function gpgsmDecryptionProblem(exitCode: number, statusText: string): string | null {
  const keywords = statusKeywords(statusText);
  if (keywords.includes('DECRYPTION_FAILED')) return `DECRYPTION_FAILED (exit ${exitCode})`;
  if (!keywords.includes('DECRYPTION_OKAY')) return `no DECRYPTION_OKAY (exit ${exitCode})`;
  if (exitCode !== 0) return `exit ${exitCode}`;
  return null;
}
