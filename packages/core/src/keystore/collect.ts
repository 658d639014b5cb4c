import { normalizeAddress } from '../pki/index.js';
import type { SignerReport, VerifyReport } from '../smime/types.js';
import type { PutCertificate } from './types.js';

/** The signer that makes a report `valid`: signature good, chain trusted, certificate issued to From. */
export function validSigner(report: VerifyReport): SignerReport | undefined {
  if (report.status !== 'valid') return undefined;
  return report.signers.find((s) => s.signatureValid && s.trusted && s.matchesFrom && s.certificateDer !== undefined && s.chain !== undefined);
}

/**
 * What a key store may take from a verified message: the certificate of the signer that made the
 * report `valid`, the intermediates that chained it, and the capabilities it advertised. Null for any
 * other verdict. This is the one rule by which certificates are collected (relay webhooks, imports).
 */
export function certificateToCollect(report: VerifyReport, options: { readonly source: string; readonly seenAt?: Date }): PutCertificate | null {
  const signer = validSigner(report);
  const address = report.from === null ? null : normalizeAddress(report.from);
  if (signer === undefined || address === null || signer.certificateDer === undefined || signer.chain === undefined) return null;
  return {
    address,
    certificate: signer.certificateDer,
    chain: signer.chain,
    smimeCapabilities: signer.smimeCapabilities ?? [],
    source: options.source,
    ...(options.seenAt === undefined ? {} : { seenAt: options.seenAt }),
  };
}
