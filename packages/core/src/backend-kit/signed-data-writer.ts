import { encodeLayout, node } from '../asn1/der-layout.js';
import * as der from '../asn1/der-writer.js';
import type { DigestAlgorithm } from '../backend.js';
import { digestOid } from './algorithms.js';
import type { IdentifiedCertificate } from './identifiers.js';
import { issuerAndSerialNumber } from './identifiers.js';
import { OID } from '../asn1/oids.js';
import { bytesEqual } from '../bytes.js';

/** Writing SignedData (RFC 5652 5) around a backend's signatures. */

export interface SignerInfoParts {
  readonly certificate: Pick<IdentifiedCertificate, 'issuer' | 'serial'>;
  readonly digest: DigestAlgorithm;
  /** The signed attributes, each DER (as newSignedAttributes returns them). */
  readonly signedAttributes: readonly Uint8Array[];
  readonly signatureAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
}

/** SignerInfo version 1 (issuerAndSerialNumber) with its signed attributes as [0] IMPLICIT SET OF, DER-sorted. */
export function signerInfo(parts: SignerInfoParts): Uint8Array<ArrayBuffer> {
  return der.sequence(
    der.integer(1),
    issuerAndSerialNumber(parts.certificate),
    der.algorithmIdentifier(digestOid(parts.digest)),
    der.setOf(parts.signedAttributes, 0xa0),
    parts.signatureAlgorithm,
    der.octetString(parts.signature),
  );
}

export interface SignedDataParts {
  readonly digests: readonly DigestAlgorithm[];
  /** The id-data content, or null for a detached signature. */
  readonly content: Uint8Array | null;
  readonly certificates: readonly Uint8Array[];
  readonly signerInfos: readonly Uint8Array[];
}

/** ContentInfo(SignedData) version 1 with id-data content; digest algorithms and certificates each once. */
export function signedDataContentInfo(parts: SignedDataParts): Uint8Array<ArrayBuffer> {
  // One pass: opaque content (as large as the message) is copied once, not once per nesting level.
  const encapsulated = parts.content === null ? node(0x30, der.oid(OID.data)) : node(0x30, der.oid(OID.data), node(0xa0, node(0x04, parts.content)));
  const signedData = node(
    0x30,
    der.integer(1),
    der.setOf(uniqueEncodings([...new Set(parts.digests)].map((digest) => der.algorithmIdentifier(digestOid(digest))))),
    encapsulated,
    der.setOf(uniqueEncodings(parts.certificates), 0xa0),
    der.setOf(parts.signerInfos),
  );
  return encodeLayout(node(0x30, der.oid(OID.signedData), node(0xa0, signedData)));
}

/**
 * The items with byte-equal duplicates removed, first occurrence kept. The lists are short (a chain, a
 * few digest algorithms; the reader caps certificates at maxCertificates), so items are compared directly.
 */
export function uniqueEncodings(items: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const item of items) if (!out.some((kept) => bytesEqual(kept, item))) out.push(item);
  return out;
}
