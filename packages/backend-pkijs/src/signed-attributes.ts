import type { ContentCipher } from '@sealpost/core';
import { der } from '@sealpost/core';
import { childrenOf, isUniversal, octetsOf, oidOf, type Node } from './asn1.js';
import { CONTENT_CIPHER_OIDS } from './algorithms.js';
import type { Bytes } from './bytes.js';
import { OID } from './oids.js';

/** Signed attributes (RFC 5652 11, RFC 8551 2.5): writing a new set and reading a received one. */

function attribute(type: string, ...values: readonly Uint8Array[]): Bytes {
  return der.sequence(der.oid(type), der.setOf(values));
}

// RFC 8551 2.5.2: RC2 is announced with its key size in bits; the AES and other ciphers carry none.
function capability(cipher: ContentCipher): Bytes {
  return cipher === 'rc2-cbc' ? der.algorithmIdentifier(CONTENT_CIPHER_OIDS[cipher], der.integer(128)) : der.algorithmIdentifier(CONTENT_CIPHER_OIDS[cipher]);
}

export interface SignedAttributeInput {
  readonly messageDigest: Uint8Array;
  readonly signingTime?: Date | undefined;
  readonly smimeCapabilities?: readonly ContentCipher[] | undefined;
}

// The date comes from the caller's sign options, so its errors name the option.
function signingTime(date: Date): Bytes {
  if (Number.isNaN(date.getTime())) throw new RangeError('signingTime is not a valid date');
  const year = date.getUTCFullYear();
  if (year < 0 || year > 9999) throw new RangeError('signingTime is out of range');
  return der.time(date);
}

/** The attributes of a new SignerInfo, each DER; the caller sorts them into the SET. */
export function newSignedAttributes(input: SignedAttributeInput): Bytes[] {
  const attributes = [attribute(OID.contentType, der.oid(OID.data))];
  if (input.signingTime !== undefined) attributes.push(attribute(OID.signingTime, signingTime(input.signingTime)));
  attributes.push(attribute(OID.messageDigest, der.octetString(input.messageDigest)));
  const capabilities = [...new Set(input.smimeCapabilities ?? [])];
  if (capabilities.length > 0) {
    for (const c of capabilities) if (CONTENT_CIPHER_OIDS[c] === undefined) throw new TypeError(`unknown content cipher ${String(c)} in smimeCapabilities`);
    attributes.push(attribute(OID.smimeCapabilities, der.sequence(...capabilities.map(capability))));
  }
  return attributes;
}

/**
 * The messageDigest value of a received [0] IMPLICIT signedAttrs node: present only if exactly one
 * such attribute holds exactly one OCTET STRING; null otherwise.
 */
export function messageDigestOf(signedAttrs: Node): Bytes | null {
  const found: Node[][] = [];
  for (const attr of childrenOf(signedAttrs) ?? []) {
    const parts = childrenOf(attr);
    if (parts === null || oidOf(parts[0]) !== OID.messageDigest) continue;
    found.push([...(childrenOf(parts[1]) ?? [])]);
  }
  const only = found.length === 1 && found[0]?.length === 1 ? found[0][0] : undefined;
  return isUniversal(only, 4) ? octetsOf(only) : null;
}
