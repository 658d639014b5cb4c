import { getHeader } from '../mime/headers.js';
import { parseParameterizedValue } from '../mime/parameters.js';
import type { MimeEntity } from '../mime/types.js';

/** What kind of S/MIME object an entity is, from its Content-Type alone. */
export type SmimeKind = 'multipart-signed' | 'signed-data' | 'enveloped-data' | 'pkcs7-mime' | 'plain';

const PKCS7_MIME = new Set(['pkcs7-mime', 'x-pkcs7-mime']);
const PKCS7_SIGNATURE = new Set(['pkcs7-signature', 'x-pkcs7-signature']);

export function isPkcs7SignatureType(entity: MimeEntity): boolean {
  if (entity.contentType.type === 'application' && PKCS7_SIGNATURE.has(entity.contentType.subtype)) return true;
  return octetStreamSmimeFile(entity) === 'signature';
}

/**
 * What an `application/octet-stream` part named like an S/MIME file stands for: Outlook and gateways
 * send `smime.p7m` (and `.p7s` signatures, `.p7c` certificates) under that type (MS-OXOSMIME 2.1.3.1,
 * RFC 8551 3.2.1's file extensions). The name (Content-Type `name`, else Content-Disposition `filename`)
 * decides, never the bytes alone; undefined for any other part.
 */
export function octetStreamSmimeFile(entity: MimeEntity): 'mime' | 'signature' | undefined {
  const { type, subtype, params } = entity.contentType;
  if (type !== 'application' || subtype !== 'octet-stream') return undefined;
  const disposition = getHeader(entity, 'content-disposition');
  const name = params['name'] ?? (disposition === undefined ? undefined : parseParameterizedValue(disposition).params['filename']);
  const extension = /\.(p7m|p7c|p7s)$/i.exec(name?.trim() ?? '')?.[1]?.toLowerCase();
  if (extension === undefined) return undefined;
  return extension === 'p7s' ? 'signature' : 'mime';
}

export function smimeKind(entity: MimeEntity): SmimeKind {
  const { type, subtype, params } = entity.contentType;
  if (type === 'multipart' && subtype === 'signed') return 'multipart-signed';
  // No smime-type parameter comes with octet-stream: the CMS contentType decides, as below.
  if (octetStreamSmimeFile(entity) === 'mime') return 'pkcs7-mime';
  if (type !== 'application' || !PKCS7_MIME.has(subtype)) return 'plain';
  const smimeType = (params['smime-type'] ?? '').toLowerCase();
  if (smimeType === 'signed-data') return 'signed-data';
  if (smimeType === 'enveloped-data' || smimeType === 'authenveloped-data') return 'enveloped-data';
  // No (or an unknown) smime-type: the CMS contentType decides; callers peek at it.
  return 'pkcs7-mime';
}

/** Depth-first search for the first descendant (not the entity itself) matching `test`. */
export function findDescendant(entity: MimeEntity, test: (e: MimeEntity) => boolean): MimeEntity | undefined {
  for (const child of entity.children) {
    if (test(child)) return child;
    const found = findDescendant(child, test);
    if (found !== undefined) return found;
  }
  return undefined;
}
