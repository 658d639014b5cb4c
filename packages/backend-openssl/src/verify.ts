import type { SignerCheck, VerifyRequest } from '@sealpost/core';
import { backendKit as kit } from '@sealpost/core';
import type { Context } from './context.js';
import { digestOf } from './node-crypto.js';
import { publicKeyOf, signatureMatchesKey } from './signature-check.js';

/**
 * Verification needs no private key, so it runs in-process on Node's own OpenSSL 3 (node:crypto):
 * core's CMS engine reads the SignedData and decides; node:crypto digests and checks each signature
 * over the signed attributes exactly as received. No openssl process is started, however many
 * SignerInfos a message carries.
 */
const primitives: kit.VerifyPrimitives = {
  digest: (algorithm, data) => digestOf(algorithm, data),
  verifySignature: (check) => signatureMatchesKey(publicKeyOf(check.spki), check.params, check.data, check.signature),
};

export function verifyCms(ctx: Context, request: VerifyRequest): Promise<readonly SignerCheck[]> {
  return kit.verifySignedData(primitives, ctx.capabilities, request);
}
