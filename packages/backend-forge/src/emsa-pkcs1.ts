import { der, joinBytes } from '@sealpost/core';
import type { DigestAlgorithm } from '@sealpost/core';
import * as kit from '@sealpost/core/backend-kit';

/**
 * EMSA-PKCS1-v1_5 (RFC 8017 9.2): EM = 0x00 || 0x01 || PS (0xFF octets) || 0x00 || DigestInfo.
 *
 * Verification builds this block itself and compares it, whole, with s^e mod n. Nothing in the
 * received block is parsed, so there is no parser to fool: Bleichenbacher's 2006 forgery for small
 * exponents (a short padding, then DigestInfo, then garbage the parser skips) cannot match.
 */
export function emsaPkcs1v15(digest: DigestAlgorithm, hash: Uint8Array, emLength: number, withNullParameters = true): Uint8Array {
  const algorithm = withNullParameters ? der.algorithmIdentifier(kit.digestOid(digest), der.nullValue()) : der.algorithmIdentifier(kit.digestOid(digest));
  const digestInfo = der.sequence(algorithm, der.octetString(hash));
  // RFC 8017 9.2 step 3: at least eight 0xFF octets.
  const psLength = emLength - digestInfo.length - 3;
  if (psLength < 8) throw new RangeError('intended encoded message length too short');
  return joinBytes([Uint8Array.of(0x00, 0x01), new Uint8Array(psLength).fill(0xff), Uint8Array.of(0x00), digestInfo]);
}

/**
 * The encodings a valid signature may decrypt to. Signers write NULL parameters in the DigestInfo's
 * hash AlgorithmIdentifier; RFC 8017 B.1 also asks verifiers to accept them absent, as a few signers
 * write them. Both candidates are complete blocks built here.
 */
export function emsaPkcs1v15Candidates(digest: DigestAlgorithm, hash: Uint8Array, emLength: number): Uint8Array[] {
  return [emsaPkcs1v15(digest, hash, emLength, true), emsaPkcs1v15(digest, hash, emLength, false)];
}
