import {
  type CmsSummary,
  type MimeEntity,
  type RecipientSummary,
  type SignerIdentifier,
  type SignerInfoSummary,
  decodeBody,
  getHeader,
  inspectCms,
  isSealpostError,
  parseCertificate,
  parseMime,
} from '@sealpost/core';

/** What `inspect` says about one MIME entity. Structure only: no body bytes, no header values but types. */
export interface EntityDescription {
  /** IMAP-style part path; "" is the root. An opaque signed-data's content continues as "<path>.signed". */
  readonly path: string;
  readonly contentType: string;
  readonly smimeType?: string;
  readonly name?: string;
  readonly transferEncoding?: string;
  /** Bytes of the whole entity as received (headers, blank line, body). */
  readonly size: number;
  /** Bytes of the body after transfer decoding (leaf parts only). */
  readonly decodedSize?: number;
  readonly cms?: CmsDescription;
  readonly children: readonly EntityDescription[];
}

export type CmsDescription =
  | {
      readonly type: 'signed-data';
      readonly detached: boolean;
      readonly contentSize: number | null;
      readonly certificates: readonly CertificateDescription[];
      readonly signers: readonly SignerDescription[];
    }
  | {
      readonly type: 'enveloped-data' | 'auth-enveloped-data';
      readonly cipher: string;
      readonly authenticated: boolean;
      readonly recipients: readonly RecipientDescription[];
    }
  | { readonly type: 'other'; readonly contentType: string }
  | { readonly type: 'unreadable'; readonly error: { readonly code: string; readonly message: string } };

export interface CertificateDescription {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly addresses: readonly string[];
}

export interface SignerDescription {
  readonly digest: string;
  readonly signatureAlgorithm: string;
  readonly signingTime?: string;
  readonly signedAttributes: boolean;
  readonly smimeCapabilities: readonly string[];
  readonly sid: { readonly serial: string } | { readonly keyId: string };
  /** The embedded certificate the signer identifier points to, if there is one. */
  readonly certificate?: CertificateDescription;
}

export interface RecipientDescription {
  readonly kind: string;
  readonly keyTransport: string | null;
  readonly rid: { readonly serial: string } | { readonly keyId: string } | null;
}

const PKCS7 = new Set(['pkcs7-mime', 'x-pkcs7-mime', 'pkcs7-signature', 'x-pkcs7-signature']);

export function describeMessage(bytes: Uint8Array): EntityDescription {
  return describeEntity(parseMime(bytes), '');
}

function describeEntity(entity: MimeEntity, path: string): EntityDescription {
  const { type, subtype, params } = entity.contentType;
  const isLeaf = entity.children.length === 0 && type !== 'multipart';
  const decoded = isLeaf ? safeDecode(entity) : undefined;
  const cms = decoded !== undefined && type === 'application' && PKCS7.has(subtype) ? describeCms(decoded, subtype.endsWith('signature')) : undefined;
  const children = entity.children.map((child) => describeEntity(child, child.path));
  const inner = opaqueContent(decoded, cms, path);
  const transferEncoding = getHeader(entity, 'content-transfer-encoding')?.toLowerCase();
  return {
    path,
    contentType: `${type}/${subtype}`,
    ...(params['smime-type'] === undefined ? {} : { smimeType: params['smime-type'] }),
    ...(params['name'] === undefined ? {} : { name: params['name'] }),
    ...(transferEncoding === undefined ? {} : { transferEncoding }),
    size: entity.raw.length,
    ...(decoded === undefined ? {} : { decodedSize: decoded.length }),
    ...(cms === undefined ? {} : { cms: cms.description }),
    children: inner === undefined ? children : [...children, inner],
  };
}

/** The MIME entity inside opaque signed-data, so the tree goes on below the signature. */
function opaqueContent(decoded: Uint8Array | undefined, cms: DescribedCms | undefined, path: string): EntityDescription | undefined {
  if (decoded === undefined || cms?.summary?.type !== 'signed-data' || cms.summary.eContent === null) return undefined;
  const innerPath = path === '' ? 'signed' : `${path}.signed`;
  try {
    return prefixPaths(describeEntity(parseMime(cms.summary.eContent), innerPath), innerPath);
  } catch {
    return undefined;
  }
}

function prefixPaths(description: EntityDescription, prefix: string): EntityDescription {
  return {
    ...description,
    children: description.children.map((child) => prefixPaths({ ...child, path: child.path.startsWith(prefix) ? child.path : `${prefix}.${child.path}` }, prefix)),
  };
}

function safeDecode(entity: MimeEntity): Uint8Array | undefined {
  try {
    return decodeBody(entity);
  } catch {
    return undefined;
  }
}

interface DescribedCms {
  readonly description: CmsDescription;
  readonly summary: CmsSummary | null;
}

function describeCms(der: Uint8Array, detachedPart: boolean): DescribedCms {
  let summary: CmsSummary;
  try {
    summary = inspectCms(der);
  } catch (error) {
    const reason = isSealpostError(error) ? { code: error.code, message: error.message } : { code: 'ERR_CMS_MALFORMED', message: 'unreadable CMS' };
    return { description: { type: 'unreadable', error: reason }, summary: null };
  }
  if (summary.type === 'other') return { description: summary, summary };
  if (summary.type === 'signed-data') {
    const certificates = summary.certificates.map(describeCertificate).filter((c) => c !== null);
    return {
      description: {
        type: 'signed-data',
        detached: detachedPart || summary.eContent === null,
        contentSize: summary.eContent?.length ?? null,
        certificates: certificates.map((c) => c.description),
        signers: summary.signers.map((s) => describeSigner(s, certificates)),
      },
      summary,
    };
  }
  return {
    description: {
      type: summary.type,
      cipher: summary.cipher ?? summary.cipherOid,
      authenticated: summary.type === 'auth-enveloped-data',
      recipients: summary.recipients.map(describeRecipient),
    },
    summary,
  };
}

interface ParsedCertificate {
  readonly description: CertificateDescription;
  readonly issuerDer: Uint8Array;
  readonly subjectKeyId: string | null;
}

function describeCertificate(der: Uint8Array): ParsedCertificate | null {
  try {
    const info = parseCertificate(der);
    return {
      description: { subject: info.subject, issuer: info.issuer, serial: info.serial, addresses: info.emailAddresses },
      issuerDer: info.issuerDer,
      subjectKeyId: info.subjectKeyId,
    };
  } catch {
    return null;
  }
}

function describeSigner(signer: SignerInfoSummary, certificates: readonly ParsedCertificate[]): SignerDescription {
  const certificate = certificates.find((c) => sidMatches(signer.sid, c));
  return {
    digest: signer.digest ?? signer.digestAlgorithmOid,
    signatureAlgorithm: signer.signatureScheme,
    ...(signer.signingTime === null ? {} : { signingTime: signer.signingTime.toISOString() }),
    signedAttributes: signer.signedAttributes !== null,
    smimeCapabilities: signer.smimeCapabilities,
    sid: identifierOf(signer.sid),
    ...(certificate === undefined ? {} : { certificate: certificate.description }),
  };
}

function describeRecipient(recipient: RecipientSummary): RecipientDescription {
  return {
    kind: recipient.kind,
    keyTransport: recipient.keyTransport ?? recipient.keyEncryptionOid,
    rid: recipient.rid === null ? null : identifierOf(recipient.rid),
  };
}

function identifierOf(id: SignerIdentifier): { serial: string } | { keyId: string } {
  return id.type === 'issuerAndSerialNumber' ? { serial: id.serial } : { keyId: id.keyId };
}

function sidMatches(sid: SignerIdentifier, cert: ParsedCertificate): boolean {
  if (sid.type === 'subjectKeyIdentifier') return cert.subjectKeyId !== null && cert.subjectKeyId.toLowerCase() === sid.keyId.toLowerCase();
  return sid.serial === cert.description.serial && sameBytes(sid.issuer, cert.issuerDer);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The tree as text: one line per entity, CMS details indented below their part. */
export function renderDescription(root: EntityDescription): string {
  const lines: string[] = [];
  walk(root, 0, lines);
  return lines.join('\n') + '\n';
}

function walk(node: EntityDescription, depth: number, lines: string[]): void {
  const pad = '  '.repeat(depth);
  const label = node.path === '' ? '(root)' : node.path;
  const details = [node.contentType];
  if (node.smimeType !== undefined) details.push(`smime-type=${node.smimeType}`);
  if (node.name !== undefined) details.push(`name=${JSON.stringify(node.name)}`);
  if (node.transferEncoding !== undefined) details.push(node.transferEncoding);
  details.push(`${node.size} bytes`);
  if (node.decodedSize !== undefined && node.decodedSize !== node.size) details.push(`${node.decodedSize} decoded`);
  lines.push(`${pad}${label}  ${details.join('  ')}`);
  if (node.cms !== undefined) lines.push(...cmsLines(node.cms, `${pad}    `));
  for (const child of node.children) walk(child, depth + 1, lines);
}

function cmsLines(cms: CmsDescription, pad: string): string[] {
  switch (cms.type) {
    case 'unreadable':
      return [`${pad}CMS unreadable: ${cms.error.message} [${cms.error.code}]`];
    case 'other':
      return [`${pad}CMS content type ${cms.contentType}`];
    case 'signed-data': {
      const form = cms.detached ? 'detached' : `opaque, ${cms.contentSize ?? 0} content bytes`;
      const lines = [`${pad}CMS signed-data (${form}), ${cms.signers.length} signer(s), ${cms.certificates.length} certificate(s)`];
      cms.signers.forEach((s, i) => {
        const who = s.certificate?.addresses.join(', ') || s.certificate?.subject || ('serial' in s.sid ? `serial ${s.sid.serial}` : `key id ${s.sid.keyId}`);
        const when = s.signingTime === undefined ? '' : `, signed ${s.signingTime}`;
        lines.push(`${pad}  signer ${i + 1}: ${who}: ${s.digest}, ${s.signatureAlgorithm}${when}`);
      });
      return lines;
    }
    default: {
      const auth = cms.authenticated ? 'authenticated' : 'not authenticated';
      const lines = [`${pad}CMS ${cms.type}: ${cms.cipher} (${auth}), ${cms.recipients.length} recipient(s)`];
      cms.recipients.forEach((r, i) => {
        const who = r.rid === null ? '' : 'serial' in r.rid ? `, serial ${r.rid.serial}` : `, key id ${r.rid.keyId}`;
        lines.push(`${pad}  recipient ${i + 1}: ${r.kind}, ${r.keyTransport ?? 'unknown key transport'}${who}`);
      });
      return lines;
    }
  }
}
