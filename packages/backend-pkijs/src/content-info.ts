import { SealpostError } from '@sealpost/core';
import * as pkijs from 'pkijs';
import { decodeElement, type Node } from './asn1.js';

export function cmsMalformed(message: string): SealpostError {
  return new SealpostError('ERR_CMS_MALFORMED', message);
}

/**
 * Decodes ContentInfo (DER or BER) and checks its content type. Unreadable input throws
 * ERR_CMS_MALFORMED; a readable ContentInfo of another type throws ERR_UNSUPPORTED_CMS.
 */
export function readContentInfo(cms: Uint8Array, expected: readonly string[], what: string): { contentType: string; content: Node } {
  if (!(cms instanceof Uint8Array)) throw new TypeError('cms must be a Uint8Array');
  const root = decodeElement(cms);
  if (root === null) throw cmsMalformed('the CMS input is not readable BER/DER');
  let info: pkijs.ContentInfo;
  try {
    info = new pkijs.ContentInfo({ schema: root });
  } catch {
    throw cmsMalformed('the CMS input is not a ContentInfo');
  }
  if (!expected.includes(info.contentType))
    throw new SealpostError('ERR_UNSUPPORTED_CMS', `expected ${what}, found content type ${info.contentType}`);
  return { contentType: info.contentType, content: info.content as Node };
}
