import { encodeLayout, node } from '../asn1/der-layout.js';
import * as der from '../asn1/der-writer.js';
import type { IdentifiedCertificate } from './identifiers.js';
import { issuerAndSerialNumber } from './identifiers.js';
import { OID } from '../asn1/oids.js';

/** Writing EnvelopedData (RFC 5652 6) and AuthEnvelopedData (RFC 5083) around a backend's crypto results. */

/** KeyTransRecipientInfo version 0, naming the recipient by issuerAndSerialNumber. */
export function keyTransRecipientInfo(recipient: Pick<IdentifiedCertificate, 'issuer' | 'serial'>, keyEncryptionAlgorithm: Uint8Array, encryptedKey: Uint8Array): Uint8Array<ArrayBuffer> {
  return der.sequence(der.integer(0), issuerAndSerialNumber(recipient), keyEncryptionAlgorithm, der.octetString(encryptedKey));
}

/**
 * KeyAgreeRecipientInfo (RFC 5652 6.2.2) as RFC 5753 writes ECDH: version 3, the sender's ephemeral key
 * as originatorKey, no ukm, and one RecipientEncryptedKey naming the recipient by issuerAndSerialNumber.
 */
export function keyAgreeRecipientInfo(
  recipient: Pick<IdentifiedCertificate, 'issuer' | 'serial'>,
  originatorKey: Uint8Array,
  keyEncryptionAlgorithm: Uint8Array,
  encryptedKey: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const recipientEncryptedKey = der.sequence(issuerAndSerialNumber(recipient), der.octetString(encryptedKey));
  return der.implicitConstructed(1, der.integer(3), der.explicit(0, originatorKey), keyEncryptionAlgorithm, der.sequence(recipientEncryptedKey));
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
 * ContentInfo(EnvelopedData) when there is no mac, ContentInfo(AuthEnvelopedData) with one, with id-data
 * content and no originatorInfo or attributes. AuthEnvelopedData is always version 0 (RFC 5083).
 */
export function envelopeContentInfo(parts: EncryptedContentParts): Uint8Array<ArrayBuffer> {
  // One pass: the ciphertext (as large as the message) is copied once, not once per nesting level.
  const encryptedContentInfo = node(0x30, der.oid(OID.data), der.algorithmIdentifier(parts.cipherOid, parts.parameters), node(0x80, parts.ciphertext));
  if (parts.mac === null) {
    // RFC 5652 6.1: version 0 while every RecipientInfo is a version 0 ktri; a kari (version 3) makes it 2,
    // an ori (KEMRecipientInfo, [4]) 3.
    const version = parts.recipientInfos.some((info) => info[0] === 0xa4) ? 3 : parts.recipientInfos.every((info) => info[0] === 0x30) ? 0 : 2;
    const envelopedData = node(0x30, der.integer(version), der.setOf(parts.recipientInfos), encryptedContentInfo);
    return encodeLayout(node(0x30, der.oid(OID.envelopedData), node(0xa0, envelopedData)));
  }
  const authEnvelopedData = node(0x30, der.integer(0), der.setOf(parts.recipientInfos), encryptedContentInfo, der.octetString(parts.mac));
  return encodeLayout(node(0x30, der.oid(OID.authEnvelopedData), node(0xa0, authEnvelopedData)));
}
