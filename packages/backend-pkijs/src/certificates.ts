import { backendKit as kit, SealpostError } from '@sealpost/core';
import * as pkijs from 'pkijs';
import { algorithmOf, bitStringBytes, childrenOf, decodeElement, encodingOf, isContext, isUniversal, octetsOf, oidOf, primitiveContent, type Node } from './asn1.js';
import { copyOf, type Bytes } from './bytes.js';
import { publicKeyFacts, type PublicKeyFacts } from './keys.js';

/** The parts of an X.509 certificate this backend uses, as the exact bytes the certificate holds. */
export interface CertificateFacts {
  readonly der: Bytes;
  /** The issuer Name, DER. */
  readonly issuer: Bytes;
  /** The serialNumber INTEGER's content octets as encoded. */
  readonly serial: Bytes;
  readonly subjectKeyId: Bytes | null;
  /** Null if the key structure is malformed. */
  readonly publicKey: PublicKeyFacts | null;
  readonly tbs: Bytes;
  readonly tbsSignatureAlgorithm: Bytes;
  readonly signatureAlgorithm: kit.AlgorithmNode;
  readonly signatureAlgorithmEncoding: Bytes;
  readonly signatureValue: Bytes;
}

/** Parses a DER certificate (checked against PKI.js's X.509 schema); null if it is not one. */
export function parseCertificate(der: Uint8Array): CertificateFacts | null {
  const root = decodeElement(der);
  const top = childrenOf(root ?? undefined);
  if (root === null || top === null || top.length !== 3) return null;
  try {
    new pkijs.Certificate({ schema: root });
  } catch {
    return null;
  }
  const [tbsNode, signatureAlgorithmNode, signatureValueNode] = top;
  const tbs = childrenOf(tbsNode);
  const signatureAlgorithm = algorithmOf(signatureAlgorithmNode);
  const signatureValue = bitStringBytes(signatureValueNode);
  if (tbsNode === undefined || tbs === null || signatureAlgorithm === null || signatureValue === null || signatureAlgorithmNode === undefined) return null;
  const at = isContext(tbs[0], 0) ? 1 : 0;
  const [serialNode, tbsSignatureNode, issuerNode, , , spkiNode] = tbs.slice(at);
  const serial = isUniversal(serialNode, 2) ? primitiveContent(serialNode) : null;
  if (serial === null || tbsSignatureNode === undefined || issuerNode === undefined) return null;
  return {
    der: copyOf(der),
    issuer: encodingOf(issuerNode),
    serial: copyOf(serial),
    subjectKeyId: subjectKeyIdOf(tbs),
    publicKey: publicKeyFacts(spkiNode),
    tbs: encodingOf(tbsNode),
    tbsSignatureAlgorithm: encodingOf(tbsSignatureNode),
    signatureAlgorithm,
    signatureAlgorithmEncoding: encodingOf(signatureAlgorithmNode),
    signatureValue,
  };
}

export function parseCertificateOrThrow(der: Uint8Array, role: string): CertificateFacts {
  const facts = parseCertificate(der);
  if (facts === null) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', `the ${role} certificate is not a readable X.509 certificate`);
  return facts;
}

function subjectKeyIdOf(tbs: readonly Node[]): Bytes | null {
  const extensions = childrenOf(childrenOf(tbs.find((n) => isContext(n, 3)))?.[0]) ?? [];
  for (const extension of extensions) {
    const parts = childrenOf(extension) ?? [];
    if (oidOf(parts[0]) !== kit.OID.subjectKeyIdentifier) continue;
    const value = octetsOf(parts[parts.length - 1]);
    const keyId = value === null ? null : decodeElement(value);
    return keyId !== null && isUniversal(keyId, 4) ? octetsOf(keyId) : null;
  }
  return null;
}

