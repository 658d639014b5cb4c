import type { DigestAlgorithm } from '@sealpost/core';
import { SealpostError } from '@sealpost/core';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';

/**
 * Content digests on @noble/hashes, on Uint8Arrays. node-forge's hashes take binary strings, which
 * for a 25 MiB message cost seconds and several copies; its hashes remain inside its OAEP and PSS code,
 * which only ever hash a few hundred bytes.
 */
const HASHES: Readonly<Record<DigestAlgorithm, ((data: Uint8Array) => Uint8Array) | null>> = {
  md5: null,
  'sha-1': (data) => sha1(data),
  'sha-224': null,
  'sha-256': (data) => sha256(data),
  'sha-384': (data) => sha384(data),
  'sha-512': (data) => sha512(data),
};

/** The digest of `data`; ERR_UNSUPPORTED_DIGEST for MD5 and SHA-224. */
export function computeDigest(digest: DigestAlgorithm, data: Uint8Array): Uint8Array {
  const hash = Object.hasOwn(HASHES, digest) ? (HASHES[digest] ?? null) : null;
  if (hash === null) throw new SealpostError('ERR_UNSUPPORTED_DIGEST', `digest ${String(digest)} is not supported by this backend`);
  return hash(data);
}
