import type { CertificateSignatureRequest } from '@sealpost/core';
import { backendKit as kit, constantTimeEqual, isSealpostError, throwIfAborted } from '@sealpost/core';
import { parseCertificateOrThrow } from './certificates.js';
import type { Context } from './context.js';
import { verifySignature } from './signature-verify.js';

/** True iff the issuer's key verifies the certificate's signature over its exact TBSCertificate bytes. */
export async function verifyCertificateSignatureWith(ctx: Context, request: CertificateSignatureRequest): Promise<boolean> {
  throwIfAborted(request.signal);
  const certificate = parseCertificateOrThrow(request.certificate, 'subject');
  const issuer = parseCertificateOrThrow(request.issuer, 'issuer');
  // RFC 5280 4.1.1.2: the inner and outer signature algorithms must be the same.
  if (!constantTimeEqual(certificate.tbsSignatureAlgorithm, certificate.signatureAlgorithmEncoding)) return false;
  const params = kit.signatureParamsOf(certificate.signatureAlgorithm, null);
  try {
    return await verifySignature(ctx, issuer.publicKey, params, certificate.tbs, certificate.signatureValue);
  } catch (error) {
    if (isSealpostError(error, 'ERR_SIGNATURE_INVALID')) return false;
    throw error;
  }
}
