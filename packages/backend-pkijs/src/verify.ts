import type { SignerCheck, VerifyRequest } from '@sealpost/core';
import { backendKit as kit, SealpostError } from '@sealpost/core';
import { decodeElement } from './asn1.js';
import { PKIJS_CAPABILITIES } from './capabilities.js';
import type { Context } from './context.js';
import { computeDigest } from './digest.js';
import { publicKeyFacts } from './keys.js';
import { verifySignature } from './signature-verify.js';

/** WebCrypto as the CMS engine's verification primitives. */
function primitivesFor(ctx: Context): kit.VerifyPrimitives {
  return {
    digest: (algorithm, data) => computeDigest(ctx, algorithm, data),
    verifySignature: (check) => {
      // WebCrypto takes the SubjectPublicKeyInfo; RSASSA-PSS keys come back rewrapped as rsaEncryption.
      const key = publicKeyFacts(decodeElement(check.spki) ?? undefined);
      if (key === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', "the certificate's public key is malformed");
      return verifySignature(ctx, key, check.params, check.data, check.signature);
    },
  };
}

/** Core's CMS engine reads and decides; this backend digests and checks signatures. */
export function verifyCms(ctx: Context, request: VerifyRequest): Promise<readonly SignerCheck[]> {
  return kit.verifySignedData(primitivesFor(ctx), PKIJS_CAPABILITIES, request);
}
