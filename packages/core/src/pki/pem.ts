/** PEM (RFC 7468) and the containers certificates arrive in: PEM bundles, DER, PKCS#7 certs-only. */
import { SealpostError, type ErrorCode } from '../errors.js';
import { TAG } from '../asn1/ber-reader.js';
import { isContext, isUniversal } from '../asn1/accessors.js';
import { at, decodeAsn1, expectChildren, expectExplicit, expectOid, expectSequence, readAs, splitConcatenated } from '../asn1/shape.js';
import { base64DecodeOrNull, base64Encode, latin1Decode } from '../bytes.js';
import { parseCertificate } from './certificate.js';
import { OID } from '../asn1/oids.js';

export interface PemBlock {
  readonly label: string;
  /** RFC 1421 headers (Proc-Type, DEK-Info) of legacy encrypted keys; empty for RFC 7468 PEM. */
  readonly headers: Readonly<Record<string, string>>;
  readonly der: Uint8Array;
}

/** Every PEM block in `text`, in order; text between blocks is ignored (OpenSSL's "Bag Attributes"). */
export function pemBlocks(text: string, code: ErrorCode = 'ERR_ASN1_MALFORMED'): PemBlock[] {
  const blocks: PemBlock[] = [];
  const beginLine = /-----BEGIN ([^\r\n]*?)-----/g;
  for (let begin = beginLine.exec(text); begin !== null; begin = beginLine.exec(text)) {
    const label = begin[1] ?? '';
    const endLine = `-----END ${label}-----`;
    const bodyStart = begin.index + begin[0].length;
    const end = text.indexOf(endLine, bodyStart);
    if (end < 0) throw new SealpostError(code, `PEM block "${label}" has no END line`);
    blocks.push(pemBlock(label, text.slice(bodyStart, end), code));
    beginLine.lastIndex = end + endLine.length;
  }
  return blocks;
}

function pemBlock(label: string, body: string, code: ErrorCode): PemBlock {
  const lines = body.split(/\r?\n|\r/).map((line) => line.trim());
  const headers: Record<string, string> = {};
  let first = 0;
  while (first < lines.length && lines[first] === '') first++;
  if (/^[A-Za-z-]+:/.test(lines[first] ?? '')) {
    for (; first < lines.length && lines[first] !== ''; first++) {
      const line = lines[first] ?? '';
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    }
  }
  const der = base64DecodeOrNull(lines.slice(first).join(''));
  if (der === null || der.length === 0) throw new SealpostError(code, `PEM block "${label}" is not valid base64`);
  return { label, headers, der };
}

/** DER of every PEM block in `text`, or only those labelled `label`. */
export function pemDecode(text: string, label?: string): Uint8Array[] {
  return pemBlocks(text)
    .filter((block) => label === undefined || block.label === label)
    .map((block) => block.der);
}

export function pemEncode(der: Uint8Array, label: string): string {
  if (!/^[\x21-\x2c\x2e-\x7e]([ \x21-\x7e]*[\x21-\x2c\x2e-\x7e])?$/.test(label)) throw new TypeError('pemEncode: invalid label');
  const base64 = base64Encode(der);
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}-----END ${label}-----\n`;
}

export function isPem(bytes: Uint8Array): boolean {
  return latin1Decode(bytes.subarray(0, 64 * 1024)).includes('-----BEGIN ');
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

/**
 * Certificates (DER) from PEM (any number of CERTIFICATE / TRUSTED CERTIFICATE / PKCS7 blocks),
 * DER (one certificate, several concatenated, or PKCS#7 certs-only). Each one is checked to parse.
 */
export function readCertificates(bytes: Uint8Array): Uint8Array[] {
  const certificates = isPem(bytes) ? certificatesFromPem(latin1Decode(bytes)) : certificatesFromDer(bytes);
  if (certificates.length === 0) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'no certificate found');
  for (const der of certificates) parseCertificate(der);
  return certificates;
}

function certificatesFromPem(text: string): Uint8Array[] {
  return pemBlocks(text, 'ERR_CERTIFICATE_MALFORMED').flatMap((block) => {
    if (CERTIFICATE_LABELS.has(block.label)) return [block.der];
    // OpenSSL's trusted form appends its trust settings after the certificate.
    if (block.label === 'TRUSTED CERTIFICATE') return [leadingValue(block.der)];
    if (block.label === 'PKCS7' || block.label === 'CMS') return certificatesFromPkcs7(block.der);
    return [];
  });
}

function leadingValue(der: Uint8Array): Uint8Array {
  return readAs('ERR_CERTIFICATE_MALFORMED', 'certificate is malformed', () => at(splitConcatenated(der, 'certificate'), 0, 'certificate'));
}

function certificatesFromDer(bytes: Uint8Array): Uint8Array[] {
  const values = readAs('ERR_CERTIFICATE_MALFORMED', 'certificate data is malformed', () => splitConcatenated(bytes, 'certificate data'));
  return values.flatMap((value) => (isPkcs7(value) ? certificatesFromPkcs7(value) : [value]));
}

function isPkcs7(der: Uint8Array): boolean {
  try {
    const items = expectSequence(decodeAsn1(der, 'ContentInfo'), 'ContentInfo');
    return expectOid(at(items, 0, 'contentType'), 'contentType') === OID.signedData;
  } catch {
    return false;
  }
}

/** The certificates field of a SignedData (a PKCS#7 "certs-only" bundle). */
function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] {
  return readAs('ERR_CERTIFICATE_MALFORMED', 'PKCS#7 certificate bundle is malformed', () => {
    const contentInfo = expectSequence(decodeAsn1(der, 'ContentInfo'), 'ContentInfo');
    if (expectOid(at(contentInfo, 0, 'contentType'), 'contentType') !== OID.signedData) return [];
    const signedData = expectSequence(expectExplicit(at(contentInfo, 1, 'content'), 0, 'content'), 'SignedData');
    const certificates = signedData.find((item) => isContext(item, 0));
    if (certificates === undefined) return [];
    // Other CertificateChoices (attribute certificates...) are tagged; plain certificates are SEQUENCEs.
    return expectChildren(certificates, 'certificates')
      .filter((choice) => isUniversal(choice, TAG.SEQUENCE))
      .map((choice) => choice.raw);
  });
}
