/**
 * Reading X.509 CRLs (RFC 5280 section 5) for the revocation checker: who issued it, when, what it
 * lists, and which critical extensions it carries that the checker does not process (a CRL with one
 * is unusable, RFC 5280 5.2 and 5.3). Signatures and times are judged in revocation.ts.
 */
import { TAG, type BerNode } from '../asn1/ber-reader.js';
import { algorithmOf, isContext, isUniversal } from '../asn1/accessors.js';
import {
  at,
  decodeAsn1,
  expectBitStringBytes,
  expectBoolean,
  expectExplicit,
  expectIntegerContents,
  expectOctetString,
  expectOid,
  expectSequence,
  expectSmallInteger,
  expectTime,
  readAs,
  shapeError,
} from '../asn1/shape.js';
import { bytesEqual, toHex } from '../bytes.js';
import type { DigestAlgorithm } from '../backend.js';
import { signatureParamsOf } from '../backend-kit/signature-algorithms.js';
import { OID } from '../asn1/oids.js';
import { serialHex } from './certificate.js';
import { formatName } from './name.js';

/** CRLReason (RFC 5280 5.3.1), by its ENUMERATED value; 7 is unused. */
export const REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  undefined,
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
] as const;

export type RevocationReason = Exclude<(typeof REASONS)[number], undefined>;

export interface CrlEntry {
  readonly revocationDate: Date;
  readonly reason: RevocationReason | null;
}

export interface CrlInfo {
  readonly issuerDer: Uint8Array;
  readonly issuer: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  /** authorityKeyIdentifier keyIdentifier, hex, or null. */
  readonly authorityKeyId: string | null;
  /**
   * Critical extensions of the CRL or of an entry that the checker does not process: a delta CRL,
   * an issuingDistributionPoint (a partitioned CRL), an indirect CRL's certificateIssuer, any other.
   */
  readonly unprocessedCritical: readonly string[];
  /** Revoked certificates by serial (lower-case hex as CertificateInfo.serial writes it). */
  readonly entries: ReadonlyMap<string, CrlEntry>;
  /** The hash of its signature algorithm, for the algorithm policy; null when not one Sealpost knows. */
  readonly signatureDigest: DigestAlgorithm | null;
}

/** CRL extensions whose meaning the checker takes into account (or that change nothing for it). */
const PROCESSED_CRL_EXTENSIONS = new Set<string>([OID.cRLNumber, OID.authorityKeyIdentifier]);
/** Entry extensions likewise: the reason is reported, the invalidity date changes no verdict. */
const PROCESSED_ENTRY_EXTENSIONS = new Set<string>([OID.cRLReasons, OID.invalidityDate]);

/** Reads a DER CRL; anything unreadable is ERR_CRL_MALFORMED. */
export function parseCrl(der: Uint8Array): CrlInfo {
  return readAs('ERR_CRL_MALFORMED', 'CRL is malformed', () => readCrl(der));
}

function readCrl(der: Uint8Array): CrlInfo {
  const list = expectSequence(decodeAsn1(der, 'CertificateList'), 'CertificateList');
  if (list.length !== 3) shapeError('CertificateList: expected three fields');
  expectBitStringBytes(at(list, 2, 'signatureValue'), 'signatureValue');
  const tbs = expectSequence(at(list, 0, 'tbsCertList'), 'tbsCertList');
  let index = 0;
  if (isUniversal(tbs[0], TAG.INTEGER)) {
    // Version v2 (1) is the only one written with the field (RFC 5280 5.1.2.1).
    if (expectSmallInteger(at(tbs, index++, 'version'), 'version', 1) !== 1) shapeError('tbsCertList: unknown version');
  }
  const inner = at(tbs, index++, 'signature');
  if (!bytesEqual(inner.raw, at(list, 1, 'signatureAlgorithm').raw)) shapeError('signature algorithms in and outside tbsCertList differ');
  const issuer = at(tbs, index++, 'issuer');
  expectSequence(issuer, 'issuer');
  const thisUpdate = expectTime(at(tbs, index++, 'thisUpdate'), 'thisUpdate');
  let nextUpdate: Date | null = null;
  const maybeNext = tbs[index];
  if (isUniversal(maybeNext, TAG.UTC_TIME) || isUniversal(maybeNext, TAG.GENERALIZED_TIME)) {
    nextUpdate = expectTime(maybeNext, 'nextUpdate');
    index++;
  }
  const unprocessedCritical: string[] = [];
  const entries = new Map<string, CrlEntry>();
  if (isUniversal(tbs[index], TAG.SEQUENCE)) {
    for (const entry of expectSequence(at(tbs, index++, 'revokedCertificates'), 'revokedCertificates')) readEntry(entry, entries, unprocessedCritical);
  }
  let authorityKeyId: string | null = null;
  if (isContext(tbs[index], 0)) {
    const extensions = readExtensions(expectExplicit(at(tbs, index++, 'crlExtensions'), 0, 'crlExtensions'));
    for (const extension of extensions) {
      if (extension.id === OID.authorityKeyIdentifier) authorityKeyId = keyIdentifierOf(extension.value);
      if (extension.critical && !PROCESSED_CRL_EXTENSIONS.has(extension.id)) unprocessedCritical.push(extension.id);
      // A delta CRL lists only changes: taken as complete it would call revoked certificates good.
      if (extension.id === OID.deltaCRLIndicator && !extension.critical) unprocessedCritical.push(extension.id);
    }
  }
  if (index !== tbs.length) shapeError('tbsCertList: unexpected field');
  return {
    issuerDer: issuer.raw,
    issuer: formatName(issuer),
    thisUpdate,
    nextUpdate,
    authorityKeyId,
    unprocessedCritical: [...new Set(unprocessedCritical)],
    entries,
    signatureDigest: signatureDigestOf(at(list, 1, 'signatureAlgorithm')),
  };
}

function readEntry(node: BerNode, entries: Map<string, CrlEntry>, unprocessedCritical: string[]): void {
  const fields = expectSequence(node, 'revokedCertificate');
  const serial = serialHex(expectIntegerContents(at(fields, 0, 'userCertificate'), 'userCertificate'));
  const revocationDate = expectTime(at(fields, 1, 'revocationDate'), 'revocationDate');
  let reason: RevocationReason | null = null;
  const extensionsNode = fields[2];
  if (extensionsNode !== undefined) {
    for (const extension of readExtensions(extensionsNode)) {
      if (extension.id === OID.cRLReasons) reason = reasonOf(extension.value);
      if (extension.id === OID.certificateIssuer || (extension.critical && !PROCESSED_ENTRY_EXTENSIONS.has(extension.id))) unprocessedCritical.push(extension.id);
    }
  }
  if (fields.length > 3) shapeError('revokedCertificate: unexpected field');
  // removeFromCRL belongs in delta CRLs only (RFC 5280 5.3.1): in a full CRL it lists nothing.
  if (reason === 'removeFromCRL') return;
  if (!entries.has(serial)) entries.set(serial, { revocationDate, reason });
}

export function reasonOf(value: BerNode): RevocationReason {
  if (!isUniversal(value, 10) || value.constructed || value.contents.length !== 1) shapeError('CRLReason: expected a small ENUMERATED');
  const reason = REASONS[value.contents[0] ?? 255];
  if (reason === undefined) shapeError('CRLReason: unknown value');
  return reason;
}

interface Extension {
  readonly id: string;
  readonly critical: boolean;
  readonly value: BerNode;
}

function readExtensions(node: BerNode): Extension[] {
  const out: Extension[] = [];
  for (const extension of expectSequence(node, 'extensions')) {
    const parts = expectSequence(extension, 'Extension');
    const id = expectOid(at(parts, 0, 'extnID'), 'extnID');
    if (out.some((seen) => seen.id === id)) shapeError(`extension ${id} appears twice`);
    const critical = parts.length === 3 ? expectBoolean(at(parts, 1, 'critical'), 'critical') : false;
    out.push({ id, critical, value: decodeAsn1(expectOctetString(at(parts, parts.length - 1, 'extnValue'), 'extnValue'), `extension ${id}`) });
  }
  return out;
}

function keyIdentifierOf(value: BerNode): string | null {
  const keyIdentifier = expectSequence(value, 'authorityKeyIdentifier').find((field) => isContext(field, 0));
  return keyIdentifier === undefined || keyIdentifier.constructed ? null : toHex(keyIdentifier.contents);
}

/** The hash a signature algorithm names (RSASSA-PSS in its parameters), or null. */
export function signatureDigestOf(node: BerNode): DigestAlgorithm | null {
  const algorithm = algorithmOf(node);
  if (algorithm === null) return null;
  try {
    return signatureParamsOf(algorithm, null).hash;
  } catch {
    return null;
  }
}
