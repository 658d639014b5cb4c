import type { KeyStore, PutOutcome, Sealpost, VerifyReport } from '@sealpost/core';
import { certificateToCollect, validSigner } from '@sealpost/core';

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
  const entry = certificateToCollect(report, { source: options.source });
  const fingerprint = validSigner(report)?.certificate?.sha256;
  if (entry === null || fingerprint === undefined) return { stored: false, report };
  const outcome = await options.keystore.put(entry);
  return { stored: true, outcome, address: entry.address, fingerprint, report };
}
