import * as der from '../asn1/der-writer.js';
import type { ContentCipher } from '../backend.js';
import { childrenOf, isUniversal, octetsOf, oidOf, type Node } from '../asn1/accessors.js';
import { OID } from '../asn1/oids.js';
import { smimeCapabilitiesDer } from '../cms/smime-capabilities.js';

/** Signed attributes (RFC 5652 11, RFC 8551 2.5): the set a new SignerInfo carries, and reading one. */

function attribute(type: string, ...values: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  return der.sequence(der.oid(type), der.setOf(values));
}

// The date comes from the caller's sign options, so its errors name the option.
function signingTime(date: Date): Uint8Array<ArrayBuffer> {
  if (Number.isNaN(date.getTime())) throw new RangeError('signingTime is not a valid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError('signingTime is out of range');
  return der.time(date);
}

export interface SignedAttributeInput {
  readonly messageDigest: Uint8Array;
  readonly signingTime?: Date | undefined;
  readonly smimeCapabilities?: readonly ContentCipher[] | undefined;
}

/**
 * The attributes of a new SignerInfo, each DER (the caller puts them in a sorted SET, der.setOf):
 * contentType id-data, signingTime when given, messageDigest, SMIMECapabilities in the caller's
 * order (duplicates dropped) when any.
 */
export function newSignedAttributes(input: SignedAttributeInput): Uint8Array<ArrayBuffer>[] {
  const attributes = [attribute(OID.contentType, der.oid(OID.data))];
  if (input.signingTime !== undefined) attributes.push(attribute(OID.signingTime, signingTime(input.signingTime)));
  attributes.push(attribute(OID.messageDigest, der.octetString(input.messageDigest)));
  const capabilities = [...new Set(input.smimeCapabilities ?? [])];
  if (capabilities.length > 0) attributes.push(attribute(OID.smimeCapabilities, smimeCapabilitiesDer(capabilities)));
  return attributes;
}

/**
 * The messageDigest value of received signedAttrs ([0] IMPLICIT SET): present only if exactly one
 * such attribute holds exactly one OCTET STRING; null otherwise.
 */
export function messageDigestOf(signedAttrs: Node): Uint8Array<ArrayBuffer> | null {
  const found: (readonly Node[])[] = [];
  for (const attr of childrenOf(signedAttrs) ?? []) {
    const parts = childrenOf(attr);
    if (parts === null || oidOf(parts[0]) !== OID.messageDigest) continue;
    found.push(isUniversal(parts[1], 17) ? (childrenOf(parts[1]) ?? []) : []);
  }
  const only = found.length === 1 && found[0]?.length === 1 ? found[0][0] : undefined;
  return isUniversal(only, 4) ? octetsOf(only) : null;
}
