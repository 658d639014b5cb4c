import { backendKit as kit } from '@sealpost/core';
import { cmsMalformed, readContentInfo } from './content-info.js';

/** A received SignedData, reduced to the facts and exact bytes verification needs. */

export interface ReceivedSignerInfo {
  readonly sid: kit.Identifier | null;
  readonly digestAlgorithm: kit.AlgorithmNode;
  /** The [0] IMPLICIT signedAttrs element, or null when the SignerInfo has none. */
  readonly signedAttrs: kit.Node | null;
  /** signedAttrs exactly as received with only the first octet changed to SET OF (0x31). */
  readonly signedAttrsForSignature: Uint8Array | null;
  readonly signatureAlgorithm: kit.AlgorithmNode;
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
  const { content } = readContentInfo(cms, [kit.OID.signedData], 'SignedData');
  const parts = kit.childrenOf(content) ?? [];
  const [version, digestAlgorithms, encapsulated] = parts;
  const signerSet = parts[parts.length - 1];
  const middle = parts.slice(3, -1);
  const certificateSet = middle.find((n) => kit.isContext(n, 0));
  const middleValid =
    middle.length <= 2 && middle.every((n, i) => (kit.isContext(n, 0) && i === 0) || (kit.isContext(n, 1) && i === middle.length - 1));
  if (kit.smallIntegerOf(version) === null || !kit.isUniversal(digestAlgorithms, 17) || !kit.isUniversal(encapsulated, 16) || !kit.isUniversal(signerSet, 17) || !middleValid)
    throw cmsMalformed('the SignedData structure is malformed');
  return {
    eContent: eContentOf(encapsulated),
    certificates: (kit.childrenOf(certificateSet) ?? []).filter((n) => kit.isUniversal(n, 16)).map(kit.encodingOf),
    signers: (kit.childrenOf(signerSet) ?? []).map(readSignerInfo),
  };
}

/** EncapsulatedContentInfo ::= SEQUENCE { eContentType, [0] EXPLICIT OCTET STRING OPTIONAL } */
function eContentOf(encapsulated: kit.Node): Uint8Array | null {
  const [type, wrapper, ...rest] = kit.childrenOf(encapsulated) ?? [];
  if (kit.oidOf(type) === null || rest.length > 0) throw cmsMalformed('the EncapsulatedContentInfo is malformed');
  if (wrapper === undefined) return null;
  const inner = kit.isContext(wrapper, 0) ? kit.childrenOf(wrapper) : null;
  const octets = inner?.length === 1 && kit.isUniversal(inner[0], 4) ? kit.octetsOf(inner[0]) : null;
  if (octets === null) throw cmsMalformed('eContent is not an OCTET STRING');
  return octets;
}

/**
 * SignerInfo ::= SEQUENCE { version, sid, digestAlgorithm, [0] IMPLICIT signedAttrs OPTIONAL,
 *   signatureAlgorithm, signature OCTET STRING, [1] IMPLICIT unsignedAttrs OPTIONAL }
 */
function readSignerInfo(node: kit.Node): ReceivedSignerInfo {
  const parts = kit.isUniversal(node, 16) ? (kit.childrenOf(node) ?? []) : [];
  const signedAttrs = kit.isContext(parts[3], 0) ? parts[3] : null;
  const rest = parts.slice(signedAttrs === null ? 3 : 4);
  const digestAlgorithm = kit.algorithmOf(parts[2]);
  const signatureAlgorithm = kit.algorithmOf(rest[0]);
  const signature = kit.isUniversal(rest[1], 4) ? kit.octetsOf(rest[1]) : null;
  const tailValid = rest.length === 2 || (rest.length === 3 && kit.isContext(rest[2], 1));
  if (kit.smallIntegerOf(parts[0]) === null || digestAlgorithm === null || signatureAlgorithm === null || signature === null || !tailValid)
    throw cmsMalformed('a SignerInfo is malformed');
  if (signedAttrs !== null && !signedAttrs.constructed) throw cmsMalformed('signedAttrs is malformed');
  return {
    sid: kit.identifierOf(parts[1]),
    digestAlgorithm,
    signedAttrs,
    signedAttrsForSignature: signedAttrs === null ? null : asSetOf(signedAttrs),
    signatureAlgorithm,
    signature,
  };
}

// RFC 5652 5.4: the signature covers SET OF Attribute; only the IMPLICIT [0] tag octet differs.
function asSetOf(signedAttrs: kit.Node): Uint8Array {
  const bytes = kit.encodingOf(signedAttrs);
  bytes[0] = 0x31;
  return bytes;
}
