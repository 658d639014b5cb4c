import type { SignerIdentifier } from '../cms/inspect.js';
import { bytesEqual } from '../mime/index.js';
import type { CertificateInfo } from '../pki/types.js';

/** Whether a SignerInfo's sid or a RecipientInfo's rid names this certificate. */
export function namesCertificate(id: SignerIdentifier, cert: CertificateInfo): boolean {
  if (id.type === 'issuerAndSerialNumber') return bytesEqual(id.issuer, cert.issuerDer) && id.serial === cert.serial;
  return cert.subjectKeyId !== null && cert.subjectKeyId.toLowerCase() === id.keyId.toLowerCase();
}
