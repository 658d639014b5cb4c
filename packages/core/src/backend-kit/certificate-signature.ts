import { algorithmOf, bitStringBytes, childrenOf, decodeElement, encodingOf, isContext, isUniversal } from '../asn1/accessors.js';
import { constantTimeEqual } from '../bytes.js';
import { SealpostError } from '../errors.js';
import { certificateFactsOf, type CertificateFacts } from './certificate-facts.js';
import { signatureParamsOf, type SignatureParams } from './signature-algorithms.js';
import type { CertificateSignatureRequest } from '../backend.js';

/** What a signature check is over: a certificate, a CRL or an OCSP BasicOCSPResponse. */
export type SignedObject = NonNullable<CertificateSignatureRequest['signed']>;

/**
 * What checking a certificate's own signature takes, read by core so that every backend checks the
 * same bytes the same way and only computes: the issuer's key, the scheme, the exact TBSCertificate.
 */
export interface CertificateSignatureInput {
  /** The issuer certificate as the CMS engine reads it (its `publicKey` null when malformed). */
  readonly issuer: CertificateFacts;
  readonly params: SignatureParams;
  /** The TBSCertificate element exactly as signed. */
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
}

interface SignedParts {
  readonly tbs: Uint8Array;
  readonly innerAlgorithm: Uint8Array;
  readonly outerAlgorithm: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * Reads both certificates (ERR_CERTIFICATE_MALFORMED naming the one that cannot be read) and resolves
 * the signature algorithm (ERR_UNSUPPORTED_SIGNATURE for one no backend knows). Null when the
 * signature field inside TBSCertificate differs from signatureAlgorithm (RFC 5280 4.1.1.2): such a
 * certificate's signature is not valid, whatever it verifies to.
 */
export function certificateSignatureInput(certificate: Uint8Array, issuer: Uint8Array, signed: SignedObject = 'certificate'): CertificateSignatureInput | null {
  const parts = signed === 'certificate' ? signedPartsOf(certificate) : signedListOrResponsePartsOf(certificate, signed);
  const issuerFacts = certificateFactsOf(issuer);
  // A CRL or OCSP response is read by core's revocation checker before it gets here: one that does
  // not have the signed shape is not signed by anyone.
  if (signed !== 'certificate' && parts === null) return null;
  if (parts === null || (signed === 'certificate' && certificateFactsOf(certificate) === null)) throw unreadable('subject');
  if (issuerFacts === null) throw unreadable('issuer');
  if (!constantTimeEqual(parts.innerAlgorithm, parts.outerAlgorithm)) return null;
  const algorithm = algorithmOf(decodeElement(parts.outerAlgorithm) ?? undefined);
  if (algorithm === null) throw unreadable('subject');
  return { issuer: issuerFacts, params: signatureParamsOf(algorithm, null), tbs: parts.tbs, signature: parts.signature };
}

function unreadable(role: string): SealpostError {
  return new SealpostError('ERR_CERTIFICATE_MALFORMED', `the ${role} certificate is not a readable X.509 certificate`);
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, as received. */
function signedPartsOf(der: Uint8Array): SignedParts | null {
  const top = childrenOf(decodeElement(der) ?? undefined);
  if (top === null || top.length !== 3) return null;
  const [tbsNode, outerNode, signatureNode] = top;
  const tbs = childrenOf(tbsNode);
  const signature = bitStringBytes(signatureNode);
  if (tbsNode === undefined || outerNode === undefined || tbs === null || algorithmOf(outerNode) === null || signature === null) return null;
  const fields = isContext(tbs[0], 0) ? tbs.slice(1) : tbs;
  const [, innerNode, issuerNode] = fields;
  if (innerNode === undefined || !isUniversal(issuerNode, 16)) return null;
  return { tbs: encodingOf(tbsNode), innerAlgorithm: encodingOf(innerNode), outerAlgorithm: encodingOf(outerNode), signature };
}

/**
 * CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }, whose tbsCertList
 * repeats the algorithm after an optional version INTEGER (RFC 5280 5.1.1.2); BasicOCSPResponse ::=
 * SEQUENCE { tbsResponseData, signatureAlgorithm, signature, certs [0] OPTIONAL }, with no inner copy
 * of the algorithm (RFC 6960 4.2.1).
 */
function signedListOrResponsePartsOf(der: Uint8Array, signed: Exclude<SignedObject, 'certificate'>): SignedParts | null {
  const top = childrenOf(decodeElement(der) ?? undefined);
  const expected = signed === 'crl' ? top?.length === 3 : top?.length === 3 || (top?.length === 4 && isContext(top[3], 0));
  if (top === null || !expected) return null;
  const [tbsNode, outerNode, signatureNode] = top;
  const tbs = childrenOf(tbsNode);
  const signature = bitStringBytes(signatureNode);
  if (tbsNode === undefined || outerNode === undefined || tbs === null || algorithmOf(outerNode) === null || signature === null) return null;
  if (signed === 'ocsp-response') return { tbs: encodingOf(tbsNode), innerAlgorithm: encodingOf(outerNode), outerAlgorithm: encodingOf(outerNode), signature };
  const innerNode = isUniversal(tbs[0], 2) ? tbs[1] : tbs[0];
  if (innerNode === undefined) return null;
  return { tbs: encodingOf(tbsNode), innerAlgorithm: encodingOf(innerNode), outerAlgorithm: encodingOf(outerNode), signature };
}
