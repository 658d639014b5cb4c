import { normalizeAddress } from '@sealpost/core';
import type { ContentCipher, PutCertificate, SignerReport, VerifyReport } from '@sealpost/core';

const CONTENT_CIPHERS: ReadonlySet<string> = new Set<ContentCipher>([
  'aes-128-cbc',
  'aes-192-cbc',
  'aes-256-cbc',
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'des-ede3-cbc',
  'rc2-cbc',
  'chacha20-poly1305',
]);

export interface SignerEntryContext {
  readonly now: Date;
  readonly source: string;
}

/** The signer that makes a report `valid`: trusted, its signature good, its certificate issued to From. */
export function validSigner(report: VerifyReport): SignerReport | undefined {
  if (report.status !== 'valid') return undefined;
  return report.signers.find((s) => s.signatureValid && s.trusted && s.matchesFrom && s.certificateDer !== undefined);
}

/**
 * What to put in the key store for a `valid` report: the signer's certificate and the intermediates
 * that chained it to an anchor, exactly as core verified them. Null on any doubt.
 */
export function signerEntry(report: VerifyReport, signer: SignerReport, ctx: SignerEntryContext): PutCertificate | null {
  const address = report.from === null ? null : normalizeAddress(report.from);
  if (address === null || signer.certificateDer === undefined || !signer.trusted || signer.chain === undefined) return null;
  return {
    address,
    certificate: signer.certificateDer,
    chain: signer.chain,
    smimeCapabilities: (signer.smimeCapabilities ?? []).filter((c): c is ContentCipher => CONTENT_CIPHERS.has(c)),
    seenAt: ctx.now,
    source: ctx.source,
  };
}
