import * as der from '../asn1/der-writer.js';
import type { IdentifiedCertificate } from './identifiers.js';
import { issuerAndSerialNumber } from './identifiers.js';
import { OID } from './oids.js';

/** Writing EnvelopedData (RFC 5652 6) and AuthEnvelopedData (RFC 5083) around a backend's crypto results. */

/** KeyTransRecipientInfo version 0, naming the recipient by issuerAndSerialNumber. */
export function keyTransRecipientInfo(
  recipient: Pick<IdentifiedCertificate, 'issuer' | 'serial'>,
  keyEncryptionAlgorithm: Uint8Array,
  encryptedKey: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return der.sequence(der.integer(0), issuerAndSerialNumber(recipient), keyEncryptionAlgorithm, der.octetString(encryptedKey));
}

export interface EncryptedContentParts {
  readonly recipientInfos: readonly Uint8Array[];
  /** The content cipher's OID and its DER parameters (IV or GCMParameters). */
  readonly cipherOid: string;
  readonly parameters: Uint8Array;
  readonly ciphertext: Uint8Array;
  /** The GCM tag; null for a CBC cipher. */
  readonly mac: Uint8Array | null;
}

/**
 * ContentInfo(EnvelopedData) when there is no mac, ContentInfo(AuthEnvelopedData) with one; both
 * version 0 with id-data content and no originatorInfo or attributes.
 */
export function envelopeContentInfo(parts: EncryptedContentParts): Uint8Array<ArrayBuffer> {
  const encryptedContentInfo = der.sequence(der.oid(OID.data), der.algorithmIdentifier(parts.cipherOid, parts.parameters), der.implicitPrimitive(0, parts.ciphertext));
  if (parts.mac === null) {
    const envelopedData = der.sequence(der.integer(0), der.setOf(parts.recipientInfos), encryptedContentInfo);
    return der.sequence(der.oid(OID.envelopedData), der.explicit(0, envelopedData));
  }
  const authEnvelopedData = der.sequence(der.integer(0), der.setOf(parts.recipientInfos), encryptedContentInfo, der.octetString(parts.mac));
  return der.sequence(der.oid(OID.authEnvelopedData), der.explicit(0, authEnvelopedData));
}
