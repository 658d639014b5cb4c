import { backendKit as kit, parseCertificate as readCertificateInfo, SealpostError } from '@sealpost/core';
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
  readonly signatureAlgorithm: kit.AlgorithmNode;
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
  const root = kit.decodeElement(der);
  const top = kit.childrenOf(root ?? undefined);
  if (root === null || top === null || top.length !== 3) return null;
  const [tbsNode, signatureAlgorithmNode, signatureValueNode] = top as [kit.Node, kit.Node, kit.Node];
  const tbs = kit.childrenOf(tbsNode);
  const signatureAlgorithm = kit.algorithmOf(signatureAlgorithmNode);
  const signatureValue = kit.bitStringBytes(signatureValueNode);
  if (tbs === null || signatureAlgorithm === null || signatureValue === null) return null;
  const fields = kit.isContext(tbs[0], 0) ? tbs.slice(1) : tbs;
  const [serialNode, tbsSignatureNode, issuerNode, , , spkiNode] = fields;
  const serial = kit.integerContents(serialNode);
  if (serial === null || tbsSignatureNode === undefined || !kit.isUniversal(issuerNode, 16)) return null;
  return {
    der: der.slice(),
    issuer: kit.encodingOf(issuerNode),
    serial: serial.slice(),
    subjectKeyId: subjectKeyId === null ? null : fromHex(subjectKeyId),
    publicKey: publicKeyFacts(spkiNode),
    tbs: kit.encodingOf(tbsNode),
    tbsSignatureAlgorithm: kit.encodingOf(tbsSignatureNode),
    signatureAlgorithmEncoding: kit.encodingOf(signatureAlgorithmNode),
    signatureAlgorithm,
    signatureValue,
  };
}

export function parseCertificateOrThrow(der: Uint8Array, role: string): CertificateFacts {
  const facts = parseCertificate(der);
  if (facts === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', `the ${role} certificate is not a readable X.509 certificate`);
  return facts;
}

