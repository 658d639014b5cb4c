import { X509Certificate, constants, verify } from 'node:crypto';
import type { backendKit as kit } from '@sealpost/core';
import { digestByName } from './algorithms.js';

/**
 * True iff the certificate's public key verifies `signature` over `data` with these parameters.
 * In-process through node:crypto: it needs no private key, so no provider and no process.
 */
export function signatureMatchesCertificate(certificateDer: Uint8Array, params: kit.SignatureParams, data: Uint8Array, signature: Uint8Array): boolean {
  const hash = digestByName(params.hash)?.openssl;
  if (hash === undefined) return false;
  try {
    const key = new X509Certificate(certificateDer).publicKey;
    if (params.scheme === 'ecdsa') return verify(hash, data, { key, dsaEncoding: 'der' }, signature);
    if (params.scheme === 'rsa-pss') return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, signature);
    return verify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    // A key or algorithm Node cannot check is no evidence that the signature is good.
    return false;
  }
}
