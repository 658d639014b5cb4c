import type { DigestAlgorithm } from '@sealpost/core';
import { messageDigest } from './algorithms.js';
import { fromBinaryString, toBinaryString } from './bytes.js';

// node-forge hashes binary strings; feeding them in slices keeps each string small.
const SLICE = 65_536;

/** The digest of `data` through node-forge; ERR_UNSUPPORTED_DIGEST for MD5 and SHA-224. */
export function computeDigest(digest: DigestAlgorithm, data: Uint8Array): Uint8Array {
  const md = messageDigest(digest);
  for (let offset = 0; offset < data.length; offset += SLICE) md.update(toBinaryString(data.subarray(offset, offset + SLICE)), 'raw');
  return fromBinaryString(md.digest().getBytes());
}
