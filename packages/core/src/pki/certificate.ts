/** Reading X.509 certificates (RFC 5280) into CertificateInfo. */
import { TAG, type BerNode } from '../asn1/ber-reader.js';
import { algorithmOf, isContext, isUniversal } from '../asn1/accessors.js';
import {
  at,
  decodeAsn1,
  expectBitString,
  expectBitStringBytes,
  expectBoolean,
  expectExplicit,
  expectIntegerContents,
  expectOctetString,
  expectOctets,
  expectOid,
  expectSequence,
  expectSmallInteger,
  expectTime,
  readAs,
  shapeError,
} from '../asn1/shape.js';
import { createBytesMemo } from '../bytes-cache.js';
import { bytesEqual, toHex } from '../bytes.js';
import type { DigestAlgorithm } from '../backend.js';
import { signatureParamsOf } from '../backend-kit/signature-algorithms.js';
import { SealpostError } from '../errors.js';
import { readGeneralNames, readNameConstraints, type GeneralName, type NameConstraints } from './general-name.js';
import { formatName, nameValues } from './name.js';
import { OID } from '../asn1/oids.js';
import type { ContentCipher } from '../backend.js';
import { smimeCapabilityCiphers } from '../cms/smime-capabilities.js';
import { readSpki } from './spki.js';
import { readAuthorityInfoAccess, readCrlDistributionPoints, type RevocationPointers } from './revocation-pointers.js';
import type { CertificateInfo } from './types.js';

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;

export interface CertificateDetails {
  readonly info: CertificateInfo;
  readonly version: number;
  /** OIDs of the extensions marked critical. */
  readonly criticalExtensions: readonly string[];
  /** Every subjectAltName entry, in order (empty without the extension). */
  readonly subjectAltNames: readonly GeneralName[];
  /** The nameConstraints extension, critical or not; null when absent. */
  readonly nameConstraints: NameConstraints | null;
  /** The hash the certificate's own signature uses, when its algorithm names one Sealpost knows. */
  readonly signatureDigest: DigestAlgorithm | null;
  /** The signed part and the signature, for checking it. */
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
  /** Where its revocation status is published (authorityInfoAccess OCSP, cRLDistributionPoints). */
  readonly revocationPointers: RevocationPointers;
}

/** Parses a DER certificate; anything unreadable is ERR_CERTIFICATE_MALFORMED. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  return parseCertificateDetails(der).info;
}

// The same certificates arrive with every message of a sender and are read again by chain building,
// identifier matching and reports: each is read once (a copy is kept; certificates are public).
const READ_CERTIFICATES = createBytesMemo<CertificateDetails>(1024);

export function parseCertificateDetails(der: Uint8Array): CertificateDetails {
  if (!(der instanceof Uint8Array)) throw new SealpostError('ERR_CERTIFICATE_MALFORMED', 'certificate is malformed: not bytes');
  return READ_CERTIFICATES.get(der, (copy) => readAs('ERR_CERTIFICATE_MALFORMED', 'certificate is malformed', () => readCertificate(copy)));
}

/** The certificate's e-mail addresses (SAN rfc822Name first, then subject emailAddress). */
export function certificateAddresses(certificate: CertificateInfo | Uint8Array): readonly string[] {
  return (certificate instanceof Uint8Array ? parseCertificate(certificate) : certificate).emailAddresses;
}

/** True when both are the same certificate, byte for byte. */
export function sameCertificate(a: CertificateInfo | Uint8Array, b: CertificateInfo | Uint8Array): boolean {
  return bytesEqual(a instanceof Uint8Array ? a : a.der, b instanceof Uint8Array ? b : b.der);
}

/**
 * An address as certificates compare it: the domain is case-insensitive and lower-cased, the local
 * part is kept as written. Null when the text is not an addr-spec shape (local@domain).
 */
export function normalizeAddress(address: string): string | null {
  const trimmed = address.trim();
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1 || /[\s<>]/.test(trimmed)) return null;
  return `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}`;
}

interface Extensions {
  keyUsage: string[] | null;
  extendedKeyUsage: string[] | null;
  isCA: boolean;
  pathLength: number | null;
  subjectAltNames: GeneralName[];
  nameConstraints: NameConstraints | null;
  subjectKeyId: string | null;
  authorityKeyId: string | null;
  smimeCapabilities: ContentCipher[];
  ocspUrls: string[];
  crlUrls: string[];
  critical: string[];
}

function readCertificate(der: Uint8Array): CertificateDetails {
  const certificate = expectSequence(decodeAsn1(der, 'Certificate'), 'Certificate');
  if (certificate.length !== 3) shapeError('Certificate: expected three fields');
  const tbsNode = at(certificate, 0, 'tbsCertificate');
  const tbs = expectSequence(tbsNode, 'tbsCertificate');
  const outerAlgorithmNode = at(certificate, 1, 'signatureAlgorithm');
  const outerAlgorithm = algorithmOid(outerAlgorithmNode);
  const signature = expectBitStringBytes(at(certificate, 2, 'signatureValue'), 'signatureValue');

  let index = 0;
  let version = 0;
  if (isContext(at(tbs, 0, 'version'), 0)) {
    version = expectSmallInteger(expectExplicit(at(tbs, 0, 'version'), 0, 'version'), 'version', 2);
    index++;
  }
  const serial = serialHex(expectIntegerContents(at(tbs, index++, 'serialNumber'), 'serialNumber'));
  if (algorithmOid(at(tbs, index++, 'signature')) !== outerAlgorithm) shapeError('signature algorithms in and outside tbsCertificate differ');
  const issuer = at(tbs, index++, 'issuer');
  const validity = expectSequence(at(tbs, index++, 'validity'), 'validity');
  const subject = at(tbs, index++, 'subject');
  const publicKey = readSpki(at(tbs, index++, 'subjectPublicKeyInfo'));
  let extensions = emptyExtensions();
  for (const optional of tbs.slice(index)) {
    if (isContext(optional, 3)) extensions = readExtensions(expectExplicit(optional, 3, 'extensions'));
    else if (!isContext(optional, 1) && !isContext(optional, 2)) shapeError('tbsCertificate: unexpected field');
  }

  const subjectDer = subject.raw;
  const issuerDer = issuer.raw;
  const info: CertificateInfo = {
    der,
    subject: formatName(subject),
    issuer: formatName(issuer),
    subjectDer,
    issuerDer,
    serial,
    notBefore: expectTime(at(validity, 0, 'notBefore'), 'notBefore'),
    notAfter: expectTime(at(validity, 1, 'notAfter'), 'notAfter'),
    emailAddresses: uniqueAddresses([...rfc822Names(extensions.subjectAltNames), ...nameValues(subject, OID.emailAddress)]),
    keyUsage: extensions.keyUsage,
    extendedKeyUsage: extensions.extendedKeyUsage,
    isCA: extensions.isCA,
    pathLength: extensions.pathLength,
    publicKey: publicKey.info,
    spki: publicKey.spki,
    subjectKeyId: extensions.subjectKeyId,
    authorityKeyId: extensions.authorityKeyId,
    smimeCapabilities: extensions.smimeCapabilities,
    signatureAlgorithm: outerAlgorithm,
    selfIssued: bytesEqual(subjectDer, issuerDer),
  };
  return {
    info,
    version,
    criticalExtensions: extensions.critical,
    subjectAltNames: extensions.subjectAltNames,
    nameConstraints: extensions.nameConstraints,
    signatureDigest: signatureDigestOf(outerAlgorithmNode),
    tbs: tbsNode.raw,
    signature,
    revocationPointers: { ocsp: extensions.ocspUrls, crl: extensions.crlUrls },
  };
}

/** The hash of a certificate signature algorithm (RSASSA-PSS names it in its parameters), for the policy. */
function signatureDigestOf(node: BerNode): DigestAlgorithm | null {
  const algorithm = algorithmOf(node);
  if (algorithm === null) return null;
  try {
    return signatureParamsOf(algorithm, null).hash;
  } catch {
    // An algorithm the engine cannot resolve cannot be checked by a backend either: no path goes through it.
    return null;
  }
}

function algorithmOid(node: BerNode): string {
  return expectOid(at(expectSequence(node, 'AlgorithmIdentifier'), 0, 'algorithm'), 'algorithm');
}

/** Lower-case hex without leading zeros; the content octets as written, so negative serials stay distinct. */
export function serialHex(content: Uint8Array): string {
  return toHex(content).replace(/^0+(?=.)/, '');
}

function uniqueAddresses(candidates: readonly string[]): string[] {
  const out: string[] = [];
  for (const candidate of candidates) {
    const address = normalizeAddress(candidate);
    if (address !== null && !out.includes(address)) out.push(address);
  }
  return out;
}

function emptyExtensions(): Extensions {
  return {
    keyUsage: null,
    extendedKeyUsage: null,
    isCA: false,
    pathLength: null,
    subjectAltNames: [],
    nameConstraints: null,
    subjectKeyId: null,
    authorityKeyId: null,
    smimeCapabilities: [],
    ocspUrls: [],
    crlUrls: [],
    critical: [],
  };
}

function readExtensions(node: BerNode): Extensions {
  const extensions = emptyExtensions();
  const seen = new Set<string>();
  for (const extension of expectSequence(node, 'extensions')) {
    const parts = expectSequence(extension, 'Extension');
    const id = expectOid(at(parts, 0, 'extnID'), 'extnID');
    if (seen.has(id)) shapeError(`extension ${id} appears twice`);
    seen.add(id);
    const critical = parts.length === 3 ? expectBoolean(at(parts, 1, 'critical'), 'critical') : false;
    const value = decodeAsn1(expectOctetString(at(parts, parts.length - 1, 'extnValue'), 'extnValue'), `extension ${id}`);
    if (critical) extensions.critical.push(id);
    readExtension(extensions, id, value);
  }
  return extensions;
}

function readExtension(extensions: Extensions, id: string, value: BerNode): void {
  switch (id) {
    case OID.keyUsage:
      extensions.keyUsage = keyUsageNames(value);
      break;
    case OID.extKeyUsage:
      extensions.extendedKeyUsage = expectSequence(value, 'extKeyUsage').map((purpose) => expectOid(purpose, 'KeyPurposeId'));
      break;
    case OID.basicConstraints:
      readBasicConstraints(extensions, value);
      break;
    case OID.subjectAltName:
      extensions.subjectAltNames = readGeneralNames(value, 'subjectAltName');
      break;
    case OID.nameConstraints:
      extensions.nameConstraints = readNameConstraints(value);
      break;
    case OID.subjectKeyIdentifier:
      extensions.subjectKeyId = toHex(expectOctetString(value, 'subjectKeyIdentifier'));
      break;
    case OID.authorityKeyIdentifier: {
      const keyIdentifier = expectSequence(value, 'authorityKeyIdentifier').find((field) => isContext(field, 0));
      extensions.authorityKeyId = keyIdentifier === undefined ? null : toHex(expectOctets(keyIdentifier, 'keyIdentifier'));
      break;
    }
    case OID.smimeCapabilities:
      // RFC 4262: the ciphers the owner's software reads, for choosing what to encrypt to it with.
      extensions.smimeCapabilities = smimeCapabilityCiphers(value);
      break;
    case OID.authorityInfoAccess:
      extensions.ocspUrls = readAuthorityInfoAccess(value);
      break;
    case OID.cRLDistributionPoints:
      extensions.crlUrls = readCrlDistributionPoints(value);
      break;
    default:
      break;
  }
}

function keyUsageNames(value: BerNode): string[] {
  const { bytes, unusedBits } = expectBitString(value, 'keyUsage');
  const totalBits = bytes.length * 8 - unusedBits;
  return KEY_USAGE_BITS.filter((_, bit) => bit < totalBits && ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) !== 0);
}

function readBasicConstraints(extensions: Extensions, value: BerNode): void {
  for (const field of expectSequence(value, 'basicConstraints')) {
    if (isUniversal(field, TAG.BOOLEAN)) extensions.isCA = expectBoolean(field, 'cA');
    else extensions.pathLength = expectSmallInteger(field, 'pathLenConstraint', 0x7fffffff);
  }
}

function rfc822Names(names: readonly GeneralName[]): string[] {
  return names.flatMap((name) => (name.form === 'rfc822Name' ? [name.text] : []));
}
