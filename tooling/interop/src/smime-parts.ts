import { base64Encode, buildEntity, buildMultipart, decodeBody, inspectCms, joinMessage, parseMime, splitMessage } from '@sealpost/core';

// The MIME around a peer's CMS, both ways: peers read and write bare CMS, the matrix exchanges messages.

/** The CMS of a signed message and, for multipart/signed, the exact bytes of the signed part. */
export function signatureParts(message: Uint8Array): { readonly cms: Uint8Array; readonly content?: Uint8Array } {
  const root = parseMime(message);
  const { type, subtype } = root.contentType;
  if (type === 'multipart' && subtype === 'signed') {
    const [content, signature] = root.children;
    if (content === undefined || signature === undefined) throw new Error('multipart/signed without two parts');
    return { cms: decodeBody(signature), content: content.raw };
  }
  return { cms: pkcs7MimeBody(message) };
}

/** The CMS carried by an application/pkcs7-mime message. */
export function pkcs7MimeBody(message: Uint8Array): Uint8Array {
  const root = parseMime(message);
  const { type, subtype } = root.contentType;
  if (type !== 'application' || (subtype !== 'pkcs7-mime' && subtype !== 'x-pkcs7-mime')) throw new Error(`not application/pkcs7-mime but ${type}/${subtype}`);
  return decodeBody(root);
}

/** A multipart/signed entity around ENTITY, exactly as given, and a detached SignedData. */
export function multipartSigned(entity: Uint8Array, cms: Uint8Array): Uint8Array {
  const signature = buildEntity(
    [
      ['Content-Type', 'application/pkcs7-signature; name="smime.p7s"'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7s"'],
    ],
    base64Encode(cms, 76),
  );
  return buildMultipart('signed', { protocol: 'application/pkcs7-signature', micalg: 'sha-256' }, [entity, signature]);
}

/** An application/pkcs7-mime entity whose smime-type says what the CMS really is. */
export function pkcs7Mime(cms: Uint8Array): Uint8Array {
  return buildEntity(
    [
      ['Content-Type', `application/pkcs7-mime; smime-type=${smimeTypeOf(cms)}; name="smime.p7m"`],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7m"'],
    ],
    base64Encode(cms, 76),
  );
}

function smimeTypeOf(cms: Uint8Array): string {
  const type = inspectCms(cms).type;
  if (type === 'signed-data') return 'signed-data';
  if (type === 'enveloped-data') return 'enveloped-data';
  if (type === 'auth-enveloped-data') return 'authEnveloped-data';
  throw new Error('the CMS is neither SignedData nor (Auth)EnvelopedData');
}

/** MESSAGE with its content entity replaced by ENTITY (the outer header fields kept). */
export function withEntity(message: Uint8Array, entity: Uint8Array): Uint8Array {
  return joinMessage(splitMessage(message).outerHeaders, entity);
}
