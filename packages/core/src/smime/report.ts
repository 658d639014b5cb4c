import type { CryptoBackend } from '../backend.js';
import { createBytesMemo } from '../bytes-cache.js';
import { toHex } from '../mime/index.js';
import type { CertificateInfo } from '../pki/types.js';
import type { CertificateSummary, ReportError } from './types.js';

// A certificate's fingerprint is a fact about its bytes: computed once, not once per message.
const FINGERPRINTS = createBytesMemo<string>(1024);

export async function summarizeCertificate(backend: CryptoBackend, info: CertificateInfo, signal?: AbortSignal): Promise<CertificateSummary> {
  let sha256 = FINGERPRINTS.peek(info.der);
  if (sha256 === undefined) {
    sha256 = toHex(await backend.digest({ algorithm: 'sha-256', data: info.der, ...(signal === undefined ? {} : { signal }) }));
    FINGERPRINTS.set(info.der, sha256);
  }
  return {
    subject: info.subject,
    issuer: info.issuer,
    serial: info.serial,
    sha256,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
  };
}

/** One entry per code, first message kept: reports stay readable when many signers fail alike. */
export function uniqueErrors(errors: readonly ReportError[]): ReportError[] {
  const seen = new Set<string>();
  return errors.filter((e) => (seen.has(e.code) ? false : (seen.add(e.code), true)));
}

export function errorOf(error: unknown): ReportError {
  if (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'SealpostError') {
    const e = error as ReportError;
    return { code: e.code, message: e.message };
  }
  return { code: 'ERR_BACKEND', message: 'the crypto backend failed unexpectedly' };
}
