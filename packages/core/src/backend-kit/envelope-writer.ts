import { encodeLayout, node } from '../asn1/der-layout.js';
import * as der from '../asn1/der-writer.js';
import type { IdentifiedCertificate } from './identifiers.js';
import { issuerAndSerialNumber } from './identifiers.js';
import { OID } from '../asn1/oids.js';

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
  // One pass: the ciphertext (as large as the message) is copied once, not once per nesting level.
  const encryptedContentInfo = node(0x30, der.oid(OID.data), der.algorithmIdentifier(parts.cipherOid, parts.parameters), node(0x80, parts.ciphertext));
  if (parts.mac === null) {
    const envelopedData = node(0x30, der.integer(0), der.setOf(parts.recipientInfos), encryptedContentInfo);
    return encodeLayout(node(0x30, der.oid(OID.envelopedData), node(0xa0, envelopedData)));
  }
  const authEnvelopedData = node(0x30, der.integer(0), der.setOf(parts.recipientInfos), encryptedContentInfo, der.octetString(parts.mac));
  return encodeLayout(node(0x30, der.oid(OID.authEnvelopedData), node(0xa0, authEnvelopedData)));
}
