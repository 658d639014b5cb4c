import {
  algorithmOf,
  childrenOf,
  encodingOf,
  isContext,
  isUniversal,
  octetsOf,
  oidOf,
  smallIntegerOf,
  type AlgorithmNode,
  type Node,
} from './asn1.js';
import { identifierOf, type Identifier } from './certificates.js';
import { cmsMalformed, readContentInfo } from './content-info.js';
import { OID } from './oids.js';

/** A received SignedData, reduced to the facts and exact bytes verification needs. */

export interface ReceivedSignerInfo {
  readonly sid: Identifier | null;
  readonly digestAlgorithm: AlgorithmNode;
  /** The [0] IMPLICIT signedAttrs element, or null when the SignerInfo has none. */
  readonly signedAttrs: Node | null;
  /** signedAttrs exactly as received with only the first octet changed to SET OF (0x31). */
  readonly signedAttrsForSignature: Uint8Array | null;
  readonly signatureAlgorithm: AlgorithmNode;
  readonly signature: Uint8Array;
}

export interface ReceivedSignedData {
  readonly eContent: Uint8Array | null;
  /** Embedded certificates as received; other CertificateChoices are skipped. */
  readonly certificates: readonly Uint8Array[];
  readonly signers: readonly ReceivedSignerInfo[];
}

/**
 * SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo,
 *   [0] IMPLICIT certificates OPTIONAL, [1] IMPLICIT crls OPTIONAL, signerInfos SET }
 */
export function readSignedData(cms: Uint8Array): ReceivedSignedData {
  const { content } = readContentInfo(cms, [OID.signedData], 'SignedData');
  const parts = childrenOf(content) ?? [];
  const [version, digestAlgorithms, encapsulated] = parts;
  const signerSet = parts[parts.length - 1];
  const middle = parts.slice(3, -1);
  const certificateSet = middle.find((n) => isContext(n, 0));
  const middleValid =
    middle.length <= 2 && middle.every((n, i) => (isContext(n, 0) && i === 0) || (isContext(n, 1) && i === middle.length - 1));
  if (smallIntegerOf(version) === null || !isUniversal(digestAlgorithms, 17) || !isUniversal(encapsulated, 16) || !isUniversal(signerSet, 17) || !middleValid)
    throw cmsMalformed('the SignedData structure is malformed');
  return {
    eContent: eContentOf(encapsulated),
    certificates: (childrenOf(certificateSet) ?? []).filter((n) => isUniversal(n, 16)).map(encodingOf),
    signers: (childrenOf(signerSet) ?? []).map(readSignerInfo),
  };
}

/** EncapsulatedContentInfo ::= SEQUENCE { eContentType, [0] EXPLICIT OCTET STRING OPTIONAL } */
function eContentOf(encapsulated: Node): Uint8Array | null {
  const [type, wrapper, ...rest] = childrenOf(encapsulated) ?? [];
  if (oidOf(type) === null || rest.length > 0) throw cmsMalformed('the EncapsulatedContentInfo is malformed');
  if (wrapper === undefined) return null;
  const inner = isContext(wrapper, 0) ? childrenOf(wrapper) : null;
  const octets = inner?.length === 1 && isUniversal(inner[0], 4) ? octetsOf(inner[0]) : null;
  if (octets === null) throw cmsMalformed('eContent is not an OCTET STRING');
  return octets;
}

/**
 * SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] IMPLICIT signedAttrs OPTIONAL,
 *   signatureAlgorithm, signature OCTET STRING, [1] IMPLICIT unsignedAttrs OPTIONAL }
 */
function readSignerInfo(node: Node): ReceivedSignerInfo {
  const parts = isUniversal(node, 16) ? (childrenOf(node) ?? []) : [];
  const signedAttrs = isContext(parts[3], 0) ? parts[3] : null;
  const rest = parts.slice(signedAttrs === null ? 3 : 4);
  const digestAlgorithm = algorithmOf(parts[2]);
  const signatureAlgorithm = algorithmOf(rest[0]);
  const signature = isUniversal(rest[1], 4) ? octetsOf(rest[1]) : null;
  const tailValid = rest.length === 2 || (rest.length === 3 && isContext(rest[2], 1));
  if (smallIntegerOf(parts[0]) === null || digestAlgorithm === null || signatureAlgorithm === null || signature === null || !tailValid)
    throw cmsMalformed('a SignerInfo is malformed');
  if (signedAttrs !== null && !signedAttrs.constructed) throw cmsMalformed('signedAttrs is malformed');
  return {
    sid: identifierOf(parts[1]),
    digestAlgorithm,
    signedAttrs,
    signedAttrsForSignature: signedAttrs === null ? null : asSetOf(signedAttrs),
    signatureAlgorithm,
    signature,
  };
}

// RFC 5652 5.4: the signature covers SET OF Attribute; only the IMPLICIT [0] tag octet differs.
function asSetOf(signedAttrs: Node): Uint8Array {
  const bytes = encodingOf(signedAttrs);
  bytes[0] = 0x31;
  return bytes;
}
