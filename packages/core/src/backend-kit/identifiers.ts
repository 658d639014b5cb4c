import * as der from '../asn1/der-writer.js';
import { constantTimeEqual } from '../bytes.js';
import { SealpostError } from '../errors.js';
import { childrenOf, encodingOf, integerContents, isContext, isUniversal, octetsOf, type Node } from '../asn1/accessors.js';

/** SignerIdentifier and RecipientIdentifier (RFC 5652 5.3, 6.2.1): reading, matching and writing. */

export type Identifier =
  | { readonly type: 'issuerAndSerialNumber'; readonly issuer: Uint8Array<ArrayBuffer>; readonly serial: Uint8Array<ArrayBuffer> }
  | { readonly type: 'subjectKeyIdentifier'; readonly keyId: Uint8Array<ArrayBuffer> };

/** What matching needs of a certificate: its issuer Name (DER), serial INTEGER contents and SKI. */
export interface IdentifiedCertificate {
  readonly issuer: Uint8Array;
  readonly serial: Uint8Array;
  readonly subjectKeyId: Uint8Array | null;
}

/** Reads an identifier element; null if it is neither form. */
export function identifierOf(node: Node | undefined): Identifier | null {
  if (isUniversal(node, 16)) {
    const parts = childrenOf(node);
    const issuer = parts?.[0];
    const serial = integerContents(parts?.[1]);
    if (parts === null || parts.length !== 2 || !isUniversal(issuer, 16) || serial === null) return null;
    return { type: 'issuerAndSerialNumber', issuer: encodingOf(issuer), serial: serial.slice() };
  }
  if (isContext(node, 0)) {
    // [0] IMPLICIT SubjectKeyIdentifier; a constructed form wrapping OCTET STRING segments is read too.
    const keyId = octetsOf(node);
    return keyId === null ? null : { type: 'subjectKeyIdentifier', keyId };
  }
  return null;
}

/** INTEGER contents without the leading zero octets a non-minimal or sign-padded encoding adds. */
function serialValue(contents: Uint8Array): Uint8Array {
  let i = 0;
  while (i < contents.length - 1 && contents[i] === 0) i++;
  return contents.subarray(i);
}

/**
 * Whether `id` names `certificate`: the issuer Name's exact encoding and the serial number's value
 * equal, or the subjectKeyIdentifier equal. The one identifier rule for signers and recipients, the
 * same as core's verdict code applies (smime/identifier.ts).
 */
export function identifies(id: Identifier, certificate: IdentifiedCertificate): boolean {
  if (id.type === 'issuerAndSerialNumber') return constantTimeEqual(id.issuer, certificate.issuer) && constantTimeEqual(serialValue(id.serial), serialValue(certificate.serial));
  return certificate.subjectKeyId !== null && constantTimeEqual(id.keyId, certificate.subjectKeyId);
}

/** IssuerAndSerialNumber from the certificate's issuer Name (DER) and serial INTEGER contents, as received. */
export function issuerAndSerialNumber(certificate: Pick<IdentifiedCertificate, 'issuer' | 'serial'>): Uint8Array<ArrayBuffer> {
  return der.sequence(certificate.issuer, der.tlv(0x02, certificate.serial));
}

/** The first entry whose identifier names `certificate`; ERR_NO_RECIPIENT when none does. */
export function recipientFor<T extends { readonly rid: Identifier | null }>(recipients: readonly T[], certificate: IdentifiedCertificate): T {
  const recipient = recipients.find((r) => r.rid !== null && identifies(r.rid, certificate));
  if (recipient === undefined) throw new SealpostError('ERR_NO_RECIPIENT', 'the message is not encrypted to this certificate');
  return recipient;
}
