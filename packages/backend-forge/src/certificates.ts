import { constantTimeEqual, parseCertificate as readCertificateInfo, SealpostError } from '@sealpost/core';
import {
  algorithmOf,
  bitStringBytes,
  childrenOf,
  decodeElement,
  encodingOf,
  integerContents,
  isContext,
  isUniversal,
  octetsOf,
  type AlgorithmNode,
  type Node,
} from './asn1.js';
import { fromHex } from './bytes.js';
import { publicKeyFacts, type PublicKeyFacts } from './keys.js';

/** The parts of an X.509 certificate this backend uses, as the exact bytes the certificate holds. */
export interface CertificateFacts {
  readonly der: Uint8Array;
  /** The issuer Name element. */
  readonly issuer: Uint8Array;
  /** The serialNumber INTEGER's contents octets, as encoded. */
  readonly serial: Uint8Array;
  readonly subjectKeyId: Uint8Array | null;
  /** Null if the key structure is malformed. */
  readonly publicKey: PublicKeyFacts | null;
  /** The TBSCertificate element, exactly as signed. */
  readonly tbs: Uint8Array;
  /** TBSCertificate.signature and Certificate.signatureAlgorithm, as encoded. */
  readonly tbsSignatureAlgorithm: Uint8Array;
  readonly signatureAlgorithmEncoding: Uint8Array;
  readonly signatureAlgorithm: AlgorithmNode;
  readonly signatureValue: Uint8Array;
}

/**
 * Reads a certificate; null if it is not one. Core's reader checks the whole RFC 5280 structure
 * (the same reading core applies to the certificate a SignerCheck names); the exact bytes are
 * taken here.
 */
export function parseCertificate(der: Uint8Array): CertificateFacts | null {
  if (!(der instanceof Uint8Array)) return null;
  let subjectKeyId: string | null;
  try {
    subjectKeyId = readCertificateInfo(der).subjectKeyId;
  } catch {
    return null;
  }
  const root = decodeElement(der);
  const top = childrenOf(root ?? undefined);
  if (root === null || top === null || top.length !== 3) return null;
  const [tbsNode, signatureAlgorithmNode, signatureValueNode] = top as [Node, Node, Node];
  const tbs = childrenOf(tbsNode);
  const signatureAlgorithm = algorithmOf(signatureAlgorithmNode);
  const signatureValue = bitStringBytes(signatureValueNode);
  if (tbs === null || signatureAlgorithm === null || signatureValue === null) return null;
  const fields = isContext(tbs[0], 0) ? tbs.slice(1) : tbs;
  const [serialNode, tbsSignatureNode, issuerNode, , , spkiNode] = fields;
  const serial = integerContents(serialNode);
  if (serial === null || tbsSignatureNode === undefined || !isUniversal(issuerNode, 16)) return null;
  return {
    der: der.slice(),
    issuer: encodingOf(issuerNode),
    serial: serial.slice(),
    subjectKeyId: subjectKeyId === null ? null : fromHex(subjectKeyId),
    publicKey: publicKeyFacts(spkiNode),
    tbs: encodingOf(tbsNode),
    tbsSignatureAlgorithm: encodingOf(tbsSignatureNode),
    signatureAlgorithmEncoding: encodingOf(signatureAlgorithmNode),
    signatureAlgorithm,
    signatureValue,
  };
}

export function parseCertificateOrThrow(der: Uint8Array, role: string): CertificateFacts {
  const facts = parseCertificate(der);
  if (facts === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', `the ${role} certificate is not a readable X.509 certificate`);
  return facts;
}

/** A SignerIdentifier or RecipientIdentifier. */
export type Identifier =
  | { readonly type: 'issuerAndSerialNumber'; readonly issuer: Uint8Array; readonly serial: Uint8Array }
  | { readonly type: 'subjectKeyIdentifier'; readonly keyId: Uint8Array };

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

export function identifies(id: Identifier, certificate: CertificateFacts): boolean {
  if (id.type === 'issuerAndSerialNumber') return constantTimeEqual(id.issuer, certificate.issuer) && constantTimeEqual(id.serial, certificate.serial);
  return certificate.subjectKeyId !== null && constantTimeEqual(id.keyId, certificate.subjectKeyId);
}
