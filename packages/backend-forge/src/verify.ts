import type { SignerCheck, VerifyRequest } from '@sealpost/core';
import { backendKit as kit } from '@sealpost/core';
import { FORGE_CAPABILITIES } from './capabilities.js';
import { computeDigest } from './digest.js';
import { verifySignature } from './signature-verify.js';

/** node-forge and noble as the CMS engine's verification primitives. */
const primitives: kit.VerifyPrimitives = {
  digest: (algorithm, data) => computeDigest(algorithm, data),
  verifySignature: (check) => verifySignature(check.publicKey, check.params, check.data, check.signature),
};

/** Core's CMS engine reads and decides; this backend digests and checks signatures. */
export function verifyCms(request: VerifyRequest): Promise<readonly SignerCheck[]> {
  return kit.verifySignedData(primitives, FORGE_CAPABILITIES, request);
}
