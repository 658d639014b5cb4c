import { createHash } from 'node:crypto';
import type { DigestAlgorithm, DigestRequest } from '@sealpost/core';
import { SealpostError, throwIfAborted } from '@sealpost/core';
import { digestByName } from './algorithms.js';
import { assertDigest } from './capabilities.js';
import type { Context } from './context.js';

/**
 * Digests run in-process through node:crypto (Node's own OpenSSL 3), as do certificate signatures
 * (core's checkCertificateSignature over this backend's primitives): chain building asks for them many
 * times per message, and a process each would cost about as much as the whole S/MIME operation. Neither
 * involves a private key, so nothing here needs a provider.
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
