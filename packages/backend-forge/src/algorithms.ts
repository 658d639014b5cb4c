import type { DigestAlgorithm } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';
import forge from 'node-forge';

/** node-forge implementations of the digests; names, OIDs and lengths come from core's backend kit. */

// Null where node-forge has no implementation this backend uses.
const HASHES: Readonly<Record<DigestAlgorithm, (() => forge.md.MessageDigest) | null>> = {
  md5: null,
  'sha-1': () => forge.md.sha1.create(),
  'sha-224': null,
  'sha-256': () => forge.md.sha256.create(),
  'sha-384': () => forge.md.sha384.create(),
  'sha-512': () => forge.md.sha512.create(),
};

/** A fresh node-forge hash; ERR_UNSUPPORTED_DIGEST for MD5 and SHA-224. */
export function messageDigest(digest: DigestAlgorithm): forge.md.MessageDigest {
  const create = Object.hasOwn(HASHES, digest) ? (HASHES[digest] ?? null) : null;
  if (create === null) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this backend`);
  return create();
}
