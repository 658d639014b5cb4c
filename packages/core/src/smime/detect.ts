import type { MimeEntity } from '../mime/types.js';

/** What kind of S/MIME object an entity is, from its Content-Type alone. */
export type SmimeKind = 'multipart-signed' | 'signed-data' | 'enveloped-data' | 'pkcs7-mime' | 'plain';

const PKCS7_MIME = new Set(['pkcs7-mime', 'x-pkcs7-mime']);
const PKCS7_SIGNATURE = new Set(['pkcs7-signature', 'x-pkcs7-signature']);

export function isPkcs7SignatureType(entity: MimeEntity): boolean {
  return entity.contentType.type === 'application' && PKCS7_SIGNATURE.has(entity.contentType.subtype);
}

export function smimeKind(entity: MimeEntity): SmimeKind {
  const { type, subtype, params } = entity.contentType;
  if (type === 'multipart' && subtype === 'signed') return 'multipart-signed';
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
