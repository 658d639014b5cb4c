import type { ContentCipher, KeyStore, PutCertificate, PutOutcome, Sealpost, SignerReport, VerifyReport } from '@sealpost/core';
import { normalizeAddress } from '@sealpost/core';

/** Content ciphers a certificate's owner may advertise that a key store keeps. */
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

export type SignedImport =
  | { readonly stored: true; readonly outcome: PutOutcome; readonly address: string; readonly fingerprint: string; readonly report: VerifyReport }
  | { readonly stored: false; readonly report: VerifyReport };

export interface ImportSignedOptions {
  readonly sealpost: Sealpost;
  readonly keystore: KeyStore;
  readonly trustAnchors: readonly Uint8Array[];
  readonly certificates?: readonly Uint8Array[];
  readonly source: string;
}

/**
 * Puts the signer's certificate of a signed message into the key store, by the relay collector's
 * rules: only when the verdict is `valid`, and only the signer that made it so (signature good, chain
 * trusted, certificate issued to the From address). Anything else stores nothing.
 */
export async function importSignedMessage(message: Uint8Array, options: ImportSignedOptions): Promise<SignedImport> {
  const report = await options.sealpost.verify(message, {
    trustAnchors: options.trustAnchors,
    ...(options.certificates === undefined ? {} : { certificates: options.certificates }),
  });
  const entry = entryFor(report, options.source);
  if (entry === null) return { stored: false, report };
  const outcome = await options.keystore.put(entry.put);
  return { stored: true, outcome, address: entry.put.address, fingerprint: entry.fingerprint, report };
}

function entryFor(report: VerifyReport, source: string): { put: PutCertificate; fingerprint: string } | null {
  const signer = validSigner(report);
  const address = report.from === null ? null : normalizeAddress(report.from);
  if (signer === undefined || address === null || signer.certificateDer === undefined || signer.certificate === null) return null;
  return {
    put: {
      address,
      certificate: signer.certificateDer,
      chain: signer.chain ?? [],
      smimeCapabilities: (signer.smimeCapabilities ?? []).filter((c): c is ContentCipher => CONTENT_CIPHERS.has(c)),
      source,
    },
    fingerprint: signer.certificate.sha256,
  };
}

function validSigner(report: VerifyReport): SignerReport | undefined {
  if (report.status !== 'valid') return undefined;
  return report.signers.find((s) => s.signatureValid && s.trusted && s.matchesFrom && s.certificate !== null);
}
