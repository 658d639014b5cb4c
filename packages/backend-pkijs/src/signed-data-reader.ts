import { backendKit as kit } from '@sealpost/core';
import * as pkijs from 'pkijs';
import { algorithmOf, childrenOf, encodingOf, identifierOf, isContext, isUniversal, octetsOf, type Node } from './asn1.js';
import type { Bytes } from './bytes.js';
import { cmsMalformed, readContentInfo } from './content-info.js';

/** A received SignedData, reduced to the facts and exact bytes verification needs. */

export interface ReceivedSignerInfo {
  readonly sid: kit.Identifier | null;
  readonly digestAlgorithm: kit.AlgorithmNode;
  /** The [0] IMPLICIT signedAttrs node, or null when the SignerInfo has none. */
  readonly signedAttrs: Node | null;
  /** The signedAttrs exactly as received with only the first tag octet changed to SET OF (0x31). */
  readonly signedAttrsForSignature: Bytes | null;
  readonly signatureAlgorithm: kit.AlgorithmNode;
  readonly signature: Bytes;
}

export interface ReceivedSignedData {
  readonly eContent: Bytes | null;
  /** Embedded certificates, DER as received; other CertificateChoices are skipped. */
  readonly certificates: readonly Bytes[];
  readonly signers: readonly ReceivedSignerInfo[];
}

export function readSignedData(cms: Uint8Array): ReceivedSignedData {
  const { content } = readContentInfo(cms, [kit.OID.signedData], 'SignedData');
  try {
    // PKI.js checks the whole structure against the RFC 5652 schema.
    new pkijs.SignedData({ schema: content });
  } catch {
    throw cmsMalformed('the SignedData structure is malformed');
  }
  const parts = childrenOf(content);
  const encapsulated = childrenOf(parts?.[2]);
  const signerSet = parts?.[parts.length - 1];
  if (parts === null || encapsulated === null || !isUniversal(signerSet, 17)) throw cmsMalformed('the SignedData structure is malformed');
  return {
    eContent: eContentOf(encapsulated),
    certificates: (childrenOf(parts.slice(3, -1).find((n) => isContext(n, 0))) ?? []).filter((n) => isUniversal(n, 16)).map(encodingOf),
    signers: (childrenOf(signerSet) ?? []).map(readSignerInfo),
  };
}

function eContentOf(encapsulated: readonly Node[]): Bytes | null {
  const wrapper = encapsulated[1];
  if (wrapper === undefined) return null;
  const inner = childrenOf(wrapper)?.[0];
  const octets = isUniversal(inner, 4) ? octetsOf(inner) : null;
  if (octets === null) throw cmsMalformed('eContent is not an OCTET STRING');
  return octets;
}

function readSignerInfo(node: Node): ReceivedSignerInfo {
  const parts = childrenOf(node) ?? [];
  const signedAttrs = parts[3] !== undefined && isContext(parts[3], 0) ? parts[3] : null;
  const rest = parts.slice(signedAttrs === null ? 3 : 4);
  const digestAlgorithm = algorithmOf(parts[2]);
  const signatureAlgorithm = algorithmOf(rest[0]);
  const signature = isUniversal(rest[1], 4) ? octetsOf(rest[1]) : null;
  if (digestAlgorithm === null || signatureAlgorithm === null || signature === null) throw cmsMalformed('a SignerInfo is malformed');
  return {
    sid: identifierOf(parts[1]),
    digestAlgorithm,
    signedAttrs,
    signedAttrsForSignature: signedAttrs === null ? null : retagAsSet(encodingOf(signedAttrs)),
    signatureAlgorithm,
    signature,
  };
}

// RFC 5652 5.4: the signature covers the DER of SET OF Attribute; only the IMPLICIT [0] tag differs.
function retagAsSet(encoded: Bytes): Bytes {
  encoded[0] = 0x31;
  return encoded;
}
