import { backendKit as kit, inspectCms, isSealpostError, SealpostError } from '@sealpost/core';

export function cmsMalformed(message: string): SealpostError {
  return new SealpostError('ERR_CMS_MALFORMED', message);
}

/**
 * Reads ContentInfo (DER or BER) and checks its content type. Core's CMS reader runs first, so
 * whatever core would refuse as malformed is refused here with the same ERR_CMS_MALFORMED; a readable
 * ContentInfo of another type is ERR_UNSUPPORTED_CMS.
 */
export function readContentInfo(cms: Uint8Array, expected: readonly string[], what: string): { contentType: string; content: kit.Node } {
  if (!(cms instanceof Uint8Array)) throw new TypeError('cms must be a Uint8Array');
  try {
    inspectCms(cms);
  } catch (error) {
    if (isSealpostError(error, 'ERR_CMS_MALFORMED')) throw cmsMalformed(error.message);
    throw cmsMalformed('the CMS input is not readable');
  }
  const parts = kit.childrenOf(kit.decodeElement(cms) ?? undefined);
  const contentType = kit.oidOf(parts?.[0]);
  const content = kit.isContext(parts?.[1], 0) ? kit.childrenOf(parts[1])?.[0] : undefined;
  if (parts === null || parts.length !== 2 || contentType === null || content === undefined) throw cmsMalformed('the CMS input is not a ContentInfo');
  if (!expected.includes(contentType)) throw new SealpostError('ERR_UNSUPPORTED_CMS', `expected ${what}, found content type ${contentType}`);
  if (!kit.isUniversal(content, 16)) throw cmsMalformed(`the ${what} structure is malformed`);
  return { contentType, content };
}
