import { X509Certificate, createHash } from 'node:crypto';
import type { CertificateSignatureRequest, DigestAlgorithm, DigestRequest } from '@sealpost/core';
import { SealpostError, throwIfAborted } from '@sealpost/core';
import { digestByName } from './algorithms.js';
import { assertDigest } from './capabilities.js';
import type { Context } from './context.js';

/**
 * Digests and certificate signatures run in-process through node:crypto (Node's own OpenSSL 3):
 * chain building asks for them many times per message, and a process each would cost about as much
 * as the whole S/MIME operation. Neither involves a private key, so nothing here needs a provider.
 */

export function digestOf(algorithm: DigestAlgorithm, data: Uint8Array): Uint8Array {
  const digest = digestByName(algorithm);
  if (digest === undefined) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(algorithm)} is not supported by this backend`);
  let hash;
  try {
    hash = createHash(digest.openssl);
  } catch (error) {
    throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${algorithm} is not available in this Node build`, { cause: error });
  }
  return new Uint8Array(hash.update(data).digest());
}

export async function computeDigest(ctx: Context, request: DigestRequest): Promise<Uint8Array> {
  throwIfAborted(request.signal);
  if (!(request.data instanceof Uint8Array)) throw new TypeError('data must be a Uint8Array');
  assertDigest(ctx.capabilities, request.algorithm);
  return digestOf(request.algorithm, request.data);
}

/** True iff the issuer's public key verifies the certificate's signature (X509_verify, exact TBS bytes). */
export async function verifyCertificateSignature(request: CertificateSignatureRequest): Promise<boolean> {
  throwIfAborted(request.signal);
  const certificate = x509(request.certificate, 'subject');
  const issuer = x509(request.issuer, 'issuer');
  try {
    // X509_verify also refuses a certificate whose inner and outer signature algorithms differ.
    return certificate.verify(issuer.publicKey);
  } catch {
    // A key type or algorithm Node cannot use is no evidence that the issuer signed it.
    return false;
  }
}

function x509(der: Uint8Array, role: string): X509Certificate {
  if (!(der instanceof Uint8Array)) throw new TypeError(`the ${role} certificate must be a Uint8Array`);
  try {
    return new X509Certificate(der);
  } catch (error) {
    throw new SealpostError('ERR_CERTIFICATE_MALFORMED', `the ${role} certificate is not a readable X.509 certificate`, { cause: error });
  }
}
