/**
 * OCSP (RFC 6960) for the revocation checker: the request for one certificate and the reading of a
 * response. Who may sign a response, and when it is current, is judged in revocation.ts.
 */
import { TAG, type BerNode } from '../asn1/ber-reader.js';
import { isContext, isUniversal } from '../asn1/accessors.js';
import { algorithmIdentifier, nullValue, octetString, sequence, tlv } from '../asn1/der-writer.js';
import { bytesEqual } from '../bytes.js';
import { at, decodeAsn1, expectBitStringBytes, expectBoolean, expectExplicit, expectIntegerContents, expectOctetString, expectOid, expectSequence, readAs, shapeError } from '../asn1/shape.js';
import { timeOf } from '../asn1/time.js';
import type { DigestAlgorithm } from '../backend.js';
import { OID } from '../asn1/oids.js';
import { reasonOf, signatureDigestOf, type RevocationReason } from './crl.js';

/** CertID (RFC 6960 4.1.1): which certificate a request asks about and a single response answers for. */
export interface OcspCertId {
  /** OID of the hash of the issuer's name and key. */
  readonly hashAlgorithm: string;
  readonly issuerNameHash: Uint8Array;
  readonly issuerKeyHash: Uint8Array;
  /** The serial number's INTEGER contents octets, exactly as the certificate holds them. */
  readonly serialNumber: Uint8Array;
}

export interface OcspSingleResponse {
  readonly certId: OcspCertId;
  readonly status: 'good' | 'revoked' | 'unknown';
  readonly revocationTime: Date | null;
  readonly reason: RevocationReason | null;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
}

export interface OcspResponse {
  /** BasicOCSPResponse DER, for checking its signature. */
  readonly basic: Uint8Array;
  /** ResponderID: the responder's Name (DER) or the SHA-1 hash of its public key. */
  readonly responderName: Uint8Array | null;
  readonly responderKeyHash: Uint8Array | null;
  readonly producedAt: Date;
  readonly responses: readonly OcspSingleResponse[];
  /** Certificates sent along (a delegated responder's), DER. */
  readonly certificates: readonly Uint8Array[];
  readonly signatureDigest: DigestAlgorithm | null;
  /** Critical response or single-response extensions the checker does not process (none are). */
  readonly unprocessedCritical: readonly string[];
}

/** Responses and certificates one answer may carry before it is refused as unreasonable. */
const MAX_SINGLE_RESPONSES = 64;
const MAX_RESPONSE_CERTIFICATES = 8;

/** The OCSPResponseStatus values other than successful (0), for saying why a responder refused. */
const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', undefined, 'sigRequired', 'unauthorized'] as const;

/** OCSPRequest for one CertID: unsigned, no nonce, so that responders and caches may pre-produce answers (RFC 5019). */
export function ocspRequestDer(id: OcspCertId): Uint8Array {
  // The serial's contents are copied as the certificate has them, so the responder sees the same INTEGER.
  const certId = sequence(algorithmIdentifier(id.hashAlgorithm, nullValue()), octetString(id.issuerNameHash), octetString(id.issuerKeyHash), tlv(TAG.INTEGER, id.serialNumber));
  // OCSPRequest { TBSRequest { requestList SEQUENCE OF Request { reqCert CertID } } }
  return sequence(sequence(sequence(sequence(certId))));
}

export function sameCertId(a: OcspCertId, b: OcspCertId): boolean {
  return a.hashAlgorithm === b.hashAlgorithm && bytesEqual(a.issuerNameHash, b.issuerNameHash) && bytesEqual(a.issuerKeyHash, b.issuerKeyHash) && bytesEqual(a.serialNumber, b.serialNumber);
}

/**
 * Reads an OCSPResponse. A responder's refusal (tryLater, unauthorized...) or any malformed part is
 * ERR_REVOCATION_UNKNOWN with a message saying which: both mean "no answer".
 */
export function parseOcspResponse(der: Uint8Array): OcspResponse {
  return readAs('ERR_REVOCATION_UNKNOWN', 'the OCSP response is malformed', () => readResponse(der));
}

function readResponse(der: Uint8Array): OcspResponse {
  const outer = expectSequence(decodeAsn1(der, 'OCSPResponse'), 'OCSPResponse');
  const statusNode = at(outer, 0, 'responseStatus');
  if (!isUniversal(statusNode, 10) || statusNode.contents.length !== 1) shapeError('responseStatus: expected a small ENUMERATED');
  const status = statusNode.contents[0] ?? 255;
  if (status !== 0) shapeError(`the responder answered ${RESPONSE_STATUS[status] ?? `status ${status}`}`);
  const bytes = expectSequence(expectExplicit(at(outer, 1, 'responseBytes'), 0, 'responseBytes'), 'ResponseBytes');
  if (outer.length !== 2 || bytes.length !== 2) shapeError('OCSPResponse: unexpected field');
  if (expectOid(at(bytes, 0, 'responseType'), 'responseType') !== OID.pkixOcspBasic) shapeError('responseType: not id-pkix-ocsp-basic');
  const basic = expectOctetString(at(bytes, 1, 'response'), 'response');
  return { basic, ...readBasic(basic) };
}

function readBasic(der: Uint8Array): Omit<OcspResponse, 'basic'> {
  const basic = expectSequence(decodeAsn1(der, 'BasicOCSPResponse'), 'BasicOCSPResponse');
  if (basic.length !== 3 && basic.length !== 4) shapeError('BasicOCSPResponse: expected three or four fields');
  expectBitStringBytes(at(basic, 2, 'signature'), 'signature');
  const certificates: Uint8Array[] = [];
  if (basic[3] !== undefined) {
    for (const certificate of expectSequence(expectExplicit(basic[3], 0, 'certs'), 'certs')) {
      if (certificates.length >= MAX_RESPONSE_CERTIFICATES) shapeError('certs: too many certificates');
      certificates.push(certificate.raw);
    }
  }
  const data = expectSequence(at(basic, 0, 'tbsResponseData'), 'tbsResponseData');
  let index = 0;
  if (isContext(data[0], 0)) {
    const version = expectExplicit(at(data, index++, 'version'), 0, 'version');
    if (!isUniversal(version, TAG.INTEGER) || version.contents.length !== 1 || version.contents[0] !== 0) shapeError('tbsResponseData: unknown version');
  }
  const responder = at(data, index++, 'responderID');
  let responderName: Uint8Array | null = null;
  let responderKeyHash: Uint8Array | null = null;
  if (isContext(responder, 1)) {
    const name = expectExplicit(responder, 1, 'byName');
    expectSequence(name, 'byName');
    responderName = name.raw;
  } else if (isContext(responder, 2)) responderKeyHash = expectOctetString(expectExplicit(responder, 2, 'byKey'), 'byKey');
  else shapeError('responderID: expected byName or byKey');
  const producedAt = generalizedTime(at(data, index++, 'producedAt'), 'producedAt');
  const responses = expectSequence(at(data, index++, 'responses'), 'responses');
  if (responses.length > MAX_SINGLE_RESPONSES) shapeError('responses: too many');
  const unprocessedCritical: string[] = [];
  if (isContext(data[index], 1)) unprocessedCritical.push(...criticalExtensionIds(expectExplicit(at(data, index++, 'responseExtensions'), 1, 'responseExtensions')));
  if (index !== data.length) shapeError('tbsResponseData: unexpected field');
  return {
    responderName,
    responderKeyHash,
    producedAt,
    responses: responses.map((single) => readSingle(single, unprocessedCritical)),
    certificates,
    signatureDigest: signatureDigestOf(at(basic, 1, 'signatureAlgorithm')),
    unprocessedCritical,
  };
}

function readSingle(node: BerNode, unprocessedCritical: string[]): OcspSingleResponse {
  const fields = expectSequence(node, 'SingleResponse');
  const certId = readCertId(at(fields, 0, 'certID'));
  const statusNode = at(fields, 1, 'certStatus');
  let status: OcspSingleResponse['status'];
  let revocationTime: Date | null = null;
  let reason: RevocationReason | null = null;
  if (isContext(statusNode, 0) && !statusNode.constructed && statusNode.contents.length === 0) status = 'good';
  else if (isContext(statusNode, 2) && !statusNode.constructed && statusNode.contents.length === 0) status = 'unknown';
  else if (isContext(statusNode, 1) && statusNode.constructed) {
    status = 'revoked';
    const info = statusNode.children;
    revocationTime = generalizedTime(at(info, 0, 'revocationTime'), 'revocationTime');
    if (info[1] !== undefined) reason = reasonOf(expectExplicit(info[1], 0, 'revocationReason'));
    if (info.length > 2) shapeError('RevokedInfo: unexpected field');
  } else shapeError('certStatus: expected good, revoked or unknown');
  const thisUpdate = generalizedTime(at(fields, 2, 'thisUpdate'), 'thisUpdate');
  let index = 3;
  let nextUpdate: Date | null = null;
  if (isContext(fields[index], 0)) nextUpdate = generalizedTime(expectExplicit(at(fields, index++, 'nextUpdate'), 0, 'nextUpdate'), 'nextUpdate');
  if (isContext(fields[index], 1)) unprocessedCritical.push(...criticalExtensionIds(expectExplicit(at(fields, index++, 'singleExtensions'), 1, 'singleExtensions')));
  if (index !== fields.length) shapeError('SingleResponse: unexpected field');
  return { certId, status, revocationTime, reason, thisUpdate, nextUpdate };
}

function readCertId(node: BerNode): OcspCertId {
  const fields = expectSequence(node, 'CertID');
  if (fields.length !== 4) shapeError('CertID: expected four fields');
  return {
    hashAlgorithm: expectOid(at(expectSequence(at(fields, 0, 'hashAlgorithm'), 'hashAlgorithm'), 0, 'algorithm'), 'algorithm'),
    issuerNameHash: expectOctetString(at(fields, 1, 'issuerNameHash'), 'issuerNameHash'),
    issuerKeyHash: expectOctetString(at(fields, 2, 'issuerKeyHash'), 'issuerKeyHash'),
    serialNumber: expectIntegerContents(at(fields, 3, 'serialNumber'), 'serialNumber'),
  };
}

/** Every extension is read; none is processed (a nonce is not sent, so one that comes back changes nothing). */
function criticalExtensionIds(node: BerNode): string[] {
  const out: string[] = [];
  for (const extension of expectSequence(node, 'extensions')) {
    const parts = expectSequence(extension, 'Extension');
    const id = expectOid(at(parts, 0, 'extnID'), 'extnID');
    if (parts.length === 3 && expectBoolean(at(parts, 1, 'critical'), 'critical')) out.push(id);
  }
  return out;
}

/** OCSP times are GeneralizedTime; a fraction of a second, which some responders write, is dropped. */
function generalizedTime(node: BerNode, what: string): Date {
  if (!isUniversal(node, TAG.GENERALIZED_TIME)) shapeError(`${what}: expected GeneralizedTime`);
  return timeOf(node, 'signingTime') ?? shapeError(`${what}: bad GeneralizedTime`);
}
