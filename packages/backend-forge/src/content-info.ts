import { inspectCms, isSealpostError, SealpostError } from '@sealpost/core';
import { childrenOf, decodeElement, isContext, isUniversal, oidOf, type Node } from './asn1.js';

export function cmsMalformed(message: string): SealpostError {
  return new SealpostError('ERR_CMS_MALFORMED', message);
}

/**
 * Reads ContentInfo (DER or BER) and checks its content type. Core's CMS reader runs first, so
 * whatever core would refuse as malformed is refused here with the same ERR_CMS_MALFORMED; a readable
 * ContentInfo of another type is ERR_UNSUPPORTED_CMS.
 */
export function readContentInfo(cms: Uint8Array, expected: readonly string[], what: string): { contentType: string; content: Node } {
  if (!(cms instanceof Uint8Array)) throw new TypeError('cms must be a Uint8Array');
  try {
    inspectCms(cms);
  } catch (error) {
    if (isSealpostError(error, 'ERR_CMS_MALFORMED')) throw cmsMalformed(error.message);
    throw cmsMalformed('the CMS input is not readable');
  }
  const parts = childrenOf(decodeElement(cms) ?? undefined);
  const contentType = oidOf(parts?.[0]);
  const content = isContext(parts?.[1], 0) ? childrenOf(parts[1])?.[0] : undefined;
  if (parts === null || parts.length !== 2 || contentType === null || content === undefined) throw cmsMalformed('the CMS input is not a ContentInfo');
  if (!expected.includes(contentType)) throw new SealpostError('ERR_UNSUPPORTED_CMS', `expected ${what}, found content type ${contentType}`);
  if (!isUniversal(content, 16)) throw cmsMalformed(`the ${what} structure is malformed`);
  return { contentType, content };
}
