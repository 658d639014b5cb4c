import type { CertificateSignatureRequest } from '@sealpost/core';
import { isSealpostError, throwIfAborted } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';
import type { Context } from './context.js';
import { verifySignature } from './signature-verify.js';

/** True iff the issuer's key verifies the certificate's signature over its exact TBSCertificate bytes. */
export async function verifyCertificateSignatureWith(ctx: Context, request: CertificateSignatureRequest): Promise<boolean> {
  throwIfAborted(request.signal);
  // Core reads both certificates and the algorithm; an inner signature field that differs from the outer one is null.
  const input = kit.certificateSignatureInput(request.certificate, request.issuer);
  if (input === null) return false;
  try {
    return await verifySignature(ctx, ctx.keys.publicFacts(input.issuer.spki), input.params, input.tbs, input.signature);
  } catch (error) {
    if (isSealpostError(error, 'ERR_SIGNATURE_INVALID')) return false;
    throw error;
  }
}
