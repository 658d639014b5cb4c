import { base64EncodeToAscii } from '../bytes.js';
import { buildEntity } from '../mime/index.js';

/** An application/pkcs7-mime entity carrying `cms` (base64, as RFC 8551 section 3.2 asks). */
export function pkcs7MimeEntity(smimeType: 'signed-data' | 'enveloped-data' | 'authEnveloped-data', cms: Uint8Array): Uint8Array {
  return buildEntity(
    [
      ['Content-Type', `application/pkcs7-mime; smime-type=${smimeType}; name="smime.p7m"`],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7m"'],
    ],
    base64EncodeToAscii(cms, 76),
  );
}

/** The second part of a multipart/signed. */
export function pkcs7SignatureEntity(cms: Uint8Array): Uint8Array {
  return buildEntity(
    [
      ['Content-Type', 'application/pkcs7-signature; name="smime.p7s"'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7s"'],
      ['Content-Description', 'S/MIME Cryptographic Signature'],
    ],
    base64EncodeToAscii(cms, 76),
  );
}
