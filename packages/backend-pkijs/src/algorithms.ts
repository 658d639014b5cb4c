import type { DigestAlgorithm } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';

/** WebCrypto spellings of the digests; names, OIDs and lengths come from core's backend kit. */

export type WebCryptoHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

// Null where WebCrypto has no such hash.
const WEBCRYPTO_HASHES: Readonly<Record<DigestAlgorithm, WebCryptoHash | null>> = {
  md5: null,
  'sha-1': 'SHA-1',
  'sha-224': null,
  'sha-256': 'SHA-256',
  'sha-384': 'SHA-384',
  'sha-512': 'SHA-512',
};

/** The WebCrypto name of a digest, or ERR_UNSUPPORTED_DIGEST where WebCrypto lacks it. */
export function webCryptoHash(digest: DigestAlgorithm): WebCryptoHash {
  const name = WEBCRYPTO_HASHES[digest] ?? null;
  if (name === null) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this backend`);
  return name;
}
